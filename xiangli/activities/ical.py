"""The centre's activities as an iCalendar feed residents can subscribe to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from icalendar import Calendar, Event

from xiangli.areas.models import Centre

from .models import Activity


def centre_calendar(centre: Centre, activities: list[Activity], *, url_for: Callable[[Activity], str],
                    host: str) -> bytes:
    """VCALENDAR with one VEVENT per activity; times keep their time zone (TZID + VTIMEZONE)."""
    cal = Calendar()
    cal.add("prodid", "-//Xiangli//activities//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", centre.name)
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    stamp = timezone.now()
    for a in activities:
        event = Event()
        event.add("uid", f"activity-{a.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", timezone.localtime(a.start))
        event.add("dtend", timezone.localtime(a.end))
        event.add("summary", a.title)
        if a.where:
            event.add("location", a.where)
        description = "\n".join(p for p in [a.get_kind_display(), a.organiser, a.audience, a.description] if p)
        event.add("description", description)
        event.add("url", url_for(a))
        event.add("last-modified", a.created_at)
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def feed_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """A subscribed feed carries the past month and the coming three."""
    return now - dt.timedelta(days=31), now + dt.timedelta(days=92)
