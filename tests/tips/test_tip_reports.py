"""Tip reports: sending, following with code and secret, the desk's steps, identities, abuse."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from xiangli.audit.models import AuditEntry
from xiangli.notifications.models import Notification, SmsMessage
from xiangli.people.models import LoginFailure
from xiangli.tips import services
from xiangli.tips.models import IdentityLook, State, StepKind, Tip, TipPhoto, TipStep
from xiangli.workdays.calendar import add_workdays

from .conftest import Browser, gps_jpeg, script_as_jpeg

TODAY = dt.date(2026, 11, 26)  # a Thursday


def send(world, *, by=None, anonymous=True, address="10.0.0.1", photos=None, township=None, **extra):
    data = dict(category="pesticide", product="敌杀死 2.5% EC", description="Does not kill anything; smells of water.",
                seller="Li's farm shop", place="Township T market",
                bought_on=timezone.localdate(extra.get("now")) - dt.timedelta(days=3),
                township=township or world.township, anonymous=anonymous, photos=photos, address=address)
    if not anonymous:
        data.update(name="李建国", phone="13800000002")
    data.update(extra)
    return services.submit_tip(by=by, **data)


# Sending


def test_an_anonymous_report_gets_a_readable_code_and_a_secret_kept_only_as_a_hash(world, desks):
    tip, secret = send(world)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{12}", tip.code)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", secret)
    assert secret not in tip.secret_digest and len(tip.secret_digest) == 64
    assert tip.state == State.RECEIVED and tip.county == world.county
    assert tip.reporter is None and tip.reporter_name == "" and tip.reporter_phone == ""
    assert tip.accept_due == add_workdays(timezone.localdate(), services.ACCEPT_WORKDAYS)


def test_an_anonymous_report_from_a_logged_in_resident_keeps_no_link_to_her_account(world, desks):
    tip, _ = send(world, by=world.alice, anonymous=True)
    assert tip.reporter is None
    assert not AuditEntry.objects.filter(object_type="tips.tip").exists()  # the trail keeps addresses


def test_a_named_reporter_is_stored_encrypted_and_found_by_digest(world, desks):
    tip, _ = send(world, by=world.bob, anonymous=False)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_phone FROM tips_tip WHERE id = %s", [tip.pk])
        raw_name, raw_phone = cursor.fetchone()
    assert "李建国" not in raw_name and "13800000002" not in raw_phone
    tip.refresh_from_db()
    assert tip.reporter_name == "李建国" and tip.reporter_phone == "+8613800000002"
    assert tip.masked_phone == "138****0002"


def test_a_named_report_needs_a_name_and_a_real_phone_and_writes_nothing_without(world, desks):
    with pytest.raises(ValidationError) as err:
        send(world, anonymous=False, name="", phone="12345")
    assert set(err.value.error_dict) == {"name", "phone"}
    assert Tip.objects.count() == 0 and TipStep.objects.count() == 0


def test_a_report_must_name_the_goods_and_cannot_be_bought_in_the_future(world, desks):
    with pytest.raises(ValidationError) as err:
        send(world, product=" ", bought_on=timezone.localdate() + dt.timedelta(days=2), category="drugs")
    assert {"product", "bought_on", "category"} <= set(err.value.error_dict)
    assert Tip.objects.count() == 0


def test_a_photo_with_gps_comes_out_without_any_location(world, desks):
    tip, _ = send(world, photos=[gps_jpeg()])
    photo = tip.photos.get()
    with photo.file.open("rb") as handle, Image.open(handle) as img:
        exif = img.getexif()
        assert 0x8825 not in exif and not exif.get_ifd(0x8825)
        assert 0x010F not in exif


def test_a_script_named_jpg_is_refused_and_nothing_is_written(world, desks):
    with pytest.raises(ValidationError) as err:
        send(world, photos=[script_as_jpeg()])
    assert "photo.jpg is not a photo" in " ".join(err.value.messages)
    assert Tip.objects.count() == 0 and TipPhoto.objects.count() == 0


def test_an_oversized_photo_is_refused(world, desks, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as err:
        send(world, photos=[gps_jpeg()])
    assert "too large" in " ".join(err.value.messages)
    assert Tip.objects.count() == 0


def test_a_pdf_is_not_a_photo_of_the_goods(world, desks):
    from tests.conftest import pdf_upload

    with pytest.raises(ValidationError) as err:
        send(world, photos=[pdf_upload()])
    assert "photos only" in " ".join(err.value.messages)
    assert Tip.objects.count() == 0


def test_a_flood_from_one_address_is_stopped_after_the_hourly_limit(world, desks):
    for _ in range(services.TIPS_PER_ADDRESS_PER_HOUR):
        send(world, address="10.9.9.9")
    with pytest.raises(ValidationError) as err:
        send(world, address="10.9.9.9")
    assert "Too many reports" in err.value.messages[0]
    assert Tip.objects.count() == services.TIPS_PER_ADDRESS_PER_HOUR
    send(world, address="10.9.9.10")  # a neighbour's phone is not held up


def test_the_daily_limit_counts_the_whole_day(world, desks, monkeypatch):
    monkeypatch.setattr(services, "TIPS_PER_ADDRESS_PER_DAY", 2)
    earlier = timezone.now() - dt.timedelta(hours=5)
    send(world, address="10.1.1.1", now=earlier)
    send(world, address="10.1.1.1", now=earlier)
    with pytest.raises(ValidationError, match="today"):
        send(world, address="10.1.1.1")


def test_sender_addresses_are_forgotten_after_a_day(world, desks):
    tip, _ = send(world, now=timezone.now() - dt.timedelta(days=2))
    assert tip.address_digest
    assert services.forget_addresses() == 1
    tip.refresh_from_db()
    assert tip.address_digest == ""


# Following


def test_the_reporter_follows_each_step_with_code_and_secret_alone(world, desks):
    tip, secret = send(world)
    services.transition(tip, "accept", by=desks.hana)
    services.transition(tip, "investigate", by=desks.hana)
    services.transition(tip, "answer", by=desks.hana, note="The shop was fined; the batch was seized.",
                        outcome="confirmed")
    client = Browser()
    page = client.post(reverse("tips:track"), {"code": tip.display_code.lower(), "secret": secret}, follow=True)
    body = page.content.decode()
    assert page.status_code == 200
    for step in ("Received", "Accepted", "Investigation started", "Answer", "The shop was fined"):
        assert step in body
    assert "Hana" not in body  # the reporter is not told who handled it
    # Another browser without the secret is sent to the form.
    assert Browser().get(reverse("tips:followed", args=[tip.code])).status_code == 302


def test_a_rejected_report_shows_the_reason(world, desks):
    tip, secret = send(world)
    services.transition(tip, "reject", by=desks.hugo, note="Bought in another province: call its hotline.")
    assert services.follow(code=tip.code, secret=secret, address="1.2.3.4") == tip
    assert TipStep.objects.get(tip=tip, kind=StepKind.REJECTED).note.startswith("Bought in another province")


def test_a_wrong_secret_and_an_unknown_code_get_the_same_answer_and_are_counted(world, desks):
    tip, _ = send(world)
    with pytest.raises(ValidationError) as wrong:
        services.follow(code=tip.code, secret="AAAAAAAAAA", address="5.5.5.5")
    with pytest.raises(ValidationError) as unknown:
        services.follow(code="ZZZZZZZZZZZZ", secret="AAAAAAAAAA", address="5.5.5.5")
    assert wrong.value.messages == unknown.value.messages
    tip.refresh_from_db()
    assert tip.failed_lookups == 1
    assert LoginFailure.objects.count() == 4  # per code and per address, each try


def test_guessing_a_secret_cools_off_even_with_the_right_one(world, desks):
    tip, secret = send(world)
    for n in range(10):
        with pytest.raises(ValidationError):
            services.follow(code=tip.code, secret=f"WRONG{n}", address=f"7.7.7.{n}")
    with pytest.raises(ValidationError, match="wait 15 minutes"):
        services.follow(code=tip.code, secret=secret, address="8.8.8.8")
    tip.refresh_from_db()
    assert tip.failed_lookups == 10


def test_guessing_codes_from_one_address_cools_off(world, desks):
    for n in range(50):
        with pytest.raises(ValidationError):
            services.follow(code=f"ABCDEFGH{n:04d}", secret="X", address="6.6.6.6")
    tip, secret = send(world)
    with pytest.raises(ValidationError, match="wait 15 minutes"):
        services.follow(code=tip.code, secret=secret, address="6.6.6.6")
    assert services.follow(code=tip.code, secret=secret, address="6.6.6.7") == tip


def test_the_tracking_page_shows_a_clear_message_for_a_wrong_secret(world, desks):
    tip, _ = send(world)
    page = Browser().post(reverse("tips:track"), {"code": tip.code, "secret": "NOPE"})
    assert page.status_code == 200
    assert "The tracking code or the secret is not right" in page.content.decode()


def test_a_named_reporter_hears_each_step_by_text_and_finds_it_under_my_reports(world, desks):
    tip, _ = send(world, by=world.bob, anonymous=False)
    services.transition(tip, "accept", by=desks.hana)
    texts = list(SmsMessage.objects.order_by("pk").values_list("body", flat=True))
    assert len(texts) == 2 and tip.display_code in texts[1]
    client = Browser()
    client.force_login(world.bob)
    assert tip.display_code in client.get(reverse("tips:mine")).content.decode()
    assert client.get(reverse("tips:followed", args=[tip.code])).status_code == 200


def test_sending_by_the_page_shows_code_and_secret_once(world, desks):
    client = Browser(REMOTE_ADDR="10.3.3.3")
    page = client.post(reverse("tips:new"), {
        "category": "seed", "product": "玉米种子 郑单958", "description": "Half of them did not sprout.",
        "seller": "Wang's seeds", "place": "Village A crossroads", "township": world.township.pk,
        "bought_on": "2026-04-01", "anonymous": "yes", "photos": [gps_jpeg()],
    })
    assert page.status_code == 200, page.content.decode()[:2000]
    tip = Tip.objects.get()
    body = page.content.decode()
    assert tip.display_code in body
    secret = re.search(r'<code class="tip-code">([2-9A-Z]{10})</code>', body).group(1)
    assert services.follow(code=tip.code, secret=secret, address="1.1.1.1") == tip
    assert tip.photos.count() == 1


def test_the_report_form_shows_a_disguised_file_as_an_error_and_saves_nothing(world, desks):
    page = Browser().post(reverse("tips:new"), {
        "category": "seed", "product": "x", "description": "Half of them did not sprout.", "seller": "s",
        "place": "p", "township": world.township.pk, "bought_on": "2026-04-01", "anonymous": "yes",
        "photos": [script_as_jpeg()],
    })
    assert page.status_code == 200
    assert "is not a photo" in page.content.decode()
    assert Tip.objects.count() == 0


def test_public_pages_need_no_javascript(world, desks):
    client = Browser()
    for url in (reverse("tips:new"), reverse("tips:track")):
        body = client.get(url).content.decode()
        assert "<script" not in body and 'name="viewport"' in body


# The desk


def test_another_countys_desk_sees_nothing_and_gets_404(world, desks):
    tip, _ = send(world)
    client = Browser()
    client.force_login(desks.otto)
    assert tip.code not in client.get(reverse("tips:queue")).content.decode()
    assert client.get(reverse("tips:detail", args=[tip.pk])).status_code == 404
    client.post(reverse("tips:step", args=[tip.pk]), {"action": "accept"})
    assert Tip.objects.get(pk=tip.pk).state == State.RECEIVED
    for name in ("alice", "andy", "tom", "kate"):  # no desk membership: no desk
        client.force_login(getattr(world, name))
        assert client.get(reverse("tips:queue")).status_code == 404


def test_accepting_makes_the_acceptor_the_handler_with_a_feedback_deadline(world, desks):
    tip, _ = send(world)
    services.transition(tip, "accept", by=desks.hana, today=TODAY)
    tip.refresh_from_db()
    assert tip.handler == desks.hana and tip.state == State.ACCEPTED
    assert tip.feedback_due == add_workdays(TODAY, services.FEEDBACK_WORKDAYS)
    with pytest.raises(PermissionDenied):
        services.transition(tip, "investigate", by=desks.hugo)  # not his tip


def test_rejecting_needs_a_reason_and_changes_nothing_without(world, desks):
    tip, _ = send(world)
    with pytest.raises(ValidationError):
        services.transition(tip, "reject", by=desks.hana, note="  ")
    assert Tip.objects.get(pk=tip.pk).state == State.RECEIVED
    assert TipStep.objects.filter(tip=tip).count() == 1


def test_an_answer_needs_an_outcome(world, desks):
    tip, _ = send(world)
    services.transition(tip, "accept", by=desks.hana)
    with pytest.raises(ValidationError):
        services.transition(tip, "answer", by=desks.hana, note="done", outcome="")
    assert Tip.objects.get(pk=tip.pk).state == State.ACCEPTED


def test_a_stale_accept_from_a_second_handler_is_refused(world, desks):
    tip, _ = send(world)
    stale = Tip.objects.get(pk=tip.pk)
    services.transition(tip, "accept", by=desks.hana)
    with pytest.raises(ValidationError, match="Someone else"):
        services.transition(stale, "accept", by=desks.hugo)
    assert Tip.objects.get(pk=tip.pk).handler == desks.hana


def test_only_the_assigned_handler_sees_a_named_reporter_and_each_look_is_logged(world, desks):
    tip, _ = send(world, by=world.bob, anonymous=False)
    with pytest.raises(PermissionDenied):
        services.reveal_identity(tip, by=desks.hana, reason="call back")  # nobody handles it yet
    services.transition(tip, "accept", by=desks.hana)
    with pytest.raises(PermissionDenied):
        services.reveal_identity(tip, by=desks.hugo, reason="curious")
    name, phone = services.reveal_identity(tip, by=desks.hana, reason="ask for the receipt", ip="10.0.0.9")
    assert (name, phone) == ("李建国", "+8613800000002")
    look = IdentityLook.objects.get()
    assert look.actor == desks.hana and look.reason == "ask for the receipt"
    entry = AuditEntry.objects.get(action="tip.identity_revealed")
    assert entry.changes["phone"] == "138****0002"
    # Handed on: now only Hugo may look.
    services.assign(tip, by=desks.hana, to=desks.hugo)
    with pytest.raises(PermissionDenied):
        services.reveal_identity(tip, by=desks.hana, reason="again")
    services.reveal_identity(tip, by=desks.hugo, reason="follow up")
    assert IdentityLook.objects.count() == 2


def test_the_desk_page_masks_the_reporter_until_the_handler_reveals(world, desks):
    tip, _ = send(world, by=world.bob, anonymous=False)
    services.transition(tip, "accept", by=desks.hana)
    hugo, hana = Browser(), Browser()
    hugo.force_login(desks.hugo)
    hana.force_login(desks.hana)
    assert "138****0002" not in hugo.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    before = hana.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert "138****0002" in before and "李建国" not in before
    hana.post(reverse("tips:reveal", args=[tip.pk]), {"reason": "call back"})
    after = hana.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert "李建国" in after and "+8613800000002" in after
    again = hana.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert "+8613800000002" not in again  # shown once


def test_handing_on_needs_a_member_of_the_same_desk(world, desks):
    tip, _ = send(world)
    services.transition(tip, "accept", by=desks.hana)
    with pytest.raises(ValidationError):
        services.assign(tip, by=desks.hana, to=desks.otto)
    assert Tip.objects.get(pk=tip.pk).handler == desks.hana


def test_photos_are_served_to_the_desk_only(world, desks):
    tip, _ = send(world, photos=[gps_jpeg()])
    photo = tip.photos.get()
    url = reverse("tips:photo", args=[photo.pk])
    hana, otto = Browser(), Browser()
    hana.force_login(desks.hana)
    otto.force_login(desks.otto)
    response = hana.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert otto.get(url).status_code == 404
    assert Browser().get(url).status_code == 302


# Deadlines


def test_overdue_tips_are_flagged_in_the_queue(world, desks):
    late, _ = send(world, now=timezone.now() - dt.timedelta(days=20))
    fresh, _ = send(world)
    client = Browser()
    client.force_login(desks.hana)
    body = client.get(reverse("tips:queue") + "?view=overdue").content.decode()
    assert late.display_code in body and fresh.display_code not in body
    assert "1 tip overdue" in client.get(reverse("tips:queue")).content.decode()


def test_reminders_go_to_the_desk_once_a_day_and_then_to_the_handler(world, desks):
    late, _ = send(world, now=timezone.now() - dt.timedelta(days=20))
    today = timezone.localdate()
    assert services.remind_overdue(today=today) == 1
    assert services.remind_overdue(today=today) == 0  # once a day
    assert Notification.objects.filter(user=desks.hana, message_en__contains="overdue").count() == 1
    services.transition(late, "accept", by=desks.hugo, today=today - dt.timedelta(days=40))
    assert services.remind_overdue(today=today + dt.timedelta(days=1)) == 1
    # Hugo heard as a desk member, then as the handler; Hana only as a desk member.
    assert Notification.objects.filter(user=desks.hugo, message_en__contains="overdue").count() == 2
    assert Notification.objects.filter(user=desks.hana, message_en__contains="overdue").count() == 1
    assert Notification.objects.filter(user=desks.otto).count() == 0


# Statistics


def test_statistics_count_by_kind_area_and_outcome_for_supervisors(world, desks, django_assert_num_queries):
    a, _ = send(world)
    send(world, category="seed")
    other, _ = send(world, township=desks.township_l)
    services.transition(a, "accept", by=desks.hana)
    services.transition(a, "answer", by=desks.hana, note="fined", outcome="confirmed")
    client = Browser()
    client.force_login(world.kate)
    with django_assert_num_queries(8):
        body = client.get(reverse("tips:stats")).content.decode()
    assert "Pesticides" in body and "Seeds and seedlings" in body
    assert "Confirmed: the seller was dealt with" in body and "Township T" in body
    assert "Township L" not in body  # another county's
    assert other.code not in body and "李" not in body


def test_statistics_are_for_township_staff_and_above(world, desks):
    client = Browser()
    for name, status in (("alice", 404), ("andy", 404), ("tom", 200), ("cheng", 200), ("audrey", 200)):
        client.force_login(getattr(world, name))
        assert client.get(reverse("tips:stats")).status_code == status, name


@pytest.mark.parametrize("count", [1, 12])
def test_the_queue_costs_the_same_queries_for_few_or_many_tips(world, desks, django_assert_num_queries, count):
    for n in range(count):
        send(world, address=f"10.0.1.{n}")
    client = Browser()
    client.force_login(desks.hana)
    # session, account, desk areas, overdue count, the page of tips, the menu's role check
    with django_assert_num_queries(6):
        assert client.get(reverse("tips:queue")).status_code == 200


def test_handing_on_by_the_page(world, desks):
    tip, _ = send(world)
    services.transition(tip, "accept", by=desks.hana)
    client = Browser()
    client.force_login(desks.hana)
    page = client.post(reverse("tips:assign", args=[tip.pk]), {"handler": desks.hugo.pk}, follow=True)
    assert "Handed to Hugo." in page.content.decode()
    assert Tip.objects.get(pk=tip.pk).handler == desks.hugo
    refused = client.post(reverse("tips:assign", args=[tip.pk]), {"handler": "nobody"}, follow=True)
    assert "Please choose whom to hand it to." in refused.content.decode()


def test_a_new_tip_reaches_the_inbox_of_its_countys_desk_only(world, desks):
    send(world)
    assert Notification.objects.filter(user=desks.hana).count() == 1
    assert Notification.objects.filter(user=desks.hugo).count() == 1
    assert Notification.objects.filter(user=desks.otto).count() == 0


def test_the_periodic_task_reminds_and_forgets_addresses(world, desks):
    from xiangli.tips.tasks import remind_overdue_tips

    send(world, now=timezone.now() - dt.timedelta(days=20))
    result = remind_overdue_tips.enqueue()  # tests run tasks at once
    assert result.return_value == "1 overdue tips reminded, 1 sender addresses forgotten"
