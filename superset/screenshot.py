"""Open dashboards in headless Chromium, check that every chart rendered without error, save a PNG.

    superset/.venv/bin/python superset/screenshot.py --url http://127.0.0.1:8088 --user admin \
        --password admin --out docs/screenshots overview trading brokers data-quality

Prints one JSON object per dashboard: {"slug", "charts", "rendered", "errors", "failed_requests",
"png"}; exits 1 when any dashboard has an error. Needs chromium and chromium-driver (apt-get install -y
chromium chromium-driver); it fails, never skips, when they are missing.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
CHROMEDRIVER = ["/usr/bin/chromedriver"]

# a chart's error is an antd error alert (or Superset's error message block) inside its container
ERROR_JS = """
const containers = Array.from(document.querySelectorAll('.dashboard-component-chart-holder'));
const errors = [];
for (const c of containers) {
  const bad = c.querySelector('.ant-alert-error, [data-test="error-message"], .alert-danger');
  if (bad) {
    const title = c.querySelector('.header-title, [data-test="editable-title"]');
    errors.push(((title && title.innerText) || '?') + ': ' + bad.innerText.slice(0, 300));
  }
}
const loading = document.querySelectorAll('.dashboard-component-chart-holder .loading').length;
const rendered = containers.filter(c => c.querySelector('.chart-container, .slice_container')).length;
return {containers: containers.length, rendered: rendered, loading: loading, errors: errors};
"""


def _which(candidates: list[str], name: str) -> str:
    for path in candidates:
        if Path(path).exists():
            return path
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: apt-get install -y chromium chromium-driver")
    return found


def driver(profile: str, width: int, height: int) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = _which(CHROMIUM, "chromium")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--lang=zh-CN",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(_which(CHROMEDRIVER, "chromedriver")), options=options)


def failed_requests(drv: webdriver.Chrome) -> list[str]:
    """API calls of the page that answered >= 400 (from Chromium's network log)."""
    bad = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") != "Network.responseReceived":
            continue
        resp = msg["params"]["response"]
        if "/api/" in resp["url"] and resp["status"] >= 400:
            bad.append(f"{resp['status']} {resp['url']}")
    return bad


USER_INPUT = "input#username, input[name='username']"
PASSWORD_INPUT = "input#password, input[name='password'], input[type='password']"


def login(drv, base: str, user: str, password: str, timeout: float) -> None:
    """Log in with Superset's login form at /login/. The form is a React page: on a busy machine keys
    typed before it is ready can be lost, so the values are checked and the login retried."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        drv.get(f"{base}/login/")
        fields = _login_fields(drv, deadline)
        if fields is None:
            raise SystemExit(f"no login form at {base}/login/")
        for field, value in zip(fields, (user, password), strict=True):
            field.clear()
            field.send_keys(value)
        if [field.get_attribute("value") for field in fields] != [user, password]:
            continue
        fields[1].send_keys(Keys.ENTER)
        attempt_end = min(deadline, time.monotonic() + 20)
        while time.monotonic() < attempt_end:
            if "/login" not in drv.current_url:
                return
            time.sleep(0.3)
    raise SystemExit(f"login as {user} failed (still on {drv.current_url})")


def _login_fields(drv, deadline: float) -> list | None:
    """The login form's user and password inputs once both are on the page; None past the deadline."""
    while time.monotonic() < deadline:
        user = drv.find_elements(By.CSS_SELECTOR, USER_INPUT)
        pw = drv.find_elements(By.CSS_SELECTOR, PASSWORD_INPUT)
        if user and pw:
            return [user[0], pw[0]]
        time.sleep(0.3)
    return None


def check_dashboard(
    drv, base: str, slug: str, expected: int | None, out: Path | None, timeout: float
) -> dict:
    drv.get(f"{base}/superset/dashboard/{slug}/?standalone=1")
    deadline = time.monotonic() + timeout
    state: dict = {}
    if "/login" in drv.current_url:
        raise SystemExit(f"dashboard {slug}: redirected to the login page")
    while time.monotonic() < deadline:
        state = drv.execute_script(ERROR_JS)
        done = state["containers"] > 0 and state["loading"] == 0
        if expected is not None:
            done = done and state["containers"] >= expected
        if done and (state["rendered"] >= state["containers"] or state["errors"]):
            break
        time.sleep(0.5)
    else:
        state.setdefault("errors", []).append(f"timeout after {timeout:.0f} s: {state}")
    time.sleep(1.0)  # let the echarts animations settle for the picture
    state = {**state, "errors": state["errors"] + drv.execute_script(ERROR_JS)["errors"]}
    state["errors"] = sorted(set(state["errors"]))
    result = {
        "slug": slug,
        "charts": state.get("containers"),
        "rendered": state.get("rendered"),
        "errors": state["errors"],
        "failed_requests": failed_requests(drv),
        "png": None,
    }
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        png = Image.open(io.BytesIO(drv.get_screenshot_as_png())).convert("RGB")
        png = png.resize((png.width * 2 // 3, png.height * 2 // 3), Image.LANCZOS)
        path = out / f"{slug}.png"
        png.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        result["png"] = str(path)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="+")
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--expect", type=json.loads, default={}, help='{"slug": number of charts}')
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--width", type=int, default=1500)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args()

    profile = tempfile.mkdtemp(prefix="bi-chromium-")
    drv = driver(profile, args.width, args.height)
    ok = True
    try:
        drv.set_page_load_timeout(args.timeout)
        login(drv, args.url, args.user, args.password, args.timeout)
        for slug in args.slugs:
            result = check_dashboard(drv, args.url, slug, args.expect.get(slug), args.out, args.timeout)
            ok = ok and not result["errors"] and not result["failed_requests"]
            print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
