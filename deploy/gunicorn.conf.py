"""gunicorn settings for one Xiangli app process (read by xiangli-web@.service and the topology test).

The port comes from the command line (`--bind 127.0.0.1:8001`); the worker count
from WEB_CONCURRENCY (gunicorn reads it itself). Several such processes, on one
machine or many, stand behind nginx's upstream list.
"""

import os
import shutil
from pathlib import Path

# Recycle workers now and then, so a slow leak never grows into an outage.
max_requests = 5000
max_requests_jitter = 500
timeout = 60
graceful_timeout = 30
keepalive = 5  # nginx keeps connections to us open (its upstream keepalive)
accesslog = "-"
# Several masters run on one machine (one per port): the shared control socket
# would be fought over, and systemd is what controls them.
control_socket_disable = True


def on_starting(server):  # noqa: ANN001,ANN201 -- gunicorn's hook signature
    # prometheus-client's multiprocess mode keeps each worker's figures in files in
    # this folder; a fresh start must not sum in the figures of a previous run.
    if folder := os.getenv("PROMETHEUS_MULTIPROC_DIR"):
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):  # noqa: ANN001,ANN201
    if os.getenv("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
