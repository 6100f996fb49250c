"""The GeoReport v2 endpoints under /open311/v2/, in JSON and XML.

Each view reads its parameters, calls the app's actions or queries and hands
plain data to `georeport.document`; every refusal is an `Open311Error`, written
as the specification's error list in the format asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.cases.models import OPEN_STATES, Case
from xiangli.catalog.models import HandlingLevel, ServiceItem

from . import georeport, services
from .models import ApiClient, Submission

DEFAULT_WINDOW = dt.timedelta(days=90)  # the specification's default and widest date range
MAX_REQUESTS = 1000  # the specification's most requests in one answer
CHANGESET = "2026-11-29T00:00:00+08:00"  # when this endpoint's interface last changed
ATTRIBUTE = "attribute["


class Open311Error(Exception):
    """A refusal, answered as the specification's error list with this HTTP status."""

    def __init__(self, status: int, description: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers or {}


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Method check, api_key and rate limit, and errors in the asked-for format.

    No cookie is read: clients identify themselves by api_key only, so the
    endpoints need no CSRF token.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str = "json", **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Open311Error(405, _("This method is not allowed here."),
                                       headers={"Allow": ", ".join(methods)})
                request.open311_client = _client(request, required=request.method == "POST")  # type: ignore[attr-defined]
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                response = georeport.errors(fmt, exc.status, exc.description)
                for name, value in exc.headers.items():
                    response[name] = value
                return response

        return wrapper

    return decorate


def _param(request: HttpRequest, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return str(source.get(name, "") or request.GET.get(name, "")).strip()


def _client(request: HttpRequest, *, required: bool) -> ApiClient | None:
    key = _param(request, "api_key")
    if not key:
        if required:
            raise Open311Error(403, _("An api_key is required to file a request."))
        return None
    client = services.find_client(key)
    if client is None:
        raise Open311Error(403, _("This api_key is not valid, or has been revoked."))
    try:
        services.count_request(client)
    except services.RateLimited as exc:
        raise Open311Error(429, _("Too many requests with this api_key; please wait and try again."),
                           headers={"Retry-After": str(exc.retry_after)}) from None
    return client


def _jurisdiction(request: HttpRequest) -> Area | None:
    """The area named by jurisdiction_id (a village with a centre, a township, a county or
    the city); without one, the whole of this Xiangli."""
    code = _param(request, "jurisdiction_id")
    if not code:
        return None
    area = Area.objects.filter(code=code).exclude(kind=AreaKind.GRID).select_related("centre").first()
    if area is None or (area.kind == AreaKind.VILLAGE and not hasattr(area, "centre")):
        raise Open311Error(404, _("Unknown jurisdiction_id."))
    return area


def _items(area: Area | None) -> QuerySet[ServiceItem]:
    """The items offered in the jurisdiction: by its centre, or by any centre under it."""
    # An item the resident must do in person cannot be filed by a third party.
    items = ServiceItem.objects.filter(Q(proxy_allowed=True) | Q(level=HandlingLevel.VILLAGE), active=True)
    if area is None:
        return items
    if area.kind == AreaKind.VILLAGE:
        return items & ServiceItem.objects.offered_by(area.centre)
    switched_off = Centre.disabled_items.through.objects.filter(serviceitem_id=OuterRef(OuterRef("pk")))
    offering = Centre.objects.filter(area__path__startswith=area.path).exclude(
        pk__in=switched_off.values("centre_id"))
    return items.filter(Exists(offering))


def _item(area: Area | None, code: str) -> ServiceItem:
    item: ServiceItem | None = _items(area).filter(code=code).first()
    if item is None:
        raise Open311Error(404, _("Unknown service_code, or not offered in this jurisdiction."))
    return item


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Where the API is, what it speaks, and whom to ask for a key."""
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": _("Ask the city's Xiangli administrator (the site's admin) about this API."),
        "key_service": _("API keys are issued per client by the city's Xiangli administrator."),
        "endpoints": [{
            "specification": georeport.SPECIFICATION,
            "url": base,
            "changeset": CHANGESET,
            "type": "production",
            "formats": georeport.MEDIA_TYPES,
        }],
    }
    return georeport.document(fmt, "discovery", data)


@endpoint("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Every service item the jurisdiction offers."""
    items = _items(_jurisdiction(request)).order_by("category", "sort", "code")
    return georeport.document(fmt, "services", [georeport.service(i) for i in items])


@endpoint("GET")
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    """The attributes of one item: its materials, and the questions asked when filing."""
    item = _item(_jurisdiction(request), service_code)
    return georeport.document(fmt, "service_definition",
                              georeport.service_definition(item, services.attributes_of(item)))


@endpoint("GET", "POST")
def service_requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _file(request, fmt)
    return _search(request, fmt)


# --- POST requests ------------------------------------------------------------------------


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    """File a case: at once for a known resident, else a token to follow."""
    client: ApiClient = request.open311_client  # type: ignore[attr-defined]
    area = _jurisdiction(request)
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code is required."))
    item = _item(area, code)
    filing = services.Filing(item=item, place=_place(request, area))
    for name in ("description", "first_name", "last_name", "phone", "email", "device_id", "account_id",
                 "address_string", "media_url"):
        setattr(filing, name, _param(request, name))
    filing.lat, filing.long = _coordinate(request, "lat", 90), _coordinate(request, "long", 180)
    filing.answers = _answers(request)
    try:
        if filing.email:
            EmailValidator()(filing.email)
        if filing.media_url:
            URLValidator(schemes=["http", "https"])(filing.media_url)
            if len(filing.media_url) > 500:
                raise ValidationError("too long")
    except ValidationError:
        raise Open311Error(400, _("The e-mail or media_url is not valid.")) from None
    if len(filing.description) > 4000:
        raise Open311Error(400, _("The description is too long (at most 4000 characters)."))
    try:
        sub = services.submit(client, filing)
    except ValidationError as exc:
        raise Open311Error(400, _messages(exc)) from None
    # The token always comes back, so a client that expects one (type "batch") can follow
    # it; the service_request_id comes too when the case was opened at once.
    answer: dict[str, Any] = {"service_request_id": georeport.request_number(sub.case)} if sub.case else {}
    answer["token"] = sub.token
    answer["service_notice"] = georeport.service_notice(item)
    answer["account_id"] = sub.account_id or None
    return georeport.document(fmt, "service_requests", [answer])


def _place(request: HttpRequest, area: Area | None) -> Area:
    """The village or grid the case is for: address_id, else address_string as a code or a
    name, else the jurisdiction when it is a village. Cases belong to villages, not points."""
    places = Area.objects.filter(kind__in=[AreaKind.VILLAGE, AreaKind.GRID]).select_related("parent__centre",
                                                                                             "centre")
    if area is not None:
        places = places.filter(path__startswith=area.path)
    address_id = _param(request, "address_id")
    if address_id:
        found = places.filter(code=address_id).first()
        if found is None:
            raise Open311Error(400, _("Unknown address_id: give the code of a village or grid here."))
        return found
    text = _param(request, "address_string")
    if text:
        matches = list(places.filter(Q(code=text) | Q(name=text) | Q(name_en__iexact=text))[:2])
        if len(matches) == 1:
            return matches[0]
    has_point = bool(_param(request, "lat") and _param(request, "long"))
    if area is not None and area.kind == AreaKind.VILLAGE and (text or has_point):
        return area
    if not (text or has_point):
        raise Open311Error(400, _("A location is required: address_id, address_string, or lat and long."))
    raise Open311Error(400, _("Cases here belong to a village: give its code (or its grid's) as address_id."))


def _coordinate(request: HttpRequest, name: str, bound: int) -> Decimal | None:
    raw = _param(request, name)
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise Open311Error(400, _("%(name)s is not a number.") % {"name": name}) from None
    if not value.is_finite() or abs(value) > bound:
        raise Open311Error(400, _("%(name)s is out of range.") % {"name": name})
    return value.quantize(Decimal("0.000001"))


def _answers(request: HttpRequest) -> dict[str, list[str]]:
    """attribute[code]=value, and attribute[code][]=value repeated for lists."""
    answers: dict[str, list[str]] = {}
    for name in request.POST:
        if not (name.startswith(ATTRIBUTE) and "]" in name):
            continue
        code = name[len(ATTRIBUTE):].split("]", 1)[0]
        answers.setdefault(code, []).extend(request.POST.getlist(name))
    return answers


# --- GET requests -------------------------------------------------------------------------


def _when(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = _param(request, name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))  # a "+" left unescaped in a URL arrives as a space
        if value is None and (day := parse_date(raw)) is not None:
            value = dt.datetime.combine(day, dt.time.min)
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(400, _("%(name)s is not a W3C date-time.") % {"name": name})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _positive(request: HttpRequest, name: str, default: int, most: int) -> int:
    raw = _param(request, name)
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise Open311Error(400, _("%(name)s must be a whole number from 1 to %(most)d.") % {"name": name, "most": most})
    return int(raw)


def _in_jurisdiction(area: Area | None) -> QuerySet[Case]:
    cases = Case.objects.all()
    return cases.filter(area_path__startswith=area.path) if area is not None else cases


def _search(request: HttpRequest, fmt: str) -> HttpResponse:
    """Cases of the jurisdiction: by id, or filtered by service, status and date (90 days by default)."""
    area = _jurisdiction(request)
    cases = georeport.with_latest_step(_in_jurisdiction(area))
    ids = _param(request, "service_request_id")
    page_size = _positive(request, "page_size", MAX_REQUESTS, MAX_REQUESTS)
    page = _positive(request, "page", 1, 10**6)
    if ids:
        # With ids the other filters are ignored, as the specification says.
        wanted = [i.strip() for i in ids.split(",") if i.strip()][:MAX_REQUESTS]
        cases = cases.filter(pk__in=[pk for i in wanted if (pk := georeport.case_pk(i)) is not None])
        found = [c for c in cases.order_by("-submitted_at", "-pk") if georeport.request_number(c) in wanted]
        return _requests(request, fmt, found)
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes:
        cases = cases.filter(item__code__in=codes)
    statuses = {s.strip().lower() for s in _param(request, "status").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed, or both."))
    if statuses == {"open"}:
        cases = cases.filter(state__in=OPEN_STATES)
    elif statuses == {"closed"}:
        cases = cases.exclude(state__in=OPEN_STATES)
    start, end = _when(request, "start_date"), _when(request, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None  # noqa: S101 -- set just above when both were missing
        start = end - DEFAULT_WINDOW
    if end is None:
        end = start + DEFAULT_WINDOW
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > DEFAULT_WINDOW:
        raise Open311Error(400, _("The date range may not span more than 90 days."))
    cases = cases.filter(submitted_at__gte=start, submitted_at__lte=end).order_by("-submitted_at", "-pk")
    offset = (page - 1) * page_size
    return _requests(request, fmt, cases[offset: offset + page_size])


def _requests(request: HttpRequest, fmt: str, cases: Any) -> HttpResponse:
    notes = _param(request, "extensions").lower() == "true"
    if notes and hasattr(cases, "prefetch_related"):
        cases = cases.prefetch_related("events")
    elif notes:
        from django.db.models import prefetch_related_objects

        prefetch_related_objects(cases, "events")
    writer = georeport.RequestWriter()
    return georeport.document(fmt, "service_requests", [writer.request(c, notes=notes) for c in cases])


@endpoint("GET")
def service_request(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    """One case, as a list of one, the way the specification answers."""
    pk = georeport.case_pk(service_request_id) or 0
    cases = georeport.with_latest_step(_in_jurisdiction(_jurisdiction(request))).filter(pk=pk)
    found = [c for c in cases if georeport.request_number(c) == service_request_id.strip()]
    if not found:
        raise Open311Error(404, _("Unknown service_request_id."))
    return _requests(request, fmt, found)


@endpoint("GET")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    """The case a token became, once staff opened it (no service_request_id until then)."""
    area = _jurisdiction(request)
    subs = Submission.objects.select_related("case").filter(token=token)
    if area is not None:
        subs = subs.filter(area_path__startswith=area.path)
    sub = subs.first()
    if sub is None:
        raise Open311Error(404, _("Unknown token."))
    number = georeport.request_number(sub.case) if sub.case else None
    return georeport.document(fmt, "service_requests", [{"service_request_id": number, "token": sub.token}])


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under the prefix: a 404 in the spec's error format."""
    fmt = "xml" if rest.endswith(".xml") else "json"
    return georeport.errors(fmt, 404, _("There is no such Open311 resource."))
