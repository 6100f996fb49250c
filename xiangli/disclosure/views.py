"""Disclosure pages: the public page of a village and its items, and the cadres' desk.

The public pages need no login, work without JavaScript and may be cached by
proxies for visitors who are not logged in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangli.areas.models import Area, AreaKind, Centre
from xiangli.catalog.models import ServiceItem
from xiangli.front.access import attempt
from xiangli.front.views_desk import staff_required
from xiangli.ops.sendfile import file_response
from xiangli.people import scope
from xiangli.people.models import CASE_READER_ROLES

from . import queries, services
from .forms import AnswerForm, NoticeForm, QuestionForm
from .models import Kind, Notice, NoticeQuerySet, Question, Receipt

PAGE = 30
PUBLIC_MAX_AGE = 120


def cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Shared caches may keep a public page for visitors who are not logged in."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def village_by_code(code: str) -> Area:
    return get_object_or_404(Area, code=code, kind=AreaKind.VILLAGE)


def week_url(code: str) -> str | None:
    """The village's weekly activities, once the activities app offers that page."""
    try:
        return reverse("activities:week", args=[code])
    except NoReverseMatch:
        return None


def village(request: HttpRequest, code: str) -> HttpResponse:
    """Everything a village discloses, on one page: services, activities, money, projects, notices."""
    area = village_by_code(code)
    centre = Centre.objects.filter(area=area).first()
    items = list(ServiceItem.objects.offered_by(centre).order_by("category", "sort", "code")) if centre else []
    published = list(
        Notice.objects.published().filter(village=area).select_related("current")
        .annotate(receipt_count=Count("receipts", distinct=True), question_count=Count("questions", distinct=True))
        .order_by("-published_at", "-pk")
    )
    by_kind: dict[str, list[Notice]] = {k: [] for k in Kind.values}
    for n in published:
        by_kind[n.kind].append(n)
    return cacheable(request, render(request, "disclosure/village.html", {
        "village": area, "centre": centre, "items": items, "week_url": week_url(code),
        "months": queries.finance_by_month(by_kind[Kind.FINANCE]),
        "projects": by_kind[Kind.PROJECT], "notices": by_kind[Kind.NOTICE],
    }))


def _published(code: str, notice_id: int) -> Notice:
    notice = (
        Notice.objects.published().select_related("current", "village")
        .filter(pk=notice_id, village__code=code).first()
    )
    if notice is None:
        raise Http404
    return notice


def notice(request: HttpRequest, code: str, notice_id: int) -> HttpResponse:
    """One item: its current content, receipts, history of corrections, and questions."""
    item = _published(code, notice_id)
    return cacheable(request, render(request, "disclosure/notice.html", {
        **_detail(item), "question_form": QuestionForm(), "can_ask": bool(getattr(request.user, "resident_id", None)),
    }))


def _detail(item: Notice) -> dict[str, Any]:
    versions = list(item.versions.order_by("number"))
    receipts = list(item.receipts.order_by("pk"))
    assert item.current is not None  # noqa: S101 -- every item is created with its first version
    return {
        "notice": item, "version": item.current, "facts": queries.facts(item.current, item.kind),
        "receipts": receipts, "history": queries.history(item, versions, receipts),
        "first": versions[0] if versions else None, "kind_label": queries.kind_label(item.kind),
        "questions": list(item.questions.order_by("asked_at", "pk")),
    }


@login_required
@require_POST
def ask(request: HttpRequest, code: str, notice_id: int) -> HttpResponse:
    item = _published(code, notice_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.ask_question(item, by=request.user, text=form.cleaned_data["text"])  # type: ignore[arg-type]
            messages.success(request, _("Your question was posted. Staff will answer it here."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Please write your question."))
    return redirect("disclosure:notice", code=code, notice_id=item.pk)


def receipt(request: HttpRequest, receipt_id: int) -> HttpResponseBase:
    """A receipt is public once its item is; a draft's only to the village's staff."""
    row = Receipt.objects.select_related("notice").filter(pk=receipt_id).first()
    if row is None:
        raise Http404
    public = row.notice.published_at is not None
    if not public and not scope.serves(request.user, row.notice.area_path, CASE_READER_ROLES):
        raise Http404
    return file_response(row.file, content_type=row.content_type, filename=f"receipt-{row.pk}",
                         cache_control="public, max-age=86400" if public else "private, no-store")


# The desk: cadres draft, publish and correct; staff above answer questions.


def _visible(user: Any) -> NoticeQuerySet:
    if getattr(user, "is_superuser", False):
        return Notice.objects.all()
    return Notice.objects.in_areas(scope.paths_for(user, CASE_READER_ROLES))


def _desk_notice(user: Any, notice_id: int) -> Notice:
    item = _visible(user).select_related("current", "village").filter(pk=notice_id).first()
    if item is None:
        raise Http404
    return item


def _publish_villages(user: Any) -> list[Area]:
    paths = scope.paths_for(user, services.PUBLISHER_ROLES)
    if not paths:
        return []
    return list(Area.objects.under(*[Area(path=p) for p in paths]).villages()[:200])


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    """Items of the areas one serves, drafts first, and questions still waiting for an answer."""
    visible = _visible(request.user)
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    rows = list(
        visible.select_related("current", "village")
        .annotate(waiting=Count("questions", filter=Q(questions__answered_at__isnull=True)))
        .order_by(F("published_at").desc(nulls_first=True), "-pk")[offset: offset + PAGE + 1]
    )
    waiting = list(
        Question.objects.filter(notice__in=visible, answered_at__isnull=True)
        .select_related("notice__current").order_by("asked_at")[:PAGE]
    )
    return render(request, "disclosure/desk.html", {
        "notices": rows[:PAGE], "next": offset + PAGE if len(rows) > PAGE else None,
        "waiting": waiting, "villages": _publish_villages(request.user), "kinds": Kind.choices,
    })


@staff_required
def desk_new(request: HttpRequest) -> HttpResponse:
    villages = _publish_villages(request.user)
    village_id = request.POST.get("village") or request.GET.get("village") or (villages[0].pk if villages else "")
    area = next((v for v in villages if str(v.pk) == str(village_id)), None)
    if area is None:
        raise Http404
    kind = request.POST.get("kind") or request.GET.get("kind") or Kind.NOTICE
    if kind not in Kind.values:
        kind = Kind.NOTICE
    if request.method == "POST":
        form = NoticeForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            data = form.cleaned_data
            created = attempt(form, lambda: services.create_notice(
                by=request.user, village=area, kind=kind, data=data, receipts=data.get("receipts"),  # type: ignore[arg-type]
            ))
            if created is not None:
                messages.success(request, _("The draft was saved. Check it, then publish it."))
                return redirect("disclosure:desk_notice", notice_id=created.pk)
    else:
        form = NoticeForm(kind=kind)
    return render(request, "disclosure/desk_new.html", {
        "form": form, "village": area, "villages": villages, "kind": kind, "kinds": Kind.choices,
        "kind_label": queries.kind_label(kind),
    })


@staff_required
def desk_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    """A draft to change and publish, or a published item to correct; its questions to answer."""
    item = _desk_notice(request.user, notice_id)
    can_publish = services.may_publish(request.user, item.village)
    assert item.current is not None  # noqa: S101 -- every item is created with its first version
    initial = item.current.values()
    form = NoticeForm(kind=item.kind, correction=item.is_published, initial=initial)
    if request.method == "POST" and can_publish:
        action = request.POST.get("action", "")
        if action == "publish":
            try:
                services.publish_notice(item, by=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Published. Everyone can see it now."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("disclosure:desk_notice", notice_id=item.pk)
        form = NoticeForm(request.POST, request.FILES, kind=item.kind, correction=item.is_published)
        if form.is_valid():
            data = form.cleaned_data
            if item.is_published:
                done = attempt(form, lambda: services.correct_notice(
                    item, by=request.user, data=data, reason=data["reason"], receipts=data.get("receipts"),  # type: ignore[arg-type]
                ))
                note = _("The correction was published; the page shows what changed.")
            else:
                done = attempt(form, lambda: services.update_draft(
                    item, by=request.user, data=data, receipts=data.get("receipts"),  # type: ignore[arg-type]
                ))
                note = _("The draft was saved.")
            if done is not None:
                messages.success(request, note)
                return redirect("disclosure:desk_notice", notice_id=item.pk)
    return render(request, "disclosure/desk_notice.html", {
        **_detail(item), "form": form, "can_publish": can_publish,
        "can_answer": services.may_answer(request.user, item),
    })


@staff_required
@require_POST
def desk_answer(request: HttpRequest, question_id: int) -> HttpResponse:
    question = Question.objects.select_related("notice").filter(pk=question_id).first()
    if question is None:
        raise Http404
    _desk_notice(request.user, question.notice_id)  # another village's question is a 404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_question(question, by=request.user, text=form.cleaned_data["text"])  # type: ignore[arg-type]
            messages.success(request, _("Your answer is published under the question."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Please write the answer."))
    return redirect("disclosure:desk_notice", notice_id=question.notice_id)
