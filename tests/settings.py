"""Test settings: the real settings, with tasks run at once and cheap password hashing."""

import tempfile
from pathlib import Path

from xiangli.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="xiangli-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FIELD_ENCRYPTION_KEYS = ["test-key-one"]
FIELD_HASH_KEY = "test-hash-key"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Property tests file many online cases for one resident in one day; the flood
# guard has its own test with its own limit.
ONLINE_APPLICATIONS_PER_DAY = 10_000
# Django empties tables with DELETE between transactional tests on SQLite; the audit
# trail's SQLite trigger would refuse. tests/test_audit.py installs and tries it.
AUDIT_SQLITE_TRIGGERS = False
