"""Actions on tip reports. Pages call these; none of this logic lives elsewhere.

A refused action raises ValidationError or PermissionDenied and writes nothing,
except a failed tracking lookup, which is counted on purpose.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangli.areas.models import Area, AreaKind
from xiangli.audit import services as audit
from xiangli.cases.uploads import check_uploads
from xiangli.people import throttle
from xiangli.people.crypto import digest
from xiangli.people.models import User
from xiangli.people.phones import normalise_phone
from xiangli.workdays.calendar import add_workdays

from .models import (
    Category,
    IdentityLook,
    Outcome,
    State,
    StepKind,
    Tip,
    TipDesk,
    TipPhoto,
    TipStep,
    desk_paths,
)

# Read with defaults so that no setting is needed; the lead may add them to settings.py.
ACCEPT_WORKDAYS: int = getattr(settings, "TIP_ACCEPT_WORKDAYS", 5)
FEEDBACK_WORKDAYS: int = getattr(settings, "TIP_FEEDBACK_WORKDAYS", 15)
TIPS_PER_ADDRESS_PER_HOUR: int = getattr(settings, "TIPS_PER_ADDRESS_PER_HOUR", 5)
TIPS_PER_ADDRESS_PER_DAY: int = getattr(settings, "TIPS_PER_ADDRESS_PER_DAY", 20)
MAX_PHOTOS = 5
# Read aloud over the phone without confusion: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 8·10^17 codes
SECRET_LENGTH = 10  # 31**10 ≈ 8·10^14 secrets per code


@dataclass(frozen=True)
class Transition:
    """One allowed move in a tip's life."""

    label: Any
    sources: tuple[str, ...]
    target: str
    step: str
    needs_note: bool = False
    handler_only: bool = True  # False: any member of the tip's desk


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(gettext_lazy("Accept"), (State.RECEIVED,), State.ACCEPTED, StepKind.ACCEPTED,
                         handler_only=False),
    "reject": Transition(gettext_lazy("Do not accept"), (State.RECEIVED,), State.REJECTED, StepKind.REJECTED,
                         needs_note=True, handler_only=False),
    "investigate": Transition(gettext_lazy("Start investigating"), (State.ACCEPTED,), State.INVESTIGATING,
                              StepKind.INVESTIGATING),
    "answer": Transition(gettext_lazy("Send the answer"), (State.ACCEPTED, State.INVESTIGATING), State.ANSWERED,
                         StepKind.ANSWERED, needs_note=True),
    "close": Transition(gettext_lazy("Close"), (State.ANSWERED,), State.CLOSED, StepKind.CLOSED),
}


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _secret_digest(code: str, secret: str) -> str:
    return digest(f"tip:{code}:{secret}")


def normalise_code(raw: str) -> str:
    """The code as stored: upper case, without the dashes and spaces people write."""
    return "".join(ch for ch in str(raw).upper() if ch.isalnum())[:CODE_LENGTH + 4]


def _address_key(address: str | None) -> str:
    return digest(f"tipaddr:{address}") if address else ""


def _check_flood(address_key: str, now: dt.datetime) -> None:
    if not address_key:
        return
    recent = Tip.objects.filter(address_digest=address_key, received_at__gte=now - dt.timedelta(days=1))
    if recent.filter(received_at__gte=now - dt.timedelta(hours=1)).count() >= TIPS_PER_ADDRESS_PER_HOUR:
        raise ValidationError(_("Too many reports were sent from here in the last hour. Please try again later, "
                                "or call the county's hotline."))
    if recent.count() >= TIPS_PER_ADDRESS_PER_DAY:
        raise ValidationError(_("Too many reports were sent from here today. Please try again tomorrow, "
                                "or call the county's hotline."))


def submit_tip(
    *,
    by: User | None,
    category: str,
    product: str,
    description: str,
    seller: str,
    place: str,
    bought_on: dt.date,
    township: Area,
    anonymous: bool,
    name: str = "",
    phone: str = "",
    photos: list[UploadedFile] | None = None,
    address: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Tip, str]:
    """File a tip and return it with its secret (shown once; only its hash is kept).

    Anyone may report, logged in or not, named or anonymous. It goes to the tip
    desk of the county where the goods were bought, with a deadline to accept it.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, str] = {}
    if category not in Category.values:
        errors["category"] = _("Please choose what kind of goods it was.")
    product, seller, place = product.strip()[:100], seller.strip()[:100], place.strip()[:200]
    description = description.strip()[:4000]
    if not product:
        errors["product"] = _("Please say which product it was.")
    if len(description) < 5:
        errors["description"] = _("Please say what is wrong with it.")
    if not seller:
        errors["seller"] = _("Please say who sold it.")
    if not place:
        errors["place"] = _("Please say where it was bought.")
    if bought_on > today:
        errors["bought_on"] = _("The day it was bought cannot be in the future.")
    elif bought_on < today - dt.timedelta(days=5 * 366):
        errors["bought_on"] = _("Goods bought more than five years ago can no longer be followed up.")
    county = township.parent
    if township.kind != AreaKind.TOWNSHIP or county is None:
        errors["township"] = _("Please choose the township where it was bought.")
    name = name.strip()[:50]
    e164 = ""
    if not anonymous:
        if len(name) < 2:
            errors["name"] = _("Please give your name, or choose to report anonymously.")
        try:
            e164 = normalise_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    if errors or county is None:
        raise ValidationError(errors)
    address_key = _address_key(address)
    _check_flood(address_key, now)
    uploads = list(photos or [])
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Please send at most %(n)d photos.") % {"n": MAX_PHOTOS}})
    checked = check_uploads(uploads)
    if any(not c.content_type.startswith("image/") for c in checked):
        raise ValidationError({"photos": _("Please send photos only (JPEG, PNG or WebP).")})
    secret = _random(SECRET_LENGTH)
    with transaction.atomic():
        code = _random(CODE_LENGTH)
        while Tip.objects.filter(code=code).exists():  # practically never
            code = _random(CODE_LENGTH)
        tip = Tip.objects.create(
            code=code,
            secret_digest=_secret_digest(code, secret),
            category=category,
            product=product,
            description=description,
            seller=seller,
            place=place,
            bought_on=bought_on,
            area=township,
            county=county,
            anonymous=anonymous,
            # An anonymous tip keeps no link to the account it was sent from.
            reporter=by if (by is not None and by.is_authenticated and not anonymous) else None,
            reporter_name="" if anonymous else name,
            reporter_phone=e164,
            received_at=now,
            accept_due=add_workdays(today, ACCEPT_WORKDAYS),
            address_digest=address_key,
        )
        for c in checked:
            TipPhoto.objects.create(tip=tip, file=c.upload, content_type=c.content_type, size=c.upload.size or 0)
        _step(tip, StepKind.RECEIVED, None, audit_it=not anonymous)
    return tip, secret


def _step(tip: Tip, kind: str, by: User | None, note: str = "", *, audit_it: bool = True,
          changes: dict[str, Any] | None = None) -> TipStep:
    """The step on the tip's timeline, its line in the audit trail, and the notifications."""
    from .tasks import notify_tip_step

    step = TipStep.objects.create(tip=tip, kind=kind, actor=by, note=note)
    # An anonymous report is not written to the audit trail: the trail keeps the
    # sender's address, which would undo the anonymity.
    if audit_it:
        audit.record(f"tip.{kind}", obj=tip, actor=by, area_path=tip.area_path,
                     changes={**(changes or {}), **({"note": note} if note else {})})
    notify_tip_step.enqueue(step.pk)
    return step


# -- the desk ------------------------------------------------------------------------------


def on_desk(tip: Tip, user: Any) -> bool:
    """True when the user is a member of a tip desk over the tip's area."""
    return bool(getattr(user, "is_superuser", False)) or any(tip.area_path.startswith(p) for p in desk_paths(user))


def is_handler(tip: Tip, user: Any) -> bool:
    return tip.handler_id is not None and tip.handler_id == getattr(user, "pk", None)


def allowed_actions(tip: Tip, user: Any) -> list[str]:
    """Steps this user may take on this tip now, for the buttons."""
    return [
        name for name, t in TRANSITIONS.items()
        if tip.state in t.sources and (is_handler(tip, user) if t.handler_only else on_desk(tip, user))
    ]


def transition(tip: Tip, action: str, *, by: User, note: str = "", outcome: str = "",
               today: dt.date | None = None) -> Tip:
    """Apply one step of a tip's life, or refuse it and change nothing."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise ValidationError(_("Unknown step."))
    if not (is_handler(tip, by) if t.handler_only else on_desk(tip, by)):
        raise PermissionDenied(_("Only the tip's handler may do this."))
    if tip.state not in t.sources:
        raise ValidationError(_("A tip that is “%(state)s” cannot be moved this way.")
                              % {"state": tip.get_state_display()})
    note = note.strip()[:4000]
    if t.needs_note and not note:
        raise ValidationError({"note": _("Please write the reason.") if action == "reject"
                               else _("Please write the answer for the reporter.")})
    if action == "answer" and outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Please choose the outcome.")})
    today = today or timezone.localdate()
    fields: dict[str, Any] = {"state": t.target}
    if action == "accept":
        fields["handler"] = by
        fields["feedback_due"] = add_workdays(today, FEEDBACK_WORKDAYS)
    if action == "answer":
        fields["outcome"] = outcome
    with transaction.atomic():
        # Claimed with a conditional update: of two handlers accepting at once, one wins.
        if Tip.objects.filter(pk=tip.pk, state=tip.state).update(**fields) != 1:
            raise ValidationError(_("Someone else moved this tip just now. Please look again."))
        old = tip.state
        for name, value in fields.items():
            setattr(tip, name, value)
        _step(tip, t.step, by, note, changes={"state": [old, t.target], **({"outcome": outcome} if outcome else {})})
    return tip


def assign(tip: Tip, *, by: User, to: User) -> Tip:
    """Hand an accepted tip to another member of its desk (only they then see the reporter)."""
    if not on_desk(tip, by):
        raise PermissionDenied(_("Only the tip desk may hand tips on."))
    if tip.state not in (State.ACCEPTED, State.INVESTIGATING):
        raise ValidationError(_("Only a tip being worked on can be handed to someone else."))
    if not any(tip.area_path.startswith(p) for p in
               TipDesk.objects.filter(user=to).values_list("area__path", flat=True)):
        raise ValidationError(_("%(name)s does not work at this tip desk.") % {"name": to.name})
    with transaction.atomic():
        old = tip.handler_id
        Tip.objects.filter(pk=tip.pk).update(handler=to)
        tip.handler = to
        _step(tip, StepKind.ASSIGNED, by, to.name, changes={"handler": [old, to.pk]})
    return tip


def reveal_identity(tip: Tip, *, by: User, reason: str, ip: str | None = None) -> tuple[str, str]:
    """A named reporter's name and phone, for the tip's own handler only; each look is logged."""
    if tip.anonymous:
        raise ValidationError(_("This tip was sent anonymously."))
    if not is_handler(tip, by):
        raise PermissionDenied(_("Only the tip's handler may see who sent it."))
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Please say why you need the reporter's details.")})
    with transaction.atomic():
        IdentityLook.objects.create(tip=tip, actor=by, reason=reason[:200], ip=ip)
        audit.record("tip.identity_revealed", obj=tip, actor=by, area_path=tip.area_path,
                     changes={"phone": tip.reporter_phone, "reason": reason[:200]})
    return tip.reporter_name, tip.reporter_phone


# -- following a tip -----------------------------------------------------------------------


def follow(*, code: str, secret: str, address: str | None) -> Tip:
    """The tip for this tracking code and secret; every failed try is counted.

    Tries cool off per code and per address, as logins do, so neither a code nor
    the codes of others can be guessed. The same answer for an unknown code and a
    wrong secret, so a try does not tell whether a code exists.
    """
    code = normalise_code(code)
    secret = normalise_code(secret)
    key = f"tip:{code}"
    if throttle.cooling_off(key, address):
        raise ValidationError(_("Too many wrong tries. Please wait 15 minutes and try again."))
    tip = Tip.objects.filter(code=code).first() if len(code) == CODE_LENGTH else None
    expected = tip.secret_digest if tip is not None else _secret_digest("", "")
    if tip is None or not hmac.compare_digest(expected, _secret_digest(code, secret)):
        throttle.record_failure(key, address)
        if tip is not None:
            Tip.objects.filter(pk=tip.pk).update(failed_lookups=F("failed_lookups") + 1)
        raise ValidationError(_("The tracking code or the secret is not right. Please check them."))
    return tip


# -- periodic work -------------------------------------------------------------------------


def remind_overdue(*, today: dt.date | None = None) -> int:
    """Remind the desk (or the handler) of each overdue tip, once a day. Returns how many.

    Each tip is claimed with a conditional update on `reminded_on`, so two workers
    never remind twice.
    """
    today = today or timezone.localdate()
    count = 0
    candidates = Tip.objects.overdue(today).exclude(reminded_on=today).values_list("pk", "reminded_on")
    for pk, old in candidates:
        with transaction.atomic():
            if Tip.objects.filter(pk=pk, reminded_on=old).update(reminded_on=today) != 1:
                continue
            tip = Tip.objects.get(pk=pk)
            _step(tip, StepKind.REMINDED, None, audit_it=False)
            count += 1
    return count


def forget_addresses(*, now: dt.datetime | None = None) -> int:
    """Blank the hashed sender addresses once the flood guard no longer needs them."""
    cut = (now or timezone.now()) - dt.timedelta(days=1)
    return Tip.objects.filter(received_at__lt=cut).exclude(address_digest="").update(address_digest="")
