"""BI layer end to end: the `tiny` brokerage built into a tmp data dir, a real Superset on its serving file.

Nothing here is skipped: a missing Superset venv (make superset-install) or a missing chromium
(apt-get install -y chromium chromium-driver) fails the session with a message saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
SUPERSET_PY = REPO / "superset" / ".venv" / "bin" / "python"
BI = REPO / "superset" / "bi.py"
ASSETS = REPO / "superset" / "assets"


def pytest_configure(config):
    config.addinivalue_line("markers", "bi: Superset end to end (real server, headless Chromium)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/bi/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.bi)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Superset:
    def __init__(self, url: str, env: dict, data: Path):
        self.url = url
        self.env = env
        self.data = data
        self.serving = data / "warehouse" / "serving.duckdb"
        # the build also has the staging views over the lake, which are not published
        self.build = data / "warehouse" / "build.duckdb"

    def session(self, user: str, password: str | None = None) -> requests.Session:
        """A logged-in session (form login with the CSRF token), ready for the REST API."""
        s = requests.Session()
        s.headers["Referer"] = self.url
        page = s.get(f"{self.url}/login/", timeout=30).text
        found = re.search(r'id="csrf_token"\s+value="([^"]+)"', page)
        assert found, "no csrf_token on the login page"
        token = found.group(1)
        resp = s.post(
            f"{self.url}/login/",
            data={"username": user, "password": password or user, "csrf_token": token},
            timeout=60,
        )
        assert resp.status_code < 400 and "/login" not in resp.url, (
            f"login as {user} failed ({resp.status_code})"
        )
        s.headers["X-CSRFToken"] = s.get(f"{self.url}/api/v1/security/csrf_token/", timeout=30).json()[
            "result"
        ]
        return s


@pytest.fixture(scope="session")
def superset(tmp_path_factory) -> Superset:
    if not SUPERSET_PY.exists():
        pytest.fail(f"Superset's venv is missing ({SUPERSET_PY}): run `make superset-install`", pytrace=False)
    for tool in ("chromium", "chromedriver"):
        if not (shutil.which(tool) or Path(f"/usr/bin/{tool}").exists()):
            pytest.fail(f"{tool} is missing: apt-get install -y chromium chromium-driver", pytrace=False)

    data = tmp_path_factory.mktemp("bi_data")
    port = _free_port()
    env = {
        **os.environ,
        "WAREHOUSE_DATA": str(data),
        "WAREHOUSE_DEMO": "1",
        "SUPERSET_HOME": str(data / "superset"),
        "SUPERSET_PORT": str(port),
        "SUPERSET_CACHE": "filesystem",
    }
    for key in ("WAREHOUSE_INBOX", "WAREHOUSE_LAKE", "WAREHOUSE_DIR", "DAGSTER_HOME", "SUPERSET_CONFIG_PATH"):
        env.pop(key, None)
    # the warehouse build and Superset's metadata set-up do not depend on each other: run them together
    build = subprocess.Popen(
        [sys.executable, "-m", "warehouse", "run", "--preset", "tiny"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    init = subprocess.run([str(SUPERSET_PY), str(BI), "init"], env=env, capture_output=True, text=True)
    build_out, _ = build.communicate(timeout=900)
    assert build.returncode == 0, f"warehouse run --preset tiny failed:\n{build_out[-4000:]}"
    assert init.returncode == 0, f"superset init failed:\n{init.stdout[-2000:]}\n{init.stderr[-4000:]}"

    start = subprocess.run([str(SUPERSET_PY), str(BI), "start"], env=env, capture_output=True, text=True)
    try:
        assert start.returncode == 0, (
            f"superset start failed:\n{start.stdout[-3000:]}\n{start.stderr[-5000:]}"
        )
        yield Superset(f"http://127.0.0.1:{port}", env, data)
    finally:
        subprocess.run([str(SUPERSET_PY), str(BI), "stop"], env=env, capture_output=True, text=True)
