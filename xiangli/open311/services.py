"""Actions of the Open311 app: keys, the rate limit, filing a submission, staff matching it.

A submission becomes a case through `xiangli.cases.services.create_case`, as
every case does; nothing here repeats its rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiangli.areas.models import Area, AreaKind
from xiangli.audit import services as audit
from xiangli.cases.models import Case, Channel
from xiangli.cases.services import create_case
from xiangli.catalog.models import HandlingLevel, ServiceItem
from xiangli.people import scope
from xiangli.people.crypto import digest
from xiangli.people.models import CASE_INTAKE_ROLES, REVEAL_ROLES, Resident, User
from xiangli.people.phones import normalise_phone

from .models import ApiClient, Submission, SubmissionStatus, Usage

KEY_PREFIX = "o311_"  # lets secret scanners and people recognise a leaked key
# Cases filed through Open311 come from hotlines and apps on the resident's word:
# the nearest channel the cases app knows is the phone. (An "open311" channel
# would say it exactly; the cases app owns that list.)
CASE_CHANNEL = Channel.PHONE
TOUCH_EVERY = dt.timedelta(minutes=5)


# --- API keys -----------------------------------------------------------------------------


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)


def set_new_key(client: ApiClient) -> str:
    """Give the client a fresh key (unsaved); the caller shows it once. Only its hash is kept."""
    key = new_key()
    client.key_digest = key_digest(key)
    client.key_prefix = key[: len(KEY_PREFIX) + 4]
    return key


def issue_client(*, by: User | None, name: str, acting_user: User | None = None, contact: str = "",
                 per_minute: int = 30, per_hour: int = 600) -> tuple[ApiClient, str]:
    """A new Open311 client and its key, shown to the caller once."""
    name = name.strip()[:100]
    if not name:
        raise ValidationError({"name": _("Please name the client.")})
    client = ApiClient(name=name, contact=contact.strip()[:200], acting_user=acting_user,
                       per_minute=per_minute, per_hour=per_hour)
    key = set_new_key(client)
    with transaction.atomic():
        client.save()
        audit.record("open311_client.added", obj=client, actor=by,
                     changes={"name": [None, client.name], "acting_user": [None, acting_user]})
    return client, key


def rotate_key(client: ApiClient, *, by: User | None) -> str:
    """Replace the client's key: the old one stops working at once."""
    key = set_new_key(client)
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(key_digest=client.key_digest, key_prefix=client.key_prefix)
        audit.record("open311_client.key_rotated", obj=client, actor=by, changes={"key_prefix": client.key_prefix})
    return key


def revoke(client: ApiClient, *, by: User | None) -> ApiClient:
    """Stop the client's key from working; its submissions and cases stay."""
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(revoked=True)
        audit.record("open311_client.revoked", obj=client, actor=by, changes={"revoked": [client.revoked, True]})
    client.revoked = True
    return client


def find_client(key: str) -> ApiClient | None:
    """The live client holding this key, or None; notes when it was last used."""
    if not key:
        return None
    client = ApiClient.objects.select_related("acting_user").filter(key_digest=key_digest(key), revoked=False).first()
    if client is None:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > TOUCH_EVERY:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


# --- Rate limit ---------------------------------------------------------------------------


class RateLimited(Exception):
    """The client has used up its requests for the minute or the hour."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


WINDOWS = (("m", 60), ("h", 3600))


def count_request(client: ApiClient, *, now: dt.datetime | None = None) -> None:
    """Count one request against the client's limits, or raise RateLimited.

    The counters are rows counted up with a conditional update, so that all web
    processes share them; a refused request counts too, so hammering does not pay.
    """
    now = now or timezone.now()
    limits = {"m": client.per_minute, "h": client.per_hour}
    for window, seconds in WINDOWS:
        epoch = int(now.timestamp())
        start = dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)
        rows = Usage.objects.filter(client=client, window=window, starts_at=start)
        # One transaction per counter: the update holds the row until the count is
        # read back, so each request reads its own place in the window, not a later
        # request's (which, read outside, refused early requests of a burst).
        with transaction.atomic():
            if not rows.update(count=F("count") + 1):
                try:
                    with transaction.atomic():
                        Usage.objects.create(client=client, window=window, starts_at=start, count=1)
                except IntegrityError:
                    rows.update(count=F("count") + 1)  # another process opened the window first
                if window == "h":
                    # A new hour: the older counters are of no further use.
                    Usage.objects.filter(client=client, starts_at__lt=start - dt.timedelta(hours=1)).delete()
            count = rows.values_list("count", flat=True).first() or 0
        if count > limits[window]:
            raise RateLimited(retry_after=max(1, int(start.timestamp()) + seconds - epoch))


# --- The service definition ---------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """One attribute of a service definition: a question to the resident, or a fact for them."""

    code: str
    description: str
    datatype: str = "string"
    variable: bool = True
    required: bool = False
    datatype_description: str = ""
    values: list[tuple[str, str]] = field(default_factory=list)


YES, NO = "yes", "no"
CALL_TIMES = ("morning", "afternoon", "evening")


def attributes_of(item: ServiceItem) -> list[Attribute]:
    """The service definition of an item, derived from its materials and how it is handled.

    Each material is shown as a fact (not asked); then the resident says which
    materials they have at hand, whether a grid worker may fetch them at home
    (for items an agent may carry), and when staff may call back.
    """
    materials = item.materials
    attrs = [
        Attribute(code=f"material_{n}", variable=False,
                  description=_("Material needed: %(material)s") % {"material": m})
        for n, m in enumerate(materials, start=1)
    ]
    if materials:
        attrs.append(Attribute(
            code="materials_at_hand", datatype="multivaluelist",
            description=_("Which of the materials do you have at hand?"),
            datatype_description=_("Choose any number."),
            values=[(str(n), m) for n, m in enumerate(materials, start=1)],
        ))
    if _may_be_carried(item):
        attrs.append(Attribute(
            code="home_visit", datatype="singlevaluelist",
            description=_("May a grid worker come to your home to collect the materials?"),
            values=[(YES, pgettext("home visit", "Yes, please come")), (NO, _("No, I will bring them"))],
        ))
    attrs.append(Attribute(
        code="call_back", datatype="singlevaluelist",
        description=_("When may the centre call you back?"),
        values=[("morning", _("In the morning")), ("afternoon", _("In the afternoon")),
                ("evening", _("In the evening"))],
    ))
    return attrs


def _may_be_carried(item: ServiceItem) -> bool:
    return item.proxy_allowed or item.level == HandlingLevel.VILLAGE


def clean_answers(item: ServiceItem, given: dict[str, list[str]]) -> dict[str, Any]:
    """The client's attribute[code] answers, checked against the definition."""
    definition = {a.code: a for a in attributes_of(item)}
    answers: dict[str, Any] = {}
    for code, values in given.items():
        attr = definition.get(code)
        if attr is None:
            raise ValidationError(_("This service has no attribute “%(code)s”.") % {"code": code[:40]})
        if not attr.variable:
            continue  # a fact shown to the resident, not a question
        values = [v.strip() for v in values if v.strip()]
        keys = [k for k, _label in attr.values]
        if attr.datatype == "multivaluelist":
            if any(v not in keys for v in values):
                raise ValidationError(_("“%(code)s” has no such choice.") % {"code": code})
            answers[code] = sorted(set(values), key=keys.index)
        elif values:
            if attr.datatype == "singlevaluelist" and (len(values) > 1 or values[0] not in keys):
                raise ValidationError(_("“%(code)s” has no such choice.") % {"code": code})
            answers[code] = values[0][:500]
    for attr in definition.values():
        if attr.required and attr.variable and not answers.get(attr.code):
            raise ValidationError(_("Please answer “%(question)s”.") % {"question": attr.description})
    return answers


def answers_text(item: ServiceItem, answers: dict[str, Any]) -> str:
    """The answers as lines the village staff read on the case."""
    lines = []
    for attr in attributes_of(item):
        if attr.code not in answers:
            continue
        labels = dict(attr.values)
        chosen = answers[attr.code]
        picked = chosen if isinstance(chosen, list) else [chosen]
        shown = "、".join(labels.get(str(k), str(k)) for k in picked)
        lines.append(f"{attr.description} {shown or '—'}")
    return "\n".join(lines)


# --- Filing --------------------------------------------------------------------------------


@dataclass
class Filing:
    """What the client posted, already parsed; `submit` checks what needs the database."""

    item: ServiceItem
    place: Area  # a village or one of its grids
    description: str = ""
    answers: dict[str, list[str]] = field(default_factory=dict)
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    address_string: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    media_url: str = ""


def village_of(place: Area) -> Area:
    if place.kind == AreaKind.GRID and place.parent is not None:
        return place.parent
    return place


def match_resident(village: Area, phone: str, last_name: str, first_name: str) -> Resident | None:
    """The one resident of the village with this phone (and this name, when one is given).

    Households often share one phone, so several residents may hold it: then
    only the name can tell, and without a unique match staff decide.
    """
    if not phone:
        return None
    candidates = list(Resident.objects.filter(village=village, phone_digest=digest(phone)))
    names = {f"{last_name}{first_name}".replace(" ", ""), f"{first_name}{last_name}".replace(" ", "")} - {""}
    if names:
        candidates = [r for r in candidates if r.name.replace(" ", "") in names]
    return candidates[0] if len(candidates) == 1 else None


def submit(client: ApiClient, filing: Filing) -> Submission:
    """File what an Open311 client sent.

    When the contact phone names one resident of the addressed village and the
    client's service account may enter cases there, the case is opened at once;
    otherwise the submission waits for the village's staff (the client follows
    it by its token). Refused input raises ValidationError and writes nothing.
    """
    item, village = filing.item, village_of(filing.place)
    phone = ""
    if filing.phone.strip():
        phone = normalise_phone(filing.phone)
    answers = clean_answers(item, filing.answers)
    centre = getattr(village, "centre", None)
    if centre is None or not ServiceItem.objects.offered_by(centre).filter(pk=item.pk).exists():
        raise ValidationError(_("This service is not offered by the centre of that village."))
    with transaction.atomic():
        sub = Submission.objects.create(
            token=secrets.token_urlsafe(18), client=client, item=item, village=village,
            area_path=filing.place.path, first_name=filing.first_name.strip()[:50],
            last_name=filing.last_name.strip()[:50], phone=phone, email=filing.email.strip()[:200],
            device_id=filing.device_id.strip()[:100], account_id=filing.account_id.strip()[:100],
            description=filing.description.strip()[:4000], attributes=answers,
            address_string=filing.address_string.strip()[:255], lat=filing.lat, long=filing.long,
            media_url=filing.media_url.strip()[:500],
        )
        audit.record("open311.submitted", obj=sub, actor=None, area_path=sub.area_path,
                     changes={"client": client.name, "item": item.code, "village": village.code})
        resident = match_resident(village, phone, sub.last_name, sub.first_name)
        acting = client.acting_user
        if resident is not None and acting is not None and acting.is_active and _may_be_carried(item):
            try:
                case = create_case(by=acting, resident=resident, item=item, channel=CASE_CHANNEL,
                                   description=case_description(sub), idempotency_key=f"open311:{sub.token}")
            except (PermissionDenied, ValidationError):
                # The service account does not serve this village, or the resident
                # already has this matter open: staff look at it instead.
                pass
            else:
                _link(sub, case, by=acting)
    return sub


def case_description(sub: Submission) -> str:
    """What staff read on the case: where it came from, the words, and the answers."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = [_("Filed through Open311 by %(client)s.") % {"client": sub.client.name}]
        if sub.description:
            parts.append(sub.description)
        answered = answers_text(sub.item, sub.attributes)
        if answered:
            parts.append(answered)
        if sub.media_url:
            parts.append(_("Photo: %(url)s") % {"url": sub.media_url})
    return "\n".join(parts)


def _link(sub: Submission, case: Case, *, by: User) -> None:
    now = timezone.now()
    updated = Submission.objects.filter(pk=sub.pk, status=SubmissionStatus.PENDING).update(
        status=SubmissionStatus.CREATED, case=case, decided_at=now, decided_by=by)
    if updated != 1:
        raise ValidationError(_("Someone else has just dealt with this submission. Please reload it."),
                              code="conflict")
    sub.status, sub.case, sub.decided_at, sub.decided_by = SubmissionStatus.CREATED, case, now, by
    audit.record("open311.matched", obj=sub, actor=by, area_path=sub.area_path,
                 changes={"status": [SubmissionStatus.PENDING, SubmissionStatus.CREATED], "case": [None, case.pk]})


# --- Staff: the pending submissions -------------------------------------------------------


def pending_for(user: Any) -> Any:
    """Submissions waiting in the areas the user takes cases in."""
    qs = Submission.objects.pending()
    if not getattr(user, "is_superuser", False):
        qs = qs.in_areas(scope.paths_for(user, CASE_INTAKE_ROLES))
    return qs


def match(sub: Submission, *, by: User, resident: Resident) -> Case:
    """Staff found the resident the submission is about: the case is opened for them."""
    if not scope.serves(by, sub.area_path, CASE_INTAKE_ROLES):
        raise PermissionDenied(_("You do not serve this village."))
    if sub.status != SubmissionStatus.PENDING:
        raise ValidationError(_("Someone else has just dealt with this submission. Please reload it."),
                              code="conflict")
    if resident.village_id != sub.village_id:
        raise ValidationError(_("This resident does not live in the village the submission is for."))
    with transaction.atomic():
        case = create_case(by=by, resident=resident, item=sub.item, channel=CASE_CHANNEL,
                           description=case_description(sub), idempotency_key=f"open311:{sub.token}")
        _link(sub, case, by=by)
    return case


def reject(sub: Submission, *, by: User, reason: str) -> Submission:
    """Staff could not take it up (no such resident, a prank): the reason is kept."""
    if not scope.serves(by, sub.area_path, CASE_INTAKE_ROLES):
        raise PermissionDenied(_("You do not serve this village."))
    reason = reason.strip()[:1000]
    if not reason:
        raise ValidationError({"reason": _("Please give the reason.")})
    now = timezone.now()
    with transaction.atomic():
        updated = Submission.objects.filter(pk=sub.pk, status=SubmissionStatus.PENDING).update(
            status=SubmissionStatus.REJECTED, decided_at=now, decided_by=by, reason=reason)
        if updated != 1:
            raise ValidationError(_("Someone else has just dealt with this submission. Please reload it."),
                                  code="conflict")
        audit.record("open311.rejected", obj=sub, actor=by, area_path=sub.area_path,
                     changes={"status": [SubmissionStatus.PENDING, SubmissionStatus.REJECTED], "reason": reason})
    sub.refresh_from_db()
    return sub


def reveal_phone(sub: Submission, *, by: User, reason: str) -> str:
    """The full contact phone, to call the person back; the look is on the audit trail."""
    if not scope.serves(by, sub.area_path, REVEAL_ROLES):
        raise PermissionDenied(_("You may not see this phone number."))
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Please say why you need the full value.")})
    from xiangli.people.masking import mask_phone

    audit.record("open311.phone_revealed", obj=sub, actor=by, area_path=sub.area_path,
                 changes={"phone": mask_phone(sub.phone), "reason": reason[:200]})
    return str(sub.phone)
