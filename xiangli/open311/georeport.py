"""GeoReport v2 documents: the same data written as JSON or as XML.

Every response is built as plain Python data first (a list of dicts, or a
dict), then written in the format the client asked for, so the two formats
cannot drift apart. XML is built with ElementTree (nothing here parses XML).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 -- only builds documents, never parses
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.utils import timezone

from xiangli.areas.models import Area
from xiangli.cases.models import OPEN_STATES, Case, CaseEvent, EventKind, State
from xiangli.catalog.models import ServiceItem

from .services import Attribute

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MEDIA_TYPES = ["text/xml", "application/json"]
# Element names for the items of each list, as the specification names them.
ITEM_TAGS = {
    "services": "service", "attributes": "attribute", "values": "value", "service_requests": "request",
    "errors": "error", "endpoints": "endpoint", "formats": "format", "notes": "note",
}
# Characters XML 1.0 cannot carry at all; a control character in a note must not break the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Steps after which the case is finished, for the status shown beside each note.
CLOSING_EVENTS = {EventKind.DONE, EventKind.CLOSED, EventKind.DECLINED, EventKind.WITHDRAWN, EventKind.RATED}


def w3c(value: dt.datetime | None) -> str | None:
    """A W3C date-time with the time zone, to the second: 2026-11-29T18:42:14+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def due_datetime(day: dt.date | None) -> str | None:
    """The promised due date as the end of that day, local time."""
    if day is None:
        return None
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    return end.isoformat()


# --- Writing ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), key, inner)
    elif isinstance(value, list | tuple):
        tag = ITEM_TAGS.get(name, "item")
        for inner in value:
            _fill(ET.SubElement(element, tag), tag, inner)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, root, data)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def _json_clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _json_clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_clean(v) for v in value]
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    return value


def document(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """The response: `data` under `root` in XML, or `data` itself in JSON."""
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(_json_clean(data), ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    response["Vary"] = "Accept-Language"
    # Dashboards in a browser may read it from their own site: no cookie is ever used
    # here (clients send api_key), so allowing every origin exposes nothing more.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def errors(fmt: str, status: int, description: str, *, code: int | None = None) -> HttpResponse:
    """The specification's error list: one error, with a code and a description."""
    return document(fmt, "errors", [{"code": code or status, "description": str(description)}], status=status)


# --- Services -----------------------------------------------------------------------------


def service_type(item: ServiceItem) -> str:
    """batch: a token always comes back. The case is opened at once when the resident is
    recognised (then the service_request_id comes too), otherwise once staff have found them."""
    return "batch"


def service(item: ServiceItem) -> dict[str, Any]:
    category = item.get_category_display()
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": service_notice(item),
        "metadata": True,  # every item has a definition: its materials and questions
        "type": service_type(item),
        "keywords": ", ".join(k for k in (str(category), item.department, item.get_level_display()) if k),
        "group": str(category),
    }


def service_notice(item: ServiceItem) -> str:
    from django.utils.translation import gettext as _

    fee = _("free") if not item.fee else _("fee %(fee)s yuan") % {"fee": item.fee}
    return _("Handled at %(place)s within %(days)d working days of acceptance; %(fee)s.") % {
        "place": item.handled_at, "days": item.promised_days, "fee": fee,
    }


def attribute(attr: Attribute, order: int) -> dict[str, Any]:
    return {
        "variable": attr.variable,
        "code": attr.code,
        "datatype": attr.datatype,
        "required": attr.required,
        "datatype_description": attr.datatype_description,
        "order": order,
        "description": attr.description,
        "values": [{"key": k, "name": n} for k, n in attr.values],
    }


def service_definition(item: ServiceItem, attrs: Sequence[Attribute]) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "attributes": [attribute(a, n) for n, a in enumerate(attrs, start=1)],
    }


# --- Service requests ---------------------------------------------------------------------


def status_of(state: str) -> str:
    return "open" if state in OPEN_STATES else "closed"


def request_number(case: Case) -> str:
    return case.number


def case_pk(service_request_id: str) -> int | None:
    """The case behind a service_request_id ("20261129-000123"), or None if it is not one."""
    _date, sep, seq = service_request_id.strip().rpartition("-")
    if not sep or not seq.isdigit() or not _date.isdigit() or len(_date) != 8:
        return None
    return int(seq)


def with_latest_step(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with their last step's kind and time, in the same query."""
    latest = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at", "-pk")
    return cases.select_related("item", "village__parent").annotate(
        last_step=Subquery(latest.values("kind")[:1]), last_step_at=Subquery(latest.values("at")[:1]),
    )


def address_of(village: Area) -> str:
    parent = village.parent
    return f"{parent.display_name} {village.display_name}" if parent else village.display_name


class RequestWriter:
    """Writes cases as GeoReport requests, working out each label once per response.

    No name, phone, words or coordinates of the resident: the address is the village
    (never the grid or a point, which could single out a household); status_notes is
    the label of the state and of the last step, not the note staff wrote.
    """

    def __init__(self) -> None:
        self.states = {k: str(v) for k, v in State.choices}
        self.steps = {k: str(v) for k, v in EventKind.choices}
        self.notices: dict[int, str] = {}

    def notice(self, item: ServiceItem) -> str:
        if item.pk not in self.notices:
            self.notices[item.pk] = service_notice(item)
        return self.notices[item.pk]

    def request(self, case: Case, *, notes: bool = False) -> dict[str, Any]:
        state = self.states.get(case.state, case.state)
        step = self.steps.get(getattr(case, "last_step", None) or "", state)
        data: dict[str, Any] = {
            "service_request_id": request_number(case),
            "status": status_of(case.state),
            "status_notes": state if step == state else f"{state}: {step}",
            "service_name": case.item.name,
            "service_code": case.item.code,
            "description": "",
            "agency_responsible": case.carried_to or case.item.department,
            "service_notice": self.notice(case.item),
            "requested_datetime": w3c(case.submitted_at),
            "updated_datetime": w3c(getattr(case, "last_step_at", None) or case.submitted_at),
            "expected_datetime": due_datetime(case.due_on),
            "address": address_of(case.village),
            "address_id": case.village.code,
            "zipcode": "",
        }
        if notes:
            data["notes"] = [
                {"datetime": w3c(e.at), "type": e.kind, "summary": self.steps.get(e.kind, e.kind),
                 "status": "closed" if e.kind in CLOSING_EVENTS else "open"}
                for e in case.events.all()
            ]
        return data


def service_request(case: Case, *, notes: bool = False) -> dict[str, Any]:
    """One case as a GeoReport request (see RequestWriter)."""
    return RequestWriter().request(case, notes=notes)
