"""The public weekly preview: the page, the A4 poster and the calendar feed."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from icalendar import Calendar

from xiangli.activities import services

from .conftest import at


def week_of(when: dt.datetime) -> str:
    day = when.date()
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def test_the_weekly_preview_lists_the_week_by_day_for_anyone(world, training, client, django_assert_num_queries):
    url = reverse("activities:week", args=[world.village_a.code])
    # the centre, the week's activities with their places taken
    with django_assert_num_queries(2):
        page = client.get(url, {"week": week_of(training.start)})
    body = page.content.decode()
    assert training.title in body and "09:00–11:00" in body and "县农业农村局" in body
    assert "<script" not in body
    assert len(page.content) < 150_000


def test_the_preview_shows_nothing_personal(world, training, client):
    services.sign_up(training, by=world.alice, resident=world.alice_resident)
    body = client.get(reverse("activities:week", args=[world.village_a.code]),
                      {"week": week_of(training.start)}).content.decode()
    assert "王秀英" not in body
    assert "1" in body  # places taken, as a number


def test_another_centres_preview_does_not_show_village_a(world, training, client):
    body = client.get(reverse("activities:week", args=[world.village_b.code]),
                      {"week": week_of(training.start)}).content.decode()
    assert training.title not in body


def test_an_unknown_village_is_a_404(world, client):
    assert client.get(reverse("activities:week", args=["999"])).status_code == 404


def test_the_poster_is_an_a4_pdf(world, training, client):
    r = client.get(reverse("activities:week_pdf", args=[world.village_a.code]), {"week": week_of(training.start)})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in r.content
    assert len(r.content) < 60_000


def test_the_calendar_feed_keeps_the_time_zone(world, training, make_activity, client):
    make_activity(title="广场舞比赛", kind="sports", room=None, place="村广场", start=at(5, 19), end=at(5, 21))
    r = client.get(reverse("activities:week_ics", args=[world.village_a.code]))
    assert r["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"果树修剪技术培训", "广场舞比赛"}
    start = events["果树修剪技术培训"].decoded("dtstart")
    assert start == training.start and str(start.tzinfo) in ("Asia/Shanghai", "CST")
    assert b"TZID=Asia/Shanghai" in r.content and b"BEGIN:VTIMEZONE" in r.content
    assert events["广场舞比赛"]["location"] == "村广场"


def test_cancelled_activities_leave_the_preview(world, training, client):
    services.cancel_activity(training, by=world.andy)
    body = client.get(reverse("activities:week", args=[world.village_a.code]),
                      {"week": week_of(training.start)}).content.decode()
    assert training.title not in body


def test_my_activities_page_is_light_and_needs_no_script(world, training, client, django_assert_num_queries):
    services.sign_up(training, by=world.alice, resident=world.alice_resident)
    client.force_login(world.alice)
    client.get(reverse("activities:mine"))
    # session, user, the sign-ups with their activities
    with django_assert_num_queries(3):
        page = client.get(reverse("activities:mine"))
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body and len(page.content) < 150_000
