"""Backing up and restoring the database and the uploaded files.

A backup is a folder holding `database.dump` (pg_dump's custom format on
PostgreSQL) or `database.sqlite3` (SQLite's online backup), `media.tar.gz` (the
uploaded materials) and `manifest.json`. The encryption keys are NOT in it, on
purpose: keep them apart (a stolen backup must not be readable), and without them
the restored ID numbers and phones cannot be read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump and pg_restore are the tools for this)
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection


def _pg_env(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def backup(out: Path) -> Path:
    """Write a backup folder under `out`, named by the time; returns its path."""
    db = settings.DATABASES["default"]
    folder = out / f"xiangli-{dt.datetime.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        # pg_dump and pg_restore are found on PATH, as psql is: their place differs by system.
        subprocess.run(  # noqa: S603
            ["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(folder / "database.dump"), db["NAME"]],  # noqa: S607
            check=True, env=env,
        )
    else:
        source = sqlite3.connect(db["NAME"])
        target = sqlite3.connect(folder / "database.sqlite3")
        with target:
            source.backup(target)  # consistent even while the app writes
        source.close()
        target.close()
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz", "w:gz") as tar:
        if media.exists():
            tar.add(media, arcname="media")
    (folder / "manifest.json").write_text(json.dumps({
        "made_at": dt.datetime.now().isoformat(), "vendor": connection.vendor, "database": str(db["NAME"]),
    }))
    return folder


def restore(folder: Path) -> None:
    """Replace the database and the uploaded files with those of a backup folder."""
    db = settings.DATABASES["default"]
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest["vendor"] != connection.vendor:
        raise ValueError(f"this backup is of a {manifest['vendor']} database, not {connection.vendor}")
    connection.close()
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        subprocess.run(  # noqa: S603
            ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",  # noqa: S607
             "--dbname", db["NAME"], str(folder / "database.dump")],
            check=True, env=env,
        )
    else:
        shutil.copyfile(folder / "database.sqlite3", db["NAME"])
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz") as tar:
        members = [m for m in tar.getmembers() if m.name == "media" or m.name.startswith("media/")]
        staging = media.parent / f".restore-{os.getpid()}"
        tar.extractall(staging, members=members, filter="data")  # "data" refuses links and paths out of it
    if media.exists():
        shutil.rmtree(media)
    restored = staging / "media"
    if restored.exists():
        restored.rename(media)
    else:
        media.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)
