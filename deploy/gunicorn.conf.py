"""gunicorn settings for one Xiangli app process (read by xiangli-web@.service and the topology test).

The port comes from the command line (`--bind 127.0.0.1:8001`); the worker count
from WEB_CONCURRENCY (gunicorn reads it itself). Several such processes, on one
machine or many, stand behind nginx's upstream list.
"""

import os
import re
import shutil
from pathlib import Path

from gunicorn.glogging import Logger

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


# A big-screen link (/screens/l/<token>/) is a password in the address. This access
# log (the journal's, under systemd) writes it masked, as nginx's does (deploy/nginx.conf);
# "/" spelt %2F too, since the app decodes it.
SCREEN_LINK = re.compile(r"(screens(?:/|%2F)l(?:/|%2F))(?:(?!%2F)[^/?&#\s])+", re.IGNORECASE)


class MaskedLogger(Logger):
    """gunicorn's logger, with screen-link tokens masked in the request line, path, query and referer."""

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001,ANN201 -- gunicorn's signature
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = SCREEN_LINK.sub(r"\1***", atoms[key])
        return atoms


logger_class = MaskedLogger


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
