"""Browser tests: the production server (gunicorn) on a demo city, driven by headless Chromium.

One server and one browser per test process (pytest-xdist worker): the server runs
`migrate`, a small `build_demo` and `collectstatic` on its own database (a temporary
SQLite file, or a PostgreSQL database of its own when DATABASE_URL is set, dropped at
the end), then serves with gunicorn as in production (DEBUG off, whitenoise).

A test that takes the `variant` fixture runs once per language × screen
(zh-Hans and English, 360×740 and 1366×768). `ui(...)` opens a browser context as a
person of the demo city would and checks every page it lands on (see checks.py).
A new journey is one more `test_journey_*.py` file using these fixtures.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from .checks import CHROMIUM, Report
from .ui import VARIANTS, Ui, Variant

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PY = sys.executable
GUNICORN = Path(PY).with_name("gunicorn")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/setup.d/10-browser.sh)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed in the venv"
    if not (HERE / "node/node_modules/axe-core/axe.min.js").exists():
        return "axe-core is missing: npm ci --prefix tests/e2e/node (bash .ci/setup.d/10-browser.sh)"
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the group markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    grouped = config.pluginmanager.hasplugin("xdist")
    for item in items:
        if HERE in Path(str(item.path)).parents:
            if grouped:
                # One server for all browser tests when the run uses --dist loadgroup;
                # under plain --dist load each worker that gets some starts its own.
                item.add_marker(pytest.mark.xdist_group("browser"))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    chosen = any("variant" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if "variant" in metafunc.fixturenames and not chosen:
        metafunc.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The Xiangli production server for this test process, on a fresh demo city."""

    def __init__(self) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.var = Path(tempfile.mkdtemp(prefix=f"xiangli-e2e-{worker}-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "PYTEST_", "DATABASE_URL"))
        }
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "xiangli.settings",
            "XIANGLI_VAR_DIR": str(self.var),
            "STATIC_ROOT": str(self.var / "static"),
            "MEDIA_ROOT": str(self.var / "media"),
            # As in `run.py demo`: every role logs in without an authenticator app.
            "TWO_FACTOR_FOR_SUPERVISORS": "false",
            # The journeys file many applications for the demo resident in one day.
            "ONLINE_APPLICATIONS_PER_DAY": "10000",
            # Notifications land in the inbox at once; no separate worker process to run.
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "LOG_LEVEL": "WARNING",
        })
        self.pg_admin: str | None = None
        self.pg_name: str | None = None
        if url := os.environ.get("DATABASE_URL"):
            parts = urlsplit(url)
            self.pg_name = f"{parts.path.lstrip('/') or 'xiangli'}_e2e_{worker}"
            self.pg_admin = urlunsplit(parts._replace(path="/postgres"))
            self.env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{self.pg_name}"))
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.var / "gunicorn.log"

    def _pg(self, sql: str) -> None:
        import psycopg

        assert self.pg_admin
        with psycopg.connect(self.pg_admin, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def manage(self, *args: str) -> str:
        done = subprocess.run([PY, str(ROOT / "manage.py"), *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> None:
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
        self.manage("migrate", "--no-input", "-v", "0")
        # Small, for speed (the size tests/test_demo.py builds); XIANGLI_E2E_DEMO_ARGS to change.
        self.manage("build_demo", *os.environ.get("XIANGLI_E2E_DEMO_ARGS", "--residents 300 --cases 200").split())
        self.manage("collectstatic", "--no-input", "-v", "0")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [str(GUNICORN), "xiangli.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                 "--timeout", "60"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/login/", timeout=2) as r:  # noqa: S310 -- our own loopback server
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in 60 s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.var, ignore_errors=True)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    s = Server()
    try:
        s.start()
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium, for one test module at a time.

    Playwright's sync API keeps an asyncio loop running while it is open; Django then
    refuses database access in that process (SynchronousOnlyOperation), so the browser
    must be gone before the same xdist worker runs the other tests.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu", "--font-render-hinting=none"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def report() -> Iterator[Report]:
    """What the checks saw, summed up at the end of the session (pages checked with axe)."""
    r = Report()
    yield r
    if r.pages and (out := os.environ.get("XIANGLI_E2E_REPORT")):
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        Path(f"{out}.{worker}" if worker else out).write_text(r.summary(), encoding="utf-8")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    rep = yield
    if rep.when == "call":
        item.stash[FAILED] = rep.failed  # type: ignore[attr-defined]
    return rep


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def ui(
    browser: object, server: Server, report: Report, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Ui]]:
    """`ui(variant, javascript=True)`: a fresh browser context (a person on a device) and its page.

    When the test fails, each page's screenshot and HTML are kept in XIANGLI_E2E_ARTIFACTS
    (default: a temporary folder, named in the failure's output).
    """
    opened: list[Ui] = []

    def open_ui(variant: Variant, *, javascript: bool = True) -> Ui:
        u = Ui.open(browser, server.url, variant, report=report, javascript=javascript)
        opened.append(u)
        return u

    yield open_ui
    if request.node.stash.get(FAILED, False):
        out = Path(os.environ.get("XIANGLI_E2E_ARTIFACTS") or tempfile.mkdtemp(prefix="xiangli-e2e-failed-"))
        out.mkdir(parents=True, exist_ok=True)
        for n, u in enumerate(opened):
            stem = out / f"{request.node.name}-{n}".replace("/", "_")
            try:
                u.page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(u.page.content(), encoding="utf-8")
            except Exception as exc:  # noqa: BLE001 -- a broken page must not hide the test's own failure
                print(f"could not save {stem}: {exc}")
        print(f"\nBrowser pages of the failed test: {out}")
    for u in opened:
        u.close()
