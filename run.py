#!/usr/bin/env python3
"""Set up and run Xiangli with nothing but Python 3.11+.

    python3 run.py demo    build the demo city on SQLite and serve it on http://127.0.0.1:8000
    python3 run.py test    run the test suite (SQLite; set DATABASE_URL for PostgreSQL)

Both create .venv/ and install the project into it on first use.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Xiangli needs Python 3.11 or newer.")
    if not PY.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Reinstall only when the dependency list changed.
    stamp = VENV / ".installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        print("Installing dependencies …", flush=True)
        subprocess.run([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([PY, "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
        stamp.write_text(digest)


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([PY, ROOT / "manage.py", *args], check=True, cwd=ROOT, env=env)


def demo(argv: list[str]) -> int:
    ensure_venv()
    # Visitors try every role without an authenticator app; production keeps it on.
    os.environ.setdefault("TWO_FACTOR_FOR_SUPERVISORS", "false")
    port = os.environ.get("PORT", "8000")
    manage("migrate", "--no-input", "-v", "0")
    manage("build_demo", *argv)
    manage("collectstatic", "--no-input", "-v", "0")
    workers = os.environ.get("WEB_CONCURRENCY", "3")
    web = subprocess.Popen(
        [VENV / "bin" / "gunicorn", "xiangli.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", workers,
         "--access-logfile", "-"],
        cwd=ROOT,
    )
    worker = subprocess.Popen([PY, ROOT / "manage.py", "db_worker", "--interval", "1"], cwd=ROOT)
    ticker = subprocess.Popen(
        [PY, "-c", "import subprocess,sys,time\nwhile True:\n time.sleep(300)\n subprocess.run([sys.argv[1],"
         " sys.argv[2], 'tick'])", PY, ROOT / "manage.py"],
        cwd=ROOT,
    )
    print(f"\nXiangli demo: http://127.0.0.1:{port}/  (Ctrl-C stops it)\n", flush=True)
    # A plain `kill` should stop the server, the worker and the ticker too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in (web, worker, ticker):
            proc.send_signal(signal.SIGTERM)
        for proc in (web, worker, ticker):
            proc.wait()


def test(argv: list[str]) -> int:
    ensure_venv()
    print(f"Database: {os.environ.get('DATABASE_URL', 'SQLite (default)')}", flush=True)
    return subprocess.run([PY, "-m", "pytest", "-n", os.environ.get("TEST_PROCESSES", "2"),
                           # the browser tests share one worker (xdist_group), so one server is built
                           "--dist", "loadgroup", *argv],
                          cwd=ROOT).returncode


def main() -> int:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
