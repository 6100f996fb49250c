"""No two live bookings of one room overlap: PostgreSQL enforces it itself.

An exclusion constraint over (room, [start, end)) refuses a second overlapping
insert even when two transactions race, which a check in Python cannot do under
READ COMMITTED. It needs btree_gist for the equality on room_id. SQLite has no
such constraint: there the booking service checks inside a BEGIN IMMEDIATE
transaction, so this migration does nothing on SQLite.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE rooms_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist "
    "(room_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE (cancelled_at IS NULL)",
]
BACKWARD = ["ALTER TABLE rooms_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"]


class OnPostgreSQL(migrations.RunSQL):
    """RunSQL that runs only on PostgreSQL and is a no-op elsewhere."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("rooms", "0001_initial")]

    operations = [OnPostgreSQL(FORWARD, BACKWARD)]
