"""Resident pages: browse, apply with photos, follow and rate — all without JavaScript."""

import pytest
from django.urls import reverse

from xiangli.cases import services
from xiangli.cases.models import Case, State

from .conftest import png_upload


def test_anyone_can_browse_the_service_list_by_category(client, world):
    page = client.get(reverse("front:centre", args=[world.village_a.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "城乡居民基本养老保险待遇领取" in body and "居民身份证换领" in body
    item = client.get(reverse("front:item", args=[world.village_a.code, "YL-001"])).content.decode()
    assert "户口簿" in item and "县社保中心" in item


def test_a_centre_can_switch_an_item_off(client, world):
    world.centre_a.disabled_items.add(world.idcard)
    body = client.get(reverse("front:centre", args=[world.village_a.code])).content.decode()
    assert "居民身份证换领" not in body
    assert client.get(reverse("front:item", args=[world.village_a.code, "HJ-001"])).status_code == 404


def test_english_visitors_read_english_names(client, world):
    body = client.get(reverse("front:item", args=[world.village_a.code, "YL-001"]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Basic pension: start receiving" in body and "Household register" in body


def test_resident_applies_online_with_a_photo_and_the_page_has_no_script(client, world):
    client.force_login(world.alice)
    url = reverse("front:apply", args=[world.village_a.code, "YL-001"])
    form = client.get(url).content.decode()
    assert "<script" not in form
    response = client.post(url, {"description": "请帮我办理", "files": [png_upload()], "idempotency_key": "k1"})
    case = Case.objects.get(resident=world.alice_resident)
    assert response.status_code == 302 and response.url == reverse("front:my_case", args=[case.pk])
    assert case.attachments.count() == 1 and case.channel == "online"
    # A double tap sends the same form again: still one case.
    client.post(url, {"description": "请帮我办理", "files": [png_upload()], "idempotency_key": "k1"})
    assert Case.objects.filter(resident=world.alice_resident).count() == 1


def test_a_disguised_upload_is_refused_with_a_message_and_nothing_is_filed(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.alice)
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    url = reverse("front:apply", args=[world.village_a.code, "YL-001"])
    response = client.post(url, {"files": [fake], "idempotency_key": "k2"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    # The refusal stands beside the file field, and the field says so to a screen reader.
    assert ('<ul class="errorlist" id="id_files_error"><li>photo.jpg is not a photo or a PDF. '
            "Please send a JPEG, PNG or PDF file.</li></ul>") in page
    field = page[page.index('name="files"'):].split(">", 1)[0]
    assert 'aria-describedby="id_files_error"' in field and 'aria-invalid="true"' in field
    assert not Case.objects.exists()


def test_item_not_open_online_has_no_apply_button_and_refuses_a_forged_post(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("front:item", args=[world.village_a.code, "HJ-001"])).content.decode()
    assert reverse("front:apply", args=[world.village_a.code, "HJ-001"]) not in page
    response = client.post(reverse("front:apply", args=[world.village_a.code, "HJ-001"]), {"idempotency_key": "x"})
    assert response.status_code == 200 and not Case.objects.exists()


def test_resident_follows_the_timeline_and_rates_the_done_case(client, world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    services.accept_case(case, by=world.andy, note="已受理")
    services.complete_case(case, by=world.andy)
    client.force_login(world.alice)
    url = reverse("front:my_case", args=[case.pk])
    page = client.get(url).content.decode()
    assert "已受理" in page and "stars" in page
    client.post(url, {"action": "rate", "stars": "4", "comment": "很快"})
    case.refresh_from_db()
    assert case.rating == 4 and case.state == State.CLOSED
    inbox = client.get(reverse("front:inbox")).content.decode()
    assert case.number in inbox


def test_a_rating_sent_without_stars_is_refused_beside_the_stars_and_nothing_is_saved(client, world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    services.accept_case(case, by=world.andy)
    services.complete_case(case, by=world.andy)
    client.force_login(world.alice)
    url = reverse("front:my_case", args=[case.pk])
    response = client.post(url, {"action": "rate", "comment": "没选星"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    # The message stands in the rating form, tied to the stars, not as a complaint about files.
    assert '<ul class="errorlist" id="id_stars_error"><li>Please choose from 1 to 5 stars.</li></ul>' in page
    assert 'aria-describedby="id_stars_error"' in page
    assert "Please choose a file." not in page and "没选星" in page  # her comment is kept for the next try
    case.refresh_from_db()
    assert case.rating is None and case.state == State.DONE


def test_a_rating_form_posted_without_its_action_rates_nothing(client, world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    services.accept_case(case, by=world.andy)
    services.complete_case(case, by=world.andy)
    client.force_login(world.alice)
    client.post(reverse("front:my_case", args=[case.pk]), {"stars": "2"})
    case.refresh_from_db()
    assert case.rating is None


def test_another_residents_case_is_a_404(client, world):
    case = services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension, channel="online")
    client.force_login(world.bob)
    assert client.get(reverse("front:my_case", args=[case.pk])).status_code == 404
    attachment = services.add_attachments(case, by=world.alice, uploads=[png_upload()])[0]
    assert client.get(reverse("front:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(world.alice)
    assert client.get(reverse("front:attachment", args=[attachment.pk])).status_code == 200


@pytest.mark.parametrize("count", [2, 9])
def test_my_cases_takes_the_same_queries_however_many_cases(client, world, django_assert_num_queries, count):
    from .factories import make_cases

    make_cases(world, world.alice_resident, count)
    client.force_login(world.alice)
    # session, user, cases
    with django_assert_num_queries(3):
        page = client.get(reverse("front:my_cases"))
    assert page.content.decode().count("state-") == count


def test_resident_pages_weigh_under_150_kb(client, world):
    client.force_login(world.alice)
    from django.contrib.staticfiles import finders

    css = len(open(finders.find("css/xiangli.css"), "rb").read())
    for url in [reverse("front:centre", args=[world.village_a.code]),
                reverse("front:item", args=[world.village_a.code, "YL-001"]),
                reverse("front:apply", args=[world.village_a.code, "YL-001"])]:
        page = client.get(url)
        assert b"<script" not in page.content
        assert len(page.content) + css < 150 * 1024


def test_password_login_with_phone_and_wrong_password_message(client, world):
    bad = client.post(reverse("front:login"), {"kind": "password", "phone": "138 0000 0001", "password": "nope"})
    assert "密码" in bad.content.decode()
    good = client.post(reverse("front:login"), {"kind": "password", "phone": "138 0000 0001",
                                                  "password": "pass-word-123"})
    assert good.status_code == 302


def test_the_centre_page_publishes_its_at_most_one_trip_share(client, world):
    from django.core.cache import cache

    from .factories import make_cases

    cases = make_cases(world, world.carl_resident, 4, by=world.andy)  # walk-ins: one trip each
    for case in cases:
        if case.state == State.SUBMITTED:
            services.accept_case(case, by=world.andy)
        services.complete_case(case, by=world.andy)
    services.record_visit(cases[0], by=world.andy)  # a second trip for one of them
    cache.clear()
    page = client.get(reverse("front:centre", args=[world.village_a.code])).content.decode()
    assert "75%" in page  # 3 of 4 finished cases took at most one trip
    assert "100%" in page  # all on time
    stats = Case.objects.filter(centre=world.centre_b).performance()
    assert stats["finished"] == 0 and stats["one_trip_share"] is None


def test_every_id_on_the_login_page_is_unique_so_labels_point_at_one_field(client, world):
    import re

    page = client.get(reverse("front:login")).content.decode()
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert target in ids


def test_login_by_sms_code_from_the_page(client, world):
    from xiangli.notifications.models import SmsMessage

    client.post(reverse("front:login"), {"kind": "send_code", "phone": "13800000001"})
    body = SmsMessage.objects.get().body
    import re

    code = re.search(r"\d{6}", body).group()
    response = client.post(reverse("front:login"), {"kind": "code", "phone": "13800000001", "code": code})
    assert response.status_code == 302
    assert client.get(reverse("front:my_cases")).status_code == 200


def test_the_cached_service_list_changes_as_soon_as_an_item_is_switched_off_or_renamed(client, world):
    url = reverse("front:centre", args=[world.village_a.code])
    assert world.pension.name_zh in client.get(url).content.decode()
    world.centre_a.disabled_items.add(world.pension)
    assert world.pension.name_zh not in client.get(url).content.decode()
    world.centre_a.disabled_items.remove(world.pension)
    world.pension.name_zh = "城乡居民养老保险待遇申领（新）"
    world.pension.save()
    assert "城乡居民养老保险待遇申领（新）" in client.get(url).content.decode()


def test_a_missing_page_answers_in_the_visitors_language_with_the_sites_own_page(client, settings, world):
    settings.DEBUG = False
    zh = client.get("/c/no-such-village/")
    assert zh.status_code == 404
    assert "页面不存在" in zh.content.decode() and 'lang="zh-Hans"' in zh.content.decode()
    en = client.get("/c/no-such-village/", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 404 and "Page not found" in en.content.decode()


def test_the_error_page_renders_without_a_request_or_the_database():
    from django.template.loader import render_to_string
    from django.utils import translation

    # The handler renders in the language the failing request had activated.
    with translation.override("zh-hans"):
        page = render_to_string("500.html")
    assert "出错了" in page and "xiangli.css" in page
    with translation.override("en"):
        assert "Something went wrong" in render_to_string("500.html")
