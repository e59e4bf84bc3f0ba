"""Superset for the brokerage warehouse: init, import, start, stop, status.

Run with Superset's own venv (created by `make superset-install` from superset/pyproject.toml + uv.lock):

    superset/.venv/bin/python superset/bi.py start      # init if needed, import assets, serve, wait healthy
    superset/.venv/bin/python superset/bi.py stop
    superset/.venv/bin/python superset/bi.py status
    superset/.venv/bin/python superset/bi.py init       # db upgrade + roles (idempotent)
    superset/.venv/bin/python superset/bi.py import     # dashboards-as-code, roles, RLS, users (idempotent)

Environment: see superset_config.py (SUPERSET_SECRET_KEY or WAREHOUSE_DEMO=1, WAREHOUSE_DATA /
WAREHOUSE_DIR for the serving file, SUPERSET_HOME for Superset's own files) plus
SUPERSET_PORT (8088), SUPERSET_WORKERS (2) and, outside the demo, SUPERSET_ADMIN_PASSWORD.

Personas (roles are created on import; a person gets Gamma + one of them):
    高管 executive       every dashboard, every row
    营业部负责人 head     every dashboard but data quality; rows of its own branch (username = its broker id)
    经纪人 broker        the broker, clients and client dashboards; rows of itself and the brokers under it
                         (a client's rows belong to its primary servicing broker; username = broker id)
    分析师 analyst       every dashboard and SQL Lab, read-only (allow_dml off, DuckDB opened read-only)
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV_BIN = Path(sys.executable).parent
os.environ.setdefault("SUPERSET_CONFIG_PATH", str(REPO / "superset_config.py"))
os.environ.setdefault("FLASK_APP", "superset.app:create_app()")
os.environ.setdefault("SUPERSET_LOG_LEVEL", "WARNING")
sys.path.insert(0, str(HERE))

import assets_spec as spec  # noqa: E402

HOST = "127.0.0.1"
PORT = int(os.environ.get("SUPERSET_PORT", "8088"))
URL = f"http://{HOST}:{PORT}"

ROLE_EXEC = "高管"
ROLE_HEAD = "营业部负责人"
ROLE_BROKER = "经纪人"
ROLE_ANALYST = "分析师"

# datasets whose rows a branch head may see: those of its own branch only
HEAD_RLS = (
    "branch_code IN (SELECT branch_code FROM marts.dim_broker "
    "WHERE broker_id = '{{ current_username() }}' AND hierarchy_depth = 1)"
)
# a broker sees itself and every broker below it in the tree
BROKER_RLS = (
    "'{{ current_username() }}' IN (level_1_broker_id, level_2_broker_id, level_3_broker_id, "
    "level_4_broker_id, level_5_broker_id)"
)
ALL_DATASETS = [d.key for d in spec.DATASETS]
CLIENT_DATASETS = [
    "bi_client_monthly", "bi_client_period_end", "bi_client_daily", "bi_client_fills", "bi_client_cash_flows",
    "bi_client_positions",
]
HEAD_DATASETS = [
    "bi_branch_daily", "bi_broker_daily", "bi_trade_fills", "bi_trade_orders", "bi_assets_daily",
    "bi_holdings_daily", "bi_broker_monthly", "bi_turnover_daily", "bi_security_daily", "bi_rank_monthly",
    *CLIENT_DATASETS,
]
BROKER_DATASETS = ["bi_broker_daily", *CLIENT_DATASETS]
DASHBOARD_ROLES = {
    "overview": [ROLE_EXEC, ROLE_HEAD, ROLE_ANALYST],
    "trading": [ROLE_EXEC, ROLE_HEAD, ROLE_ANALYST],
    "brokers": [ROLE_EXEC, ROLE_HEAD, ROLE_BROKER, ROLE_ANALYST],
    "assets": [ROLE_EXEC, ROLE_HEAD, ROLE_ANALYST],
    "rankings": [ROLE_EXEC, ROLE_HEAD, ROLE_ANALYST],
    "data-quality": [ROLE_EXEC, ROLE_ANALYST],
    "clients": [ROLE_EXEC, ROLE_HEAD, ROLE_BROKER, ROLE_ANALYST],
    "client": [ROLE_EXEC, ROLE_HEAD, ROLE_BROKER, ROLE_ANALYST],
}


def _config():
    """superset_config as a module (paths, demo flag) without starting Superset."""
    import importlib.util

    loaded = importlib.util.spec_from_file_location("superset_config", os.environ["SUPERSET_CONFIG_PATH"])
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


CONFIG = _config()
HOME: Path = CONFIG.SUPERSET_HOME
PID_FILE = HOME / "gunicorn.pid"
LOG_FILE = HOME / "superset.log"
INIT_STAMP = HOME / ".initialized"


def log(msg: str) -> None:
    print(f"[superset] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------------
# init: metadata schema + built-in roles
# ---------------------------------------------------------------------------------------------------
def _superset_version() -> str:
    from importlib.metadata import version

    return version("apache-superset")


def init(force: bool = False) -> None:
    stamp = f"{_superset_version()}\n"
    if not force and INIT_STAMP.exists() and INIT_STAMP.read_text() == stamp:
        return
    t0 = time.monotonic()
    superset = str(VENV_BIN / "superset")
    for args in (["db", "upgrade"], ["init"]):
        log("superset " + " ".join(args))
        done = subprocess.run([superset, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(
                f"superset {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
            )
    INIT_STAMP.write_text(stamp)
    log(f"metadata ready in {time.monotonic() - t0:.0f} s")


# ---------------------------------------------------------------------------------------------------
# import: assets, roles, row-level security, users
# ---------------------------------------------------------------------------------------------------
def serving_uri() -> str:
    serving: Path = CONFIG.SERVING_FILE
    if not serving.exists():
        raise SystemExit(f"no serving warehouse at {serving}: build it first (python -m warehouse run)")
    return f"duckdb:///{serving}?access_mode=read_only"


def bundle_contents() -> dict[str, str]:
    """superset/assets as the import command wants it, with the serving file's absolute URI."""
    contents: dict[str, str] = {}
    for path in sorted(spec.ASSETS.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if path.parent.name == "databases":
            text = text.replace(spec.DATABASE_URI, serving_uri())
        contents[str(path.relative_to(spec.ASSETS))] = text
    if "metadata.yaml" not in contents:
        raise SystemExit(f"no assets under {spec.ASSETS}: run superset/assets_spec.py")
    return contents


def bundle_zip() -> bytes:
    """The same bundle as a zip (one root folder), for POST /api/v1/assets/import/."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in bundle_contents().items():
            zf.writestr(f"warehouse_assets/{name}", text)
    return buf.getvalue()


def _demo_users(database) -> list[tuple[str, str, list[str], str]]:
    """(username, first name, roles, password) of the demo personas, picked from the warehouse (read
    through Superset's own engine: the process keeps a connection of that configuration open)."""
    from sqlalchemy import text

    with database.get_sqla_engine() as engine, engine.connect() as con:
        heads = con.execute(
            text(
                "select broker_id, broker_name, branch_name from marts.dim_broker "
                "where hierarchy_depth = 1 order by branch_code, broker_id limit 2"
            )
        ).fetchall()
        broker = (
            con.execute(
                # the deepest broker of the first head's branch that is some client's primary broker
                text(
                    "select broker_id, broker_name from marts.dim_broker "
                    "where hierarchy_depth > 1 and branch_code = (select branch_code from marts.dim_broker "
                    "where broker_id = :head) and broker_key in (select broker_key from "
                    "marts.fct_client_profile_monthly) order by hierarchy_depth desc, broker_id limit 1"
                ),
                {"head": heads[0][0]},
            ).fetchone()
            if heads
            else None
        )
    users = [
        ("exec", "高管", [ROLE_EXEC], "exec"),
        ("analyst", "分析师", [ROLE_ANALYST], "analyst"),
    ]
    for head in heads:
        users.append((head[0], f"{head[1]}({head[2]}负责人)", [ROLE_HEAD], head[0]))
    if broker:
        users.append((broker[0], f"{broker[1]}(经纪人)", [ROLE_BROKER], broker[0]))
    return users


def import_assets() -> list[tuple[str, str, list[str], str]]:
    """Import the bundle (overwrite), then roles, RLS, dashboard roles and users. Returns demo users."""
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from flask import g
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.connectors.sqla.models import RowLevelSecurityFilter, SqlaTable
        from superset.models.core import Database
        from superset.models.dashboard import Dashboard
        from superset.utils.core import RowLevelSecurityFilterType

        from superset import db, security_manager

        sm = security_manager
        admin_pw = os.environ.get("SUPERSET_ADMIN_PASSWORD") or ("admin" if CONFIG.DEMO else None)
        admin = sm.find_user(username="admin")
        if admin is None:
            if not admin_pw:
                raise SystemExit("SUPERSET_ADMIN_PASSWORD is not set (or WAREHOUSE_DEMO=1 for the demo)")
            admin = sm.add_user(
                "admin", "系统", "管理员", "admin@example.invalid", sm.find_role("Admin"), admin_pw
            )
        g.user = admin

        ImportAssetsCommand(bundle_contents()).run()
        db.session.commit()

        database = db.session.query(Database).filter_by(uuid=spec.uid("database", spec.DATABASE_KEY)).one()
        datasets = {
            t.table_name: t for t in db.session.query(SqlaTable).filter(SqlaTable.database_id == database.id)
        }
        missing = set(ALL_DATASETS) - set(datasets)
        if missing:
            raise SystemExit(f"datasets missing after import: {sorted(missing)}")

        def role_with(name: str, dataset_keys: list[str], database_access: bool = False):
            role = sm.find_role(name) or sm.add_role(name)
            wanted = []
            for key in dataset_keys:
                pv = sm.add_permission_view_menu("datasource_access", datasets[key].get_perm())
                wanted.append(pv)
            if database_access:
                wanted.append(sm.add_permission_view_menu("database_access", database.perm))
                for perm, view in (
                    ("can_read", "SQLLab"),
                    ("can_sqllab", "Superset"),
                    ("menu_access", "SQL Lab"),
                    ("menu_access", "SQL Editor"),
                    ("menu_access", "Saved Queries"),
                    ("menu_access", "Query Search"),
                    ("can_execute_sql_query", "SQLLab"),
                    ("can_estimate_query_cost", "SQL Lab"),
                    ("can_format_sql", "SQLLab"),
                    ("can_export_csv", "SQLLab"),
                    ("can_get_results", "SQLLab"),
                    ("can_sqllab_history", "Superset"),
                    ("can_read", "Query"),
                    ("can_read", "SavedQuery"),
                    ("can_write", "SavedQuery"),
                    ("can_read", "Database"),
                    ("can_activate", "TabStateView"),
                    ("can_get", "TabStateView"),
                    ("can_post", "TabStateView"),
                    ("can_put", "TabStateView"),
                    ("can_delete", "TabStateView"),
                    ("can_delete_query", "TabStateView"),
                    ("can_migrate_query", "TabStateView"),
                    ("can_post", "TableSchemaView"),
                    ("can_delete", "TableSchemaView"),
                    ("can_expanded", "TableSchemaView"),
                ):
                    pv = sm.find_permission_view_menu(perm, view)
                    if pv is not None:
                        wanted.append(pv)
            role.permissions = sorted(set(wanted), key=lambda p: p.id)
            return role

        roles = {
            ROLE_EXEC: role_with(ROLE_EXEC, ALL_DATASETS),
            ROLE_HEAD: role_with(ROLE_HEAD, HEAD_DATASETS),
            ROLE_BROKER: role_with(ROLE_BROKER, BROKER_DATASETS),
            ROLE_ANALYST: role_with(ROLE_ANALYST, ALL_DATASETS, database_access=True),
        }

        def rls(name: str, role, dataset_keys: list[str], clause: str, description: str) -> None:
            rule = db.session.query(RowLevelSecurityFilter).filter_by(name=name).one_or_none()
            if rule is None:
                rule = RowLevelSecurityFilter(name=name)
                db.session.add(rule)
            rule.filter_type = RowLevelSecurityFilterType.REGULAR
            rule.clause = clause
            rule.description = description
            rule.group_key = None
            rule.roles = [role]
            rule.tables = [datasets[k] for k in dataset_keys]

        rls("营业部负责人:本营业部", roles[ROLE_HEAD], HEAD_DATASETS, HEAD_RLS, "branch head: own branch")
        rls(
            "经纪人:本人及下属",
            roles[ROLE_BROKER],
            BROKER_DATASETS,
            BROKER_RLS,
            "broker: itself and its tree",
        )

        for dash in db.session.query(Dashboard).filter(Dashboard.slug.in_(list(DASHBOARD_ROLES))):
            dash.roles = [roles[r] for r in DASHBOARD_ROLES[dash.slug]]
            dash.published = True

        demo = _demo_users(database) if CONFIG.DEMO else []
        gamma = sm.find_role("Gamma")
        for username, first, role_names, password in demo:
            user_roles = [gamma, *[roles[r] for r in role_names]]
            user = sm.find_user(username=username)
            if user is None:
                sm.add_user(username, first, "demo", f"{username}@example.invalid", user_roles, password)
            else:
                user.roles = user_roles
                user.first_name = first
                user.active = True
        db.session.commit()
        log(
            f"imported {len(spec.DATASETS)} datasets, {len(spec.CHARTS)} charts, "
            f"{len(spec.DASHBOARDS)} dashboards; database {database.database_name} (read-only, no DML)"
        )
        return demo


# ---------------------------------------------------------------------------------------------------
# server
# ---------------------------------------------------------------------------------------------------
def _pid() -> int | None:
    try:
        pid = int(PID_FILE.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def healthy(timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{URL}/health", timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def start(wait: float = 120.0, do_import: bool = True) -> None:
    if _pid():
        raise SystemExit(f"Superset already runs (pid {_pid()}, {URL}); `bi.py stop` first")
    init()
    demo = import_assets() if do_import else []
    workers = os.environ.get("SUPERSET_WORKERS", "2")
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "--bind", f"{HOST}:{PORT}",
        "--workers", workers,
        "--worker-class", "gthread",
        "--threads", "4",
        "--timeout", "180",
        "--limit-request-line", "0",
        "--limit-request-field_size", "0",
        "--pid", str(PID_FILE),
        "--daemon",
        "--error-logfile", str(LOG_FILE),
        "--access-logfile", str(HOME / "access.log"),
        "superset.app:create_app()",
    ]  # fmt: skip
    PID_FILE.unlink(missing_ok=True)
    subprocess.run(cmd, check=True, cwd=HOME)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if healthy():
            break
        time.sleep(0.5)
    else:
        tail = LOG_FILE.read_text(errors="replace")[-3000:] if LOG_FILE.exists() else ""
        stop()
        raise SystemExit(f"Superset did not become healthy in {wait:.0f} s; log {LOG_FILE}:\n{tail}")
    log(f"Superset is up: {URL}/  (pid {_pid()}, log {LOG_FILE})")
    log(f"serving warehouse: {CONFIG.SERVING_FILE} (read-only)")
    for dash in spec.DASHBOARDS:
        log(f"  {dash.title}: {URL}/superset/dashboard/{dash.slug}/")
    if CONFIG.DEMO:
        log("demo logins (user / password):")
        log("  admin / admin                 管理员")
        for username, first, roles, password in demo:
            log(f"  {username + ' / ' + password:<30}{first} [{', '.join(roles)}]")


def stop(wait: float = 30.0) -> None:
    pid = _pid()
    if pid is None:
        log("Superset is not running")
        PID_FILE.unlink(missing_ok=True)
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
    PID_FILE.unlink(missing_ok=True)
    log(f"Superset stopped (pid {pid})")


def status() -> int:
    pid = _pid()
    if pid and healthy():
        log(f"running: {URL}/ (pid {pid})")
        return 0
    log("not running" if not pid else f"pid {pid} but not healthy")
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description="Superset for the brokerage warehouse")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="metadata schema and built-in roles (idempotent)").add_argument(
        "--force", action="store_true"
    )
    sub.add_parser("import", help="import dashboards-as-code, roles, row-level security, users")
    p_start = sub.add_parser("start", help="init, import, serve on 127.0.0.1, wait until healthy")
    p_start.add_argument("--no-import", action="store_true")
    p_start.add_argument("--wait", type=float, default=120.0)
    sub.add_parser("stop", help="stop the server started by `start`")
    sub.add_parser("status", help="exit 0 when the server answers /health")
    args = parser.parse_args()
    if args.command == "init":
        init(force=args.force)
    elif args.command == "import":
        init()
        import_assets()
    elif args.command == "start":
        start(wait=args.wait, do_import=not args.no_import)
    elif args.command == "stop":
        stop()
    elif args.command == "status":
        sys.exit(status())


if __name__ == "__main__":
    main()
