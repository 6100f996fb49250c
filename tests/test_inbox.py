"""The inbox: messages in the reader's language, and files attached to a message listed
under it, named and sized in the reader's language, each a download link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from xiangli.notifications.models import Notification
from xiangli.notifications.services import attachment


def inbox(user, language: str = "zh-hans") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(reverse("front:inbox"))
    assert response.status_code == 200
    return response.content.decode()


def minutes(**sizes: int) -> dict:
    return attachment(url="/dispatch/410329101/2026-11.pdf", name_zh="十一月会议纪要.pdf",
                      name_en="November minutes.pdf", **sizes)


def test_a_message_without_attachments_reads_as_before(world):
    Notification.objects.create(user=world.tom, message_zh="请查看报告", message_en="See the report", link="/x/")
    page = inbox(world.tom)
    assert '<a href="/x/">请查看报告</a></li>' in page
    assert 'class="attached"' not in page and " download>" not in page


def test_attached_files_are_listed_under_the_message_in_the_readers_language(world):
    Notification.objects.create(user=world.tom, message_zh="会议纪要已发布", message_en="The minutes are out",
                                attachments=[minutes(bytes_zh=2048, bytes_en=3 * 1024 * 1024)])
    chinese = inbox(world.tom)
    assert '<ul class="attached" aria-label="附件">' in chinese
    assert ('<a href="/dispatch/410329101/2026-11.pdf" download><span>十一月会议纪要.pdf</span> '
            '<small>2.0\xa0KB</small></a>') in chinese
    english = inbox(world.tom, "en")
    assert '<ul class="attached" aria-label="Attachments">' in english
    assert "<span>November minutes.pdf</span> <small>3.0\xa0MB</small>" in english
    assert "十一月" not in english


def test_a_residents_inbox_shows_attachments_too(world):
    Notification.objects.create(resident=world.alice_resident, message_zh="通知", message_en="Notice",
                                attachments=[minutes()])
    assert "<span>十一月会议纪要.pdf</span> <small>0\xa0字节</small>" in inbox(world.alice)


@pytest.mark.parametrize(("fields", "problem"), [
    ({"url": ""}, "path on this site"),
    ({"url": "https://example.org/x.pdf"}, "path on this site"),
    ({"url": "//example.org/x.pdf"}, "path on this site"),
    ({"url": "/\\example.org/x.pdf"}, "path on this site"),
    ({"name_zh": " "}, "a name in each language"),
    ({"name_en": ""}, "a name in each language"),
    ({"bytes_zh": -1}, "whole numbers of bytes"),
    ({"bytes_en": "12"}, "whole numbers of bytes"),
    ({"bytes_en": True}, "whole numbers of bytes"),
], ids=["no-url", "other-site", "scheme-relative", "backslash-host", "blank-chinese-name", "no-english-name",
        "negative-size", "size-as-text", "size-as-boolean"])
def test_the_attachment_builder_refuses_a_bad_entry(fields, problem):
    good = {"url": "/dispatch/410300/2026-11.xlsx", "name_zh": "报告.xlsx", "name_en": "Report.xlsx"}
    with pytest.raises(ValueError, match=problem):
        attachment(**{**good, **fields})


def test_an_inbox_of_twenty_messages_with_files_costs_4_queries(world, django_assert_num_queries):
    Notification.objects.bulk_create(
        Notification(user=world.tom, message_zh=f"消息{i}", message_en=f"Message {i}",
                     attachments=[minutes(bytes_zh=i, bytes_en=i)] * 2) for i in range(20))
    client = Client()
    client.force_login(world.tom)
    # session, user, the messages, marking them read; the files live on each message's row.
    with django_assert_num_queries(4):
        page = client.get(reverse("front:inbox")).content.decode()
    assert page.count(" download>") == 40
