"""Cases: the queue or one's own cases, applying, following a case and moving it on.

Each handler fetches what the caller may see (or 404s), calls the one action
in `xiangli.cases.services`, and answers with what changed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.params import HeaderEx, P

from xiangli.cases import services
from xiangli.cases.access import attachment_response
from xiangli.cases.models import OPEN_STATES, Attachment, Case, CaseQuerySet, State
from xiangli.catalog.models import ServiceItem
from xiangli.ops.orm import unique_row
from xiangli.people import scope

from .access import resident_for_case, visible_case
from .auth import caller
from .errors import errors, fields_named
from .pagination import Page, PageParams, page_of
from .schemas import AttachmentOut, CaseDetail, CaseIn, CaseRow, RatingIn, TransitionIn

router = Router(tags=["cases"])


class CaseFilters(Schema):
    state: State | None = None
    overdue: bool = Field(False, description="Only cases past their due date.")


def _listed(user: Any, filters: CaseFilters) -> CaseQuerySet:
    cases = Case.objects.visible_to(user)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.overdue:
        cases = cases.overdue(timezone.localdate())
    if scope.is_staff_member(user) and filters.state == State.SUBMITTED:
        return cases.new_queue()
    if scope.is_staff_member(user) and (filters.state is None or filters.state in OPEN_STATES):
        return cases.queue()
    return cases.select_related("resident", "item", "village").order_by("-submitted_at", "-pk")


@router.get("/cases", response={200: Page[CaseRow], **errors(400, 401)})
def list_cases(request: HttpRequest, filters: Query[CaseFilters], page: Query[PageParams]) -> dict[str, Any]:
    """Staff: the open cases of the areas they serve, most urgent first, as the agent's queue
    (with a finished `state`, newest first). Residents: their own cases, newest first."""
    return page_of(_listed(caller(request), filters), page)


@router.post("/cases", response={200: CaseDetail, 201: CaseDetail, **errors(400, 401, 403, 404, 409)})
def create_case(
    request: HttpRequest,
    payload: CaseIn,
    idempotency_key: HeaderEx[str, P(alias="Idempotency-Key", max_length=64)] = "",
) -> Status[Case]:
    """Apply online for oneself, or enter a case for a resident one serves.

    Sent again with the same `Idempotency-Key`, it files nothing new and answers
    200 with the case the first request made.
    """
    user = caller(request)
    resident = resident_for_case(user, payload.resident_id)
    item = unique_row(ServiceItem.objects.filter(code=payload.item_code))
    if item is None:
        raise ValidationError({"item_code": _("There is no service with this code.")})
    with fields_named({"item": "item_code", "resident": "resident_id"}):
        case, created = services.file_case(
            by=user,
            resident=resident,
            item=item,
            channel=payload.channel,
            description=payload.description,
            idempotency_key=idempotency_key.strip(),
        )
    if not created:
        return Status(200, visible_case(user, case.pk))
    # Whoever may file a case may read it (intake roles are reader roles; a resident
    # reads her own), and the new case carries what the answer shows: nothing to read back.
    return Status(201, case)


@router.get("/cases/{case_id}", response={200: CaseDetail, **errors(400, 401, 404)})
def get_case(request: HttpRequest, case_id: int) -> Case:
    return visible_case(caller(request), case_id)


@router.post("/cases/{case_id}/transitions", response={200: CaseDetail, **errors(400, 401, 403, 404, 409)})
def transition_case(request: HttpRequest, case_id: int, payload: TransitionIn) -> Case:
    """Move the case one step: accept, ask for materials, carry, complete, close, decline, withdraw."""
    user = caller(request)
    case = visible_case(user, case_id)
    return services.transition(case, payload.action, by=user, note=payload.note)


@router.post("/cases/{case_id}/rating", response={200: CaseDetail, **errors(400, 401, 403, 404, 409)})
def rate_case(request: HttpRequest, case_id: int, payload: RatingIn) -> Case:
    """The resident rates a finished case once, 1 to 5 stars."""
    user = caller(request)
    case = visible_case(user, case_id)
    return services.rate_case(case, by=user, stars=payload.stars, comment=payload.comment)


@router.get("/attachments/{attachment_id}", response={200: None, **errors(400, 401, 404)})
def get_attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """The file of one material (image or PDF), for those who may see its case."""
    return attachment_response(caller(request), attachment_id)


@router.post("/cases/{case_id}/attachments", response={201: list[AttachmentOut], **errors(400, 401, 403, 404)})
def add_attachments(request: HttpRequest, case_id: int, files: File[list[UploadedFile]]) -> Status[list[Attachment]]:
    """Add photos (JPEG, PNG, WebP) or PDFs of materials to an open case, as multipart `files`."""
    user = caller(request)
    case = visible_case(user, case_id)
    return Status(201, services.add_attachments(case, by=user, uploads=list(files)))
