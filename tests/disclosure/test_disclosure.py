"""Disclosure: what a village publishes, how corrections show, and who may ask and answer."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from xiangli.audit.models import AuditEntry
from xiangli.disclosure import services
from xiangli.disclosure.models import Notice, NoticeVersion, Question, Receipt

from ..conftest import png_upload
from .conftest import FINANCE, PROJECT


def client_for(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def page(world, user=None):
    return client_for(user).get(reverse("disclosure:village", args=[world.village_a.code]))


# The public page


def test_anyone_sees_the_village_services_finances_projects_and_notices_without_logging_in(world, spending, project):
    notice = services.create_notice(by=world.andy, village=world.village_a, kind="notice",
                                    data={"title": "Well water tested", "body": "Safe to drink."})
    services.publish_notice(notice, by=world.andy)
    response = page(world)
    body = response.content.decode()
    assert response.status_code == 200
    assert world.pension.name_en in body and reverse("front:item", args=[world.village_a.code, "YL-001"]) in body
    assert "2026-10" in body and "Road lamps" in body and "1200.00" in body
    assert "New well" in body and "Well water tested" in body


def test_a_draft_is_not_public_until_it_is_published(world):
    draft = services.create_notice(by=world.andy, village=world.village_a, kind="finance", data=FINANCE,
                                   receipts=[png_upload("receipt.png")])
    assert "Road lamps" not in page(world).content.decode()
    assert client_for().get(reverse("disclosure:notice", args=[world.village_a.code, draft.pk])).status_code == 404
    receipt = draft.receipts.get()
    url = reverse("disclosure:receipt", args=[receipt.pk])
    assert client_for().get(url).status_code == 404
    assert client_for(world.oscar).get(url).status_code == 404
    assert client_for(world.andy).get(url)["Cache-Control"] == "private, no-store"
    services.publish_notice(draft, by=world.andy)
    response = client_for().get(url)
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_villages_item_is_not_found_under_this_village(world, spending):
    url = reverse("disclosure:notice", args=[world.village_b.code, spending.pk])
    assert client_for().get(url).status_code == 404


def test_public_pages_may_be_cached_for_visitors_but_not_for_logged_in_people(world, spending):
    assert "public" in page(world)["Cache-Control"]
    assert "private" in page(world, world.alice)["Cache-Control"]


def test_the_village_page_has_no_activities_link_until_the_activities_page_exists(world):
    from django.urls import NoReverseMatch

    try:
        week = reverse("activities:week", args=[world.village_a.code])
    except NoReverseMatch:
        week = None
    body = page(world).content.decode()
    assert (week is not None and week in body) or (week is None and "activities/" not in body)


def test_the_village_page_costs_the_same_queries_with_many_items(world, django_assert_num_queries):
    def publish(n):
        for i in range(n):
            data = {**FINANCE, "title": f"Entry {i}", "month": dt.date(2026, 1 + i % 12, 1)}
            notice = services.create_notice(by=world.andy, village=world.village_a, kind="finance", data=data)
            services.publish_notice(notice, by=world.andy)
            services.publish_notice(services.create_notice(
                by=world.andy, village=world.village_a, kind="project", data={**PROJECT, "title": f"P{i}"}),
                by=world.andy)
    publish(2)
    client = client_for()
    url = reverse("disclosure:village", args=[world.village_a.code])
    with django_assert_num_queries(4):  # a visitor without a session: village, centre, services, items
        client.get(url)
    publish(10)
    with django_assert_num_queries(4):
        body = client.get(url).content.decode()
    assert body.count("Entry ") == 12 and "P9" in body


# Corrections


def test_a_correction_is_a_new_version_and_the_page_shows_what_changed_and_why(world, spending):
    services.correct_notice(spending, by=world.sam, data={**FINANCE, "amount": Decimal("1150.00")},
                            reason="The invoice was 1,150 yuan")
    first, second = NoticeVersion.objects.filter(notice=spending).order_by("number")
    assert first.amount == Decimal("1200.00") and second.amount == Decimal("1150.00")
    body = client_for().get(reverse("disclosure:notice", args=[world.village_a.code, spending.pk])).content.decode()
    assert "The invoice was 1,150 yuan" in body
    assert "<del>1,200.00</del>" in body and "<ins>1,150.00</ins>" in body
    assert "version 2" in body
    assert AuditEntry.objects.filter(action="disclosure.corrected", object_id=str(spending.pk)).exists()


def test_a_published_version_can_never_be_changed_in_place(world, spending):
    version = NoticeVersion.objects.get(notice=spending)
    version.amount = Decimal("1")
    with pytest.raises(ValueError, match="cannot be changed"):
        version.save()
    with pytest.raises(ValidationError, match="already published"):
        services.update_draft(spending, by=world.andy, data={**FINANCE, "amount": Decimal("1")})
    # Nor can a bulk update, which skips save(): the database refuses it.
    with pytest.raises(DatabaseError), transaction.atomic():
        NoticeVersion.objects.filter(notice=spending).update(amount=Decimal("1"))
    assert NoticeVersion.objects.get(notice=spending).amount == Decimal("1200.00")


def test_a_correction_needs_a_reason_and_a_change_and_otherwise_writes_nothing(world, spending):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.correct_notice(spending, by=world.andy, data={**FINANCE, "amount": Decimal("9")}, reason=" ")
    assert exc.value.message_dict == {"reason": ["Please say why the item is corrected."]}
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.correct_notice(spending, by=world.andy, data=FINANCE, reason="typo")
    assert NoticeVersion.objects.filter(notice=spending).count() == 1
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("name", ["oscar", "tom", "gina", "alice", "audrey"])
def test_only_the_villages_agent_and_secretary_publish_and_correct(world, spending, name):
    user = getattr(world, name)
    with pytest.raises(PermissionDenied):
        services.create_notice(by=user, village=world.village_a, kind="notice", data={"title": "x"})
    with pytest.raises(PermissionDenied):
        services.correct_notice(spending, by=user, data={**FINANCE, "amount": Decimal("5")}, reason="x")
    assert Notice.objects.count() == 1 and NoticeVersion.objects.count() == 1


def test_bad_values_are_named_field_by_field_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as exc:
        services.create_notice(by=world.andy, village=world.village_a, kind="finance",
                               data={"title": "", "amount": Decimal("-3"), "direction": "gift"})
    assert set(exc.value.message_dict) == {"title", "month", "direction", "amount"}
    assert not Notice.objects.exists() and not AuditEntry.objects.filter(action__startswith="disclosure").exists()


# Receipts


def test_a_disguised_upload_is_refused_and_nothing_is_written(world):
    program = b"MZ\x90\x00 this is a program, not a photo" * 10
    fake = SimpleUploadedFile("receipt.jpg", program, content_type="image/jpeg")
    with pytest.raises(ValidationError, match="not a photo or a PDF"):
        services.create_notice(by=world.andy, village=world.village_a, kind="finance", data=FINANCE, receipts=[fake])
    assert not Notice.objects.exists() and not Receipt.objects.exists()


def test_an_oversized_receipt_is_refused(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="too large"):
        services.create_notice(by=world.andy, village=world.village_a, kind="finance", data=FINANCE,
                               receipts=[png_upload("big.png")])
    assert not Notice.objects.exists()


def test_a_receipt_photo_is_stored_without_its_exif(world):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make; GPS would sit beside it
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buf, "JPEG", exif=exif)
    upload = SimpleUploadedFile("r.jpg", buf.getvalue(), content_type="image/jpeg")
    notice = services.create_notice(by=world.andy, village=world.village_a, kind="finance", data=FINANCE,
                                    receipts=[upload])
    with notice.receipts.get().file.open("rb") as handle, Image.open(handle) as stored:
        assert not stored.getexif()


def test_a_correction_may_add_a_receipt_and_the_history_says_so(world, spending):
    services.correct_notice(spending, by=world.andy, data=FINANCE, reason="Receipt found",
                            receipts=[png_upload("r.png")])
    assert spending.receipts.get().version_number == 2
    body = client_for().get(reverse("disclosure:notice", args=[world.village_a.code, spending.pk])).content.decode()
    assert "1 receipt added" in body


def test_receipts_belong_to_finance_entries_only(world):
    with pytest.raises(ValidationError, match="Receipts belong to finance entries"):
        services.create_notice(by=world.andy, village=world.village_a, kind="notice", data={"title": "x"},
                               receipts=[png_upload()])
    assert not Notice.objects.exists()


# Questions


def test_a_resident_asks_and_staff_answer_in_public_with_her_name_masked(world, spending):
    client = client_for(world.alice)
    url = reverse("disclosure:ask", args=[world.village_a.code, spending.pk])
    assert client.post(url, {"text": "Why twelve lamps?"}).status_code == 302
    question = Question.objects.get()
    services.answer_question(question, by=world.tom, text="One for each lane.")
    body = client_for().get(reverse("disclosure:notice", args=[world.village_a.code, spending.pk])).content.decode()
    assert "王**" in body and "王秀英" not in body
    assert "Why twelve lamps?" in body and "One for each lane." in body
    assert AuditEntry.objects.filter(action="disclosure.question_answered").exists()


def test_staff_of_another_village_cannot_answer(world, spending):
    question = services.ask_question(spending, by=world.alice, text="Who installed them?")
    with pytest.raises(PermissionDenied):
        services.answer_question(question, by=world.oscar, text="Not telling")
    response = client_for(world.oscar).post(reverse("disclosure:desk_answer", args=[question.pk]), {"text": "x"})
    assert response.status_code == 404
    assert Question.objects.get().answer == ""


def test_a_visitor_must_log_in_to_ask(world, spending):
    response = client_for().post(reverse("disclosure:ask", args=[world.village_a.code, spending.pk]), {"text": "?"})
    assert response.status_code == 302 and reverse("front:login") in response["Location"]
    assert not Question.objects.exists()


def test_questions_are_limited_per_day_against_floods(world, spending, settings):
    settings.DISCLOSURE_QUESTIONS_PER_DAY = 2
    services.ask_question(spending, by=world.alice, text="one")
    services.ask_question(spending, by=world.alice, text="two")
    with pytest.raises(ValidationError, match="most in one day"):
        services.ask_question(spending, by=world.alice, text="three")
    assert Question.objects.count() == 2


def test_staff_without_a_resident_record_cannot_ask_and_questions_are_kept_short(world, spending):
    with pytest.raises(PermissionDenied):
        services.ask_question(spending, by=world.andy, text="?")
    with pytest.raises(ValidationError):
        services.ask_question(spending, by=world.alice, text="x" * 501)
    assert not Question.objects.exists()


# The desk


def test_the_agent_drafts_publishes_and_corrects_from_the_desk(world):
    client = client_for(world.andy)
    response = client.post(
        reverse("disclosure:desk_new") + f"?village={world.village_a.pk}&kind=finance",
        {"village": world.village_a.pk, "kind": "finance", "title": "Seeds", "month": "2026-11",
         "direction": "spending", "amount": "300", "counterparty": "Co-op", "receipts": [png_upload()]},
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and notice.published_at is None and notice.receipts.count() == 1
    assert notice.current.month == dt.date(2026, 11, 1)
    client.post(reverse("disclosure:desk_notice", args=[notice.pk]), {"action": "publish"})
    client.post(reverse("disclosure:desk_notice", args=[notice.pk]), {
        "title": "Seeds", "month": "2026-11", "direction": "spending", "amount": "320", "counterparty": "Co-op",
        "reason": "Delivery fee",
    })
    notice.refresh_from_db()
    assert notice.is_published and notice.current.number == 2 and notice.current.amount == Decimal("320")
    assert client.get(reverse("disclosure:desk")).status_code == 200


def test_the_desk_shows_another_villages_item_as_not_found(world, spending):
    assert client_for(world.oscar).get(reverse("disclosure:desk_notice", args=[spending.pk])).status_code == 404
    assert client_for(world.tom).get(reverse("disclosure:desk_notice", args=[spending.pk])).status_code == 200
    assert client_for(world.alice).get(reverse("disclosure:desk")).status_code == 404
    assert "Road lamps" not in client_for(world.oscar).get(reverse("disclosure:desk")).content.decode()


def test_a_project_page_shows_budget_contractor_start_and_progress(world, project):
    body = client_for().get(reverse("disclosure:notice", args=[world.village_a.code, project.pk])).content.decode()
    assert "80,000.00" in body and "Well Builders Ltd" in body and "2026-09-01" in body and "40%" in body


def test_the_public_pages_are_light_and_need_no_javascript(world, spending, poll):
    for url in [reverse("disclosure:village", args=[world.village_a.code]),
                reverse("disclosure:notice", args=[world.village_a.code, spending.pk]),
                reverse("polls:village", args=[world.village_a.code]),
                reverse("polls:poll", args=[world.village_a.code, poll.pk])]:
        body = client_for(world.alice).get(url).content
        assert b"<script" not in body and len(body) < 150_000, url
        assert b'name="viewport"' in body


def test_the_admin_shows_disclosures_and_polls_but_cannot_rewrite_them(world, spending, poll):
    from xiangli.people.models import User

    admin = User.objects.create_superuser("13900000099", "pass-word-123")
    client = client_for(admin)
    for name in ["disclosure_notice", "disclosure_question", "polls_poll"]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:disclosure_notice_change", args=[spending.pk])).status_code == 200
    assert client.get(reverse("admin:polls_poll_add")).status_code == 403


def test_items_can_be_removed_with_their_versions_receipts_and_questions(world, spending, poll):
    # The demo's reset (and a removal ordered by a court) empties the tables.
    services.ask_question(spending, by=world.alice, text="?")
    Notice.objects.all().delete()
    assert not NoticeVersion.objects.exists() and not Question.objects.exists()
    from xiangli.polls.models import Poll

    Poll.objects.all().delete()
