"""Reading and writing roster workbooks (.xlsx), safely and within limits.

openpyxl parses the XML with defusedxml (installed), in read-only mode so a large
sheet streams row by row; the file's size and the zip's unpacked size are checked
before any parsing, so a 50 MB upload or a zip bomb is refused with a clear message.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: Any
    required: bool = False
    aliases: tuple[str, ...] = ()
    derived: bool = False  # written on export, read from the ID number on import (the cell is ignored)


# The roster's columns, as villages head them in Chinese or English.
COLUMNS = (
    Column("name", "姓名", gettext_lazy("Name"), True),
    Column("id_number", "身份证号", gettext_lazy("ID number"), True,
           ("身份证号码", "公民身份号码", "身份证", "id", "idnumber")),
    Column("village", "村（社区）", gettext_lazy("Village"), True, ("村", "社区", "村社区", "村名", "所属村")),
    Column("grid", "网格", gettext_lazy("Grid"), False, ("所属网格",)),
    Column("phone", "手机号", gettext_lazy("Phone"), False, ("手机", "电话", "联系电话", "手机号码", "mobile")),
    Column("household", "户号", gettext_lazy("Household number"), False, ("户编号", "household")),
    Column("is_household_head", "户主", gettext_lazy("Head of household"), False,
           ("是否户主", "householdhead", "head")),
    Column("tags", "标签", gettext_lazy("Tags"), False, ("人员类别", "类别")),
    Column("disability_grade", "残疾等级", gettext_lazy("Disability grade"), False, ("grade",)),
    Column("gender", "性别", gettext_lazy("Gender"), derived=True),
    Column("birth_date", "出生日期", gettext_lazy("Birth date"), False, ("出生年月",), derived=True),
)


def _key(text: str) -> str:
    return re.sub(r"[\s_\-()（）:：*]", "", text).lower()


def header_map() -> dict[str, str]:
    """Every accepted heading (normalised) → column key."""
    from django.utils import translation

    names: dict[str, str] = {}
    for c in COLUMNS:
        with translation.override("en"):
            english = str(c.en)
        for text in (c.key, c.zh, english, *c.aliases):
            names[_key(text)] = c.key
    return names


def expected_headings() -> str:
    return "、".join(f"{c.zh} / {c.en}" for c in COLUMNS)


@dataclass
class Sheet:
    columns: list[str | None]  # column key per position; None for an empty heading
    rows: list[tuple[int, dict[str, Any]]]  # (row number in Excel, {key: value})


def read_roster(data: bytes) -> Sheet:
    """The roster's rows by column key, or ValidationError saying what is wrong with the file."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)d MB; a roster may be at most %(max)d MB. Split it by village.")
            % {"size": len(data) // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise ValidationError(_("The file is empty."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ValidationError(_("This is not an Excel workbook (.xlsx). Save the roster as .xlsx and try again.")) \
            from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(_("This workbook unpacks to more than %(max)d MB; it cannot be read.")
                              % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)})
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to a clerk
        raise ValidationError(_("This is not an Excel workbook (.xlsx). Save the roster as .xlsx and try again.")) \
            from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ValidationError(_("The workbook has no sheet."))
        return _read(sheet.iter_rows(values_only=True))
    finally:
        book.close()


def _read(rows: Iterable[tuple[Any, ...]]) -> Sheet:
    iterator: Iterator[tuple[Any, ...]] = iter(rows)
    header: tuple[Any, ...] | None = None
    for values in iterator:  # the first non-empty row is the header
        if any(v not in (None, "") for v in values):
            header = values
            break
    if header is None:
        raise ValidationError(_("The sheet is empty."))
    names = header_map()
    columns: list[str | None] = []
    unknown = []
    for value in header:
        text = "" if value is None else str(value).strip()
        if not text:
            columns.append(None)
            continue
        key = names.get(_key(text))
        if key is None:
            unknown.append(text[:30])
        columns.append(key)
    derived = {c.key for c in COLUMNS if c.derived}
    columns = [None if c in derived else c for c in columns]
    missing = [c for c in COLUMNS if c.required and c.key not in columns]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(_("Unknown columns: %(names)s.") % {"names": "、".join(unknown)})
        if missing:
            parts.append(_("Missing columns: %(names)s.") % {"names": "、".join(f"{c.zh} / {c.en}" for c in missing)})
        parts.append(_("The first row must name the columns: %(expected)s.") % {"expected": expected_headings()})
        raise ValidationError(" ".join(parts))
    duplicated = {c for c in columns if c and columns.count(c) > 1}
    if duplicated:
        raise ValidationError(_("A column appears twice: %(names)s.") % {"names": "、".join(sorted(duplicated))})
    out: list[tuple[int, dict[str, Any]]] = []
    number = 1
    for number, values in enumerate(iterator, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        if len(out) >= MAX_ROWS:
            raise ValidationError(_("A roster may have at most %(n)d rows. Split it by village.") % {"n": MAX_ROWS})
        out.append((number, {key: values[i] for i, key in enumerate(columns) if key and i < len(values)}))
    if not out:
        raise ValidationError(_("The sheet has column names but no residents."))
    return Sheet(columns=columns, rows=out)


def dump_rows(sheet: Sheet) -> str:
    """The rows as JSON, kept (encrypted) between the dry run and the import, so the
    workbook is parsed once. Dates become ISO text; numbers stay numbers, so an ID
    number Excel stored as a number is still refused at the import."""
    def plain(value: Any) -> Any:
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat()
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)

    return json.dumps([[n, {k: plain(v) for k, v in cells.items()}] for n, cells in sheet.rows],
                      ensure_ascii=False, separators=(",", ":"))


def load_rows(text: str) -> Sheet:
    return Sheet(columns=[], rows=[(int(n), cells) for n, cells in json.loads(text)])


def write_workbook(headings: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A one-sheet workbook, written in openpyxl's streaming (write-only) mode."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headings)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
