"""Writing many rows fast: COPY on PostgreSQL, batched inserts elsewhere.

Rows are tuples in the order of a table's columns, holding what the model
would store, except that encrypted columns hold the plain value: `copy_text`
encrypts them (in a worker process, where the CPU time goes), and on SQLite
the model field encrypts them as it would for any save.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models

from xiangli.people.crypto import EncryptedTextField, encrypt

BATCH = 1000

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class Table:
    """The columns one load writes to one model's table, and the defaults of the others."""

    model: type[models.Model]
    columns: tuple[str, ...]
    encrypted: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, model: type[models.Model], *, with_pk: bool = True) -> Table:
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        return cls(
            model=model,
            columns=tuple(f.attname for f in fields),
            encrypted=frozenset(i for i, f in enumerate(fields) if isinstance(f, EncryptedTextField)),
        )

    def defaults(self) -> dict[str, Any]:
        """Each column's default, for rows built from a partial dict."""
        by_attname = {f.attname: f for f in self.model._meta.concrete_fields}
        return {c: by_attname[c].get_default() for c in self.columns}

    def row(self, values: dict[str, Any], defaults: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values[c] if c in values else defaults[c] for c in self.columns)


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.date):  # datetimes too: aware ones keep their offset
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    raise TypeError(f"cannot COPY a {type(value).__name__}")


def copy_text(table: Table, rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows in COPY's text format, encrypted columns encrypted."""
    lines = []
    encrypted = table.encrypted
    for row in rows:
        if encrypted:
            row = [encrypt(v) if i in encrypted and v else v for i, v in enumerate(row)]
        lines.append("\t".join(map(_text, row)))
    lines.append("")
    return "\n".join(lines).encode()


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def copy_in(table: Table, data: bytes) -> None:
    """Stream COPY text into the table, on the connection of the current transaction."""
    cols = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table.model._meta.db_table} ({cols}) FROM STDIN") as copy:
        copy.write(data)


def insert(table: Table, rows: Sequence[Sequence[Any]]) -> None:
    """Batched inserts through the ORM, for databases without COPY (SQLite in tests)."""
    model = table.model
    objs = [model(**dict(zip(table.columns, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objs, batch_size=BATCH)


def write(table: Table, rows: Sequence[Sequence[Any]]) -> None:
    """Write rows in this process: COPY or inserts, whichever the database has."""
    if uses_copy():
        copy_in(table, copy_text(table, rows))
    else:
        insert(table, rows)


def next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1


def sync_sequence(model: type[models.Model]) -> None:
    """After rows were written with their ids given, the next insert must not reuse one."""
    if not uses_copy():
        return  # SQLite takes max(rowid) + 1 by itself
    table = model._meta.db_table
    pk = model._meta.pk.column
    # Names from the model, not from input.
    sql = f"SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({pk}), 1), max({pk}) IS NOT NULL) FROM {table}"  # noqa: S608, E501
    with connection.cursor() as cursor:
        cursor.execute(sql, [table, pk])


def drop_foreign_keys(models_: Sequence[type[models.Model]]) -> list[tuple[str, str, str]]:
    """On PostgreSQL, drop the foreign keys of tables about to be bulk-loaded; `restore_foreign_keys` after.

    Django declares foreign keys DEFERRABLE INITIALLY DEFERRED: every COPYed row
    would queue a check that COMMIT then runs one row at a time, which at full scale
    (28M rows) is many silent minutes. Added back, each key is checked by one join.
    Call before anything is written to these tables in the transaction; if the
    transaction fails, the drops roll back with it.
    """
    if not uses_copy():
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k"
            " JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'f' AND c.relname = ANY(%s)"
            " AND c.relnamespace = 'public'::regnamespace ORDER BY c.relname, k.conname",
            [[m._meta.db_table for m in models_]],
        )
        keys = [(str(t), str(n), str(d)) for t, n, d in cursor.fetchall()]
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    return keys


def restore_foreign_keys(keys: Sequence[tuple[str, str, str]]) -> None:
    """Add back what `drop_foreign_keys` dropped; each key checks every row written meanwhile."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
