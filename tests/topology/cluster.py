"""A production topology on loopback, started from scratch for one test.

PostgreSQL primary + streaming replica, Redis, two gunicorn app processes, one
task worker and nginx running deploy/nginx.conf, all on free 127.0.0.1 ports in
one temporary folder; a fake SMS gateway in this process counts what it is sent.
Every process is stopped (and the folder removed) when the `with` block ends.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
STEP_SECONDS = 240


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def nginx_bin() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def missing() -> list[str]:
    """What this machine lacks to run the topology (CI installs it: .ci/setup.d/20-topology.sh)."""
    lack = []
    if postgres_bin() is None:
        lack.append("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)")
    if nginx_bin() is None:
        lack.append("nginx")
    if shutil.which("redis-server") is None:
        lack.append("redis-server")
    if shutil.which("openssl") is None:
        lack.append("openssl")
    if not (VENV_BIN / "gunicorn").exists():
        lack.append("gunicorn in the virtualenv")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            lack.append("a postgres user (PostgreSQL refuses to run as root)")
    return lack


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Any, what: str, timeout: float = 30.0, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if result := check():
                return result
        except Exception:  # noqa: BLE001,S110 -- not up yet
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(every)


class Gateway(ThreadingHTTPServer):
    """An SMS gateway that takes every text and remembers it."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with outer.lock:
                    outer.received.append(body)
                    n = len(outer.received)
                answer = json.dumps({"id": f"gw-{n}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def texts_to(self, phone: str) -> list[str]:
        with self.lock:
            return [m["text"] for m in self.received if m["phone"] == phone]

    def counts(self) -> Counter[tuple[str, str]]:
        with self.lock:
            return Counter((m["phone"], m["text"]) for m in self.received)


@dataclass
class Cluster:
    folder: Path
    pg: Path
    primary_port: int = field(default_factory=free_port)
    replica_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    app_ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    gateway: Gateway = field(default_factory=Gateway)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    world: dict[str, Any] = field(default_factory=dict)

    # -- environment -------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "xiangli.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.primary_port}/xiangli",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{self.replica_port}/xiangli",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SESSIONS_IN_CACHE": "true",
            "XIANGLI_VAR_DIR": str(self.folder / "var"),
            "STATIC_ROOT": str(self.folder / "static"),
            "MEDIA_ROOT": str(self.folder / "media"),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "HTTPS": "true",
            "BEHIND_PROXY": "true",
            "TWO_FACTOR_FOR_SUPERVISORS": "false",
            "SMS_BACKEND": "http",
            "SMS_HTTP_URL": f"http://127.0.0.1:{self.gateway.server_address[1]}/send",
            "SMS_HTTP_TOKEN": "topology",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        })
        env.update(extra)
        return env

    def log(self, name: str) -> Any:
        return open(self.folder / "logs" / f"{name}.log", "ab")  # noqa: SIM115 -- closed with the process

    def as_postgres(self, *cmd: str | Path) -> list[str]:
        args = [str(c) for c in cmd]
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def run(self, *cmd: str | Path, env: dict[str, str] | None = None, name: str = "setup") -> str:
        # PostgreSQL's tools run as its user, who may not enter the checkout: they start in the folder.
        cwd = ROOT if env else self.folder
        with self.log(name) as log:
            # A step that hangs fails the test instead of holding CI until its own limit.
            done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=log, check=False,
                                  timeout=STEP_SECONDS)
        if done.returncode:
            raise RuntimeError(f"{cmd} failed; see {self.folder}/logs/{name}.log:\n" + self.tail(name))
        return done.stdout.decode()

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.folder / "logs" / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def start(self, name: str, *cmd: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        # Each in its own session, so a process and all its children can be killed as one.
        with self.log(name) as log:
            proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, env=env or self.env(), stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    # -- the parts -----------------------------------------------------------
    def start_primary(self) -> None:
        self.pg.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg, "postgres", "postgres")
        bin_ = postgres_bin()
        assert bin_ is not None
        primary = self.pg / "primary"
        self.run(*self.as_postgres(bin_ / "initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                   "--no-sync", "--no-instructions"))
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.pg}'\nwal_level = replica\nmax_wal_senders = 4\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n")
        self.run(*self.as_postgres(bin_ / "pg_ctl", "-D", primary, "-l", self.pg / "primary.log", "-w", "start"))
        self.run(bin_ / "createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "xiangli")
        self.start("redis", "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no")

    def start_replica(self) -> None:
        """A copy of the primary that keeps replaying its changes (-R writes primary_conninfo and standby.signal)."""
        bin_ = postgres_bin()
        assert bin_ is not None
        replica = self.pg / "replica"
        self.run(*self.as_postgres(bin_ / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary_port, "-U",
                                   "postgres", "-D", replica, "-R", "-X", "stream", "--checkpoint=fast"),
                 name="replica")
        with open(replica / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.replica_port}\nhot_standby = on\n")
        self.run(*self.as_postgres(bin_ / "pg_ctl", "-D", replica, "-l", self.pg / "replica.log", "-w", "start"),
                 name="replica")

    def prepare_app(self) -> None:
        """Migrate the primary while the replica is copied from it and the static files are collected."""
        env = self.env()
        python = VENV_BIN / "python"
        side = [threading.Thread(target=self.start_replica),
                threading.Thread(target=self.run, args=(python, "manage.py", "collectstatic", "--no-input", "-v", "0"),
                                 kwargs={"env": env, "name": "collectstatic"})]
        for thread in side:
            thread.start()
        self.run(python, "manage.py", "migrate", "--no-input", "-v", "0", env=env, name="migrate")
        out = self.run(python, "-c", "from tests.topology.seed import main; main()", env=env, name="seed")
        self.world = json.loads(out.strip().splitlines()[-1])
        for thread in side:
            thread.join()
        if not (self.pg / "replica" / "postmaster.pid").exists():
            raise RuntimeError("the replica did not start:\n" + self.tail("replica"))
        if not (self.folder / "static" / "staticfiles.json").exists():
            raise RuntimeError("collectstatic failed:\n" + self.tail("collectstatic"))

    def start_app(self, n: int) -> None:
        port = self.app_ports[n]
        env = self.env(WEB_CONCURRENCY="2", PROMETHEUS_MULTIPROC_DIR=str(self.folder / f"metrics-{port}"))
        self.start(f"app{n}", VENV_BIN / "gunicorn", "-c", ROOT / "deploy" / "gunicorn.conf.py", "xiangli.wsgi",
                   "--bind", f"127.0.0.1:{port}", env=env)

    def start_worker(self, name: str = "worker") -> None:
        self.start(name, VENV_BIN / "python", "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay")

    def start_nginx(self) -> None:
        tls = self.folder / "tls"
        tls.mkdir()
        self.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                 "-addext", "subjectAltName=DNS:localhost", "-keyout", tls / "privkey.pem", "-out",
                 tls / "fullchain.pem")
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        upstreams = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in self.app_ports)
        site = re.sub(r"(upstream xiangli_app \{\n)(?:\s*#.*\n|\s*server .*\n)+", lambda m: m[1] + upstreams, site)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
        site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{self.https_port} ssl")
        site = site.replace("/var/lib/xiangli/", f"{self.folder}/").replace("/etc/xiangli/", f"{self.folder}/")
        site = site.replace("/var/log/nginx/", f"{self.folder}/logs/")  # xiangli-access.log beside the others
        (self.folder / "site.conf").write_text(site)
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.folder}/nginx.pid;\nerror_log {self.folder}/logs/nginx-error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n include /etc/nginx/mime.types;\n access_log {self.folder}/logs/nginx-access.log;\n"
            f" client_body_temp_path {self.folder}/nginx-tmp/body;\n proxy_temp_path {self.folder}/nginx-tmp/proxy;\n"
            f" fastcgi_temp_path {self.folder}/nginx-tmp/f;\n uwsgi_temp_path {self.folder}/nginx-tmp/u;\n"
            f" scgi_temp_path {self.folder}/nginx-tmp/s;\n include {self.folder}/site.conf;\n}}\n"
        )
        (self.folder / "nginx-tmp").mkdir()
        nginx = nginx_bin()
        assert nginx is not None
        self.run(nginx, "-t", "-p", self.folder, "-c", self.folder / "nginx.conf", name="nginx")
        self.start("nginx", nginx, "-p", self.folder, "-c", self.folder / "nginx.conf", "-g", "daemon off;")

    # -- talking to it ---------------------------------------------------------
    def url(self, path: str) -> str:
        return f"https://localhost:{self.https_port}{path}"

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.folder / "tls" / "fullchain.pem"))

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                timeout: float = 15) -> tuple[int, Any]:
        """One request through nginx over TLS: (status, parsed JSON or text). Status 0: no answer."""
        data = json.dumps(body).encode() if body is not None else None
        head = {"Authorization": f"Bearer {self.world.get('token', '')}", "Accept-Language": "en",
                **({"Content-Type": "application/json"} if data else {}), **(headers or {})}
        req = urllib.request.Request(self.url(path), data=data, method=method, headers=head)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.tls_context()) as resp:  # noqa: S310
                status, raw, kind = resp.status, resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, raw, kind = exc.code, exc.read(), exc.headers.get("Content-Type", "")
        except OSError:
            return 0, None
        return status, json.loads(raw) if "json" in kind else raw.decode(errors="replace")

    def sql(self, query: str, *, replica: bool = False) -> list[tuple[Any, ...]]:
        import psycopg

        port = self.replica_port if replica else self.primary_port
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/xiangli", autocommit=True) as conn:
            cur = conn.execute(query)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def replica_caught_up(self) -> bool:
        (lsn,) = self.sql("SELECT pg_current_wal_lsn()::text")[0]
        return bool(self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", replica=True)[0][0])

    def shutdown(self) -> None:
        # Everything is thrown away: no need to wait for graceful exits.
        for name in list(self.procs):
            with contextlib.suppress(Exception):
                self.stop(name, signal.SIGKILL, timeout=10)
        bin_ = postgres_bin()
        for node in ("replica", "primary"):
            if bin_ and (self.pg / node / "postmaster.pid").exists():
                subprocess.run(self.as_postgres(bin_ / "pg_ctl", "-D", self.pg / node, "-m", "immediate", "stop"),
                               capture_output=True, check=False)
        self.gateway.shutdown()


@contextlib.contextmanager
def topology() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="xiangli-topology-"))
    folder.chmod(0o755)  # the postgres user must reach its data folder inside
    (folder / "logs").mkdir()
    cluster = Cluster(folder=folder, pg=folder / "pg")
    try:
        cluster.start_primary()
        cluster.prepare_app()
        cluster.start_app(0)
        cluster.start_app(1)
        cluster.start_worker()
        cluster.start_nginx()
        for port in cluster.app_ports:
            wait_for(lambda p=port: socket.create_connection(("127.0.0.1", p), 1).close() or True, f"app on {port}")
        wait_for(lambda: cluster.request("GET", "/health/")[0] == 200, "health through nginx")
        yield cluster
    except BaseException:
        for name in ("setup", "replica", "collectstatic", "migrate", "seed", "app0", "app1", "worker", "worker2",
                     "worker3", "nginx", "nginx-error"):
            if text := cluster.tail(name, 15):
                print(f"--- {name}.log ---\n{text}")  # noqa: T201 -- shown by pytest on failure
        with contextlib.suppress(Exception):
            tasks = cluster.sql("SELECT task_path, status, count(*) FROM django_tasks_database_dbtaskresult"
                                " GROUP BY 1, 2 ORDER BY 1, 2")
            texts = cluster.sql("SELECT status, count(*) FROM notifications_smsmessage GROUP BY 1")
            print(f"--- tasks ---\n{tasks}\n--- texts ---\n{texts}\n--- gateway ---\n{len(cluster.gateway.received)}")  # noqa: T201
        raise
    finally:
        cluster.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
