"""What the benchmark scripts share: the city's logins, Django set-up, the server, logging in.

Not a test module: pytest only collects tests/.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "xiangli2026"

# Fixed logins of the generated city (manage.py generate_city) and of the demo city (build_demo).
LOGINS: dict[str, dict[str, str]] = {
    "generated": {
        "agent": "13700000001",
        "secretary": "13700000002",
        "township": "13700000004",
        "county": "13700000005",
        "city": "13700000006",
        "resident": "13600000001",
    },
    "demo": {
        "agent": "13900000001",
        "secretary": "13900000002",
        "township": "13900000004",
        "county": "13900000005",
        "city": "13900000006",
        "resident": "13800000001",
    },
}


def banner() -> str:
    """The command line that produced this output, printed first so figures can be reproduced.

    Also: a SIGTERM ends the script through its `finally`s, so the server it started stops too."""
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    db = os.environ.get("DATABASE_URL", "(sqlite default)")
    line = (
        "$ DATABASE_URL="
        + db
        + " "
        + " ".join(shlex.quote(a) for a in [sys.executable.replace(str(ROOT) + "/", ""), *sys.argv])
    )
    print(line, flush=True)
    return line


def setup_django(static: bool = False) -> None:
    """Django for the scripts, on DATABASE_URL. With `static`, first collect the static files into
    bench/results/static (STATIC_ROOT, for this process and the server it starts), since pages
    with DEBUG off need the manifest of the current checkout."""
    if static:
        os.environ["STATIC_ROOT"] = str(RESULTS / "static")
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            check=True,
            env={**os.environ, "DEBUG": "0"},
        )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangli.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    plan = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan)
        print(
            f"WARNING: the database lacks migrations of this checkout ({names}); pages that need them will fail",
            flush=True,
        )


def city_kind(explicit: str | None = None) -> str:
    """'generated' when the generated city's agent exists, else 'demo' (Django must be set up)."""
    if explicit:
        return explicit
    from xiangli.people.models import User, phone_digest

    return (
        "generated" if User.objects.filter(login_digest=phone_digest(LOGINS["generated"]["agent"])).exists() else "demo"
    )


def user_for(phone: str) -> Any:
    from django.contrib.auth import authenticate

    user = authenticate(None, username=phone, password=PASSWORD)
    if user is None:
        raise SystemExit(f"cannot log in as {phone}: is this the right database?")
    return user


def machine() -> dict[str, Any]:
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    total = mem[1].split()[1] if len(mem) > 1 else "?"
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    # BENCH_COMMIT: for a run from an exported tree (git archive), which has no .git of its own.
    commit = (
        os.environ.get("BENCH_COMMIT")
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    )
    dirty = (
        []
        if os.environ.get("BENCH_COMMIT")
        else [
            line
            for line in subprocess.run(
                ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
            ).stdout.splitlines()
            if not line[3:].startswith("bench/")
        ]
    )
    if dirty:
        commit += f" + {len(dirty)} uncommitted files"
    return {
        "cores": os.cpu_count(),
        "memory": total,
        "cpu": cpu,
        "commit": commit,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        # Other work on the box skews every figure: say how busy it was when the run began.
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "python": python_build(),
    }


def python_build() -> str:
    """The interpreter the server runs on: builds differ. On the same machine, a case
    request took about a fifth less CPU on Debian's python3.11 than on a plain source build
    (pyenv's default), so figures are comparable only on the same interpreter."""
    import platform

    return f"{platform.python_version()} {sys.executable}"


def data_scale() -> dict[str, Any]:
    """Row counts of the city under test (Django must be set up)."""
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for label, table in [
            ("residents", "people_resident"),
            ("cases", "cases_case"),
            ("case_events", "cases_caseevent"),
            ("villages", "areas_area"),
        ]:
            if label == "villages":
                cur.execute("select count(*) from areas_area where kind = 'village'")
            else:
                cur.execute(f"select count(*) from {table}")  # noqa: S608 (fixed names)
            out[label] = cur.fetchone()[0]
        # Plans depend on the planner's statistics: say when the cases table was last analysed.
        cur.execute(
            "select greatest(last_analyze, last_autoanalyze) from pg_stat_user_tables where relname = 'cases_case'"
        )
        row = cur.fetchone()
        out["cases_analyzed_at"] = str(row[0]) if row and row[0] else "never"
    return out


def pct(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def save_json(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The production server as the README starts it: gunicorn xiangli.wsgi, DEBUG off.

    It inherits DATABASE_URL, and XIANGLI_VAR_DIR if set, from the environment: the
    var dir holds FIELD_ENCRYPTION_KEYS / FIELD_HASH_KEY / SECRET_KEY, which must be
    the ones the data was generated with, or no phone can log in.
    """

    def __init__(self, workers: int = 3, log: Path | None = None) -> None:
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log or RESULTS / "gunicorn.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "DEBUG": "0"}
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.logfile = open(self.log, "wb")  # noqa: SIM115 (closed in __exit__)
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "xiangli.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + "/login/", timeout=5) as r:
                    if r.status == 200 and len(self.worker_pids()) >= self.workers:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer in 60 s; see {self.log}")

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logfile.close()


def session_login(base: str, phone: str) -> str:
    """Log in through the /login/ form (CSRF token and all); the `Cookie` header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login/", timeout=30) as r:
        page = r.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on /login/"
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "kind": "password", "phone": phone, "password": PASSWORD}
    ).encode()
    with opener.open(base + "/login/", data=data, timeout=30) as r:
        r.read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"login as {phone} failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def api_token(base: str, phone: str) -> str:
    """A bearer token from POST /api/v1/tokens."""
    body = json.dumps({"phone": phone, "password": PASSWORD, "name": "bench"}).encode()
    req = urllib.request.Request(base + "/api/v1/tokens", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return str(json.load(r)["token"])


def free_pairs(writer: Any, residents_limit: int = 20000) -> list[tuple[int, str, int]]:
    """(resident id, item code, item id) the writer may file as walk-ins, with no open case yet, shuffled."""
    import random

    from xiangli.areas.models import Centre
    from xiangli.cases.models import OPEN_STATES, Case
    from xiangli.catalog.models import HandlingLevel, ServiceItem
    from xiangli.people.models import CASE_INTAKE_ROLES, Resident

    residents = list(
        Resident.objects.served_by(writer, CASE_INTAKE_ROLES)
        .order_by("pk")
        .values_list("pk", "village_id")[:residents_limit]
    )
    busy = set(
        Case.objects.filter(resident_id__in=[r for r, _ in residents], state__in=OPEN_STATES).values_list(
            "resident_id", "item_id"
        )
    )
    items_of: dict[int, list[tuple[str, int]]] = {}
    for centre in Centre.objects.filter(area_id__in={v for _, v in residents}):
        items_of[centre.area_id] = [
            (i.code, i.pk)
            for i in ServiceItem.objects.offered_by(centre)
            if i.proxy_allowed or i.level == HandlingLevel.VILLAGE
        ]
    pairs = [(r, code, pk) for r, v in residents for code, pk in items_of.get(v, []) if (r, pk) not in busy]
    random.Random(2).shuffle(pairs)
    return pairs
