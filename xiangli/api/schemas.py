"""What the API sends and accepts. Personal data goes out masked, never in full."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils import timezone
from ninja import Field, Schema

from xiangli.areas.models import CentreFunction
from xiangli.cases import services
from xiangli.cases.models import Attachment, Case, CaseEvent, Channel, State
from xiangli.catalog.models import HandlingLevel

from .auth import caller


class ItemRef(Schema):
    code: str
    name: str = Field(description="In the request's language.")


class ItemOut(Schema):
    """A service item of the service list (服务事项清单), in the request's language."""

    code: str
    name: str
    category: CentreFunction
    category_label: str
    department: str
    materials: list[str]
    level: HandlingLevel
    level_label: str
    handled_at: str
    fee: str = Field(description='In yuan, as a decimal string: "20.00".')
    promised_days: int = Field(description="Working days from acceptance to completion.")
    online_allowed: bool
    proxy_allowed: bool

    @staticmethod
    def resolve_category_label(obj: Any) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_fee(obj: Any) -> str:
        return f"{obj.fee:.2f}"


class ResidentOut(Schema):
    """A resident as staff see them in lists: phone and ID number masked."""

    id: int
    name: str
    masked_phone: str
    masked_id_number: str
    village: str
    grid: str | None

    @staticmethod
    def resolve_village(obj: Any) -> str:
        return str(obj.village.display_name)

    @staticmethod
    def resolve_grid(obj: Any) -> str | None:
        return obj.grid.display_name if obj.grid_id else None


class CaseRow(Schema):
    """A case in a list: the queue, or a resident's own cases."""

    id: int
    number: str = Field(description="The number printed on receipts.")
    state: State
    state_label: str
    channel: Channel
    item: ItemRef
    resident_name: str
    village: str
    submitted_at: dt.datetime
    due_on: dt.date | None = Field(description="Set when the case is accepted.")
    overdue: bool

    @staticmethod
    def resolve_state_label(obj: Case) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_resident_name(obj: Case) -> str:
        return obj.resident.name

    @staticmethod
    def resolve_village(obj: Case) -> str:
        return obj.village.display_name

    @staticmethod
    def resolve_overdue(obj: Case) -> bool:
        return obj.is_overdue(timezone.localdate())


class EventOut(Schema):
    kind: str
    label: str
    actor_name: str | None
    note: str
    at: dt.datetime

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor_name(obj: Any) -> str | None:
        if hasattr(obj, "actor_name"):  # read with the timeline (CaseDetail.resolve_events)
            return obj.actor_name  # type: ignore[no-any-return]
        return obj.actor.name if obj.actor_id else None


class AttachmentOut(Schema):
    id: int
    content_type: str
    size: int


class CaseResident(Schema):
    id: int
    name: str
    masked_phone: str
    masked_id_number: str


class CaseDetail(CaseRow):
    """A case with its timeline, its materials and what the caller may do to it now."""

    channel_label: str
    description: str
    resident: CaseResident
    centre: str
    agent_name: str | None
    accepted_on: dt.date | None
    carried_to: str
    decline_reason: str
    visits: int = Field(description="Trips the resident made.")
    rating: int | None
    rating_comment: str
    events: list[EventOut]
    attachments: list[AttachmentOut]
    allowed_actions: list[str] = Field(description="Names to POST to /cases/{id}/transitions.")

    @staticmethod
    def resolve_channel_label(obj: Case) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_centre(obj: Case) -> str:
        return obj.centre.name

    @staticmethod
    def resolve_agent_name(obj: Case) -> str | None:
        return obj.agent.name if obj.agent_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_events(obj: Case) -> list[Any]:
        if hasattr(obj, "timeline"):  # a case just filed
            return obj.timeline
        # The actor's name alone, not the whole user row: half the CPU of a select_related.
        return list(CaseEvent.objects.filter(case_id=obj.pk).annotate(actor_name=F("actor__name")).order_by("at", "pk"))

    @staticmethod
    def resolve_attachments(obj: Case) -> list[Any]:
        if hasattr(obj, "materials"):
            return obj.materials
        return list(Attachment.objects.filter(case_id=obj.pk).order_by("pk"))

    @staticmethod
    def resolve_allowed_actions(obj: Case, context: dict[str, Any]) -> list[str]:
        return services.allowed_actions(obj, caller(context["request"]))


class CaseIn(Schema):
    resident_id: int | None = Field(None, description="Leave out to apply for yourself.")
    item_code: str
    channel: Channel
    description: str = ""


class TransitionIn(Schema):
    action: str = Field(description="One of the case's `allowed_actions`.")
    note: str = ""


class RatingIn(Schema):
    stars: int = Field(description="1 to 5.")
    comment: str = ""


class LoginIn(Schema):
    phone: str
    password: str
    name: str = Field("", description="What the device is called, to tell your devices apart.")
    otp: str = Field("", description="For township staff and above: the code from their authenticator app.")


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`. Shown only this once.")
