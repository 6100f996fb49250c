"""The JSON a screen polls: today's numbers, new cases and residents' questions after its
cursor (each once), overdue cases, and the charts only when they changed; cheap, and with no
personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from xiangli.cases import services
from xiangli.cases.models import Case
from xiangli.disclosure import services as disclosure
from xiangli.disclosure.models import Question
from xiangli.screens import queries
from xiangli.screens.queries import EPOCH, FETCH_LIMIT, OVERLAP, STREAM_SIZE, Cursor

from ..factories import make_cases


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def poll(client: Client, code: str, **params: str) -> dict:
    response = client.get(f"/screens/{code}/data.json", params)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


def file_for_carl(world, item=None):
    return services.create_case(by=world.andy, resident=world.carl_resident, item=item or world.pension,
                                channel="walk_in")


def ids(data: dict) -> list[str]:
    return [c["id"] for c in data["stream"]]


LAMPS = "Road lamps on the east lane: the second batch, paid in October from the village's own funds"


def published(world, village=None, title=LAMPS):
    """A published notice of village A (or B, by its agent Oscar)."""
    village = village or world.village_a
    by = world.andy if village == world.village_a else world.oscar
    notice = disclosure.create_notice(by=by, village=village, kind="notice", data={"title": title, "body": "Details"})
    return disclosure.publish_notice(notice, by=by)


@pytest.fixture
def lamps(world):
    return published(world)


@pytest.mark.parametrize(
    ("who", "area", "received"),
    [("cheng", "city", 5), ("kate", "county", 5), ("tom", "township", 5), ("andy", "village_a", 3),
     ("oscar", "village_b", 2)],
)
def test_each_level_answers_with_its_own_numbers(world, busy, who, area, received):
    data = poll(as_(getattr(world, who)), getattr(world, area).code)
    assert data["area"]["code"] == getattr(world, area).code
    assert data["numbers"]["received"] == received
    assert data["numbers"]["open"] == received
    assert len(data["stream"]) == received
    assert data["charts"]["trend"]["received"][-1] == received
    assert len(data["charts"]["trend"]["days"]) == 30


def test_the_city_ranks_its_counties_and_a_township_its_villages(world, busy):
    city = poll(as_(world.cheng), world.city.code)["charts"]
    assert [r["code"] for r in city["ranking"]] == [world.county.code]
    township = poll(as_(world.tom), world.township.code)["charts"]
    rows = {r["code"]: r for r in township["ranking"]}
    assert set(rows) == {world.village_a.code, world.village_b.code}
    assert rows[world.village_a.code]["received"] == 3
    assert rows[world.village_a.code]["overdue"] == 1
    village = poll(as_(world.andy), world.village_a.code)["charts"]
    assert "ranking" not in village
    assert village["centre"]["name"] == "Centre A"


def test_a_new_case_appears_in_the_next_poll_after_the_cursor_and_not_twice(world, busy):
    client = as_(world.tom)
    first = poll(client, world.township.code)
    case = file_for_carl(world)
    second = poll(client, world.township.code, after=first["cursor"])
    assert ids(second) == [f"c{case.pk}"]
    assert second["stream"][0]["kind"] == "case"
    assert second["stream"][0]["village"] == world.village_a.display_name
    third = poll(client, world.township.code, after=second["cursor"])
    assert third["stream"] == []
    # Nor does the first cursor, reused, send the five older ones again.
    again = poll(client, world.township.code, after=first["cursor"])
    assert ids(again) == [f"c{case.pk}"]


def test_a_case_committed_late_is_still_sent_once(world, busy):
    """A case's row shows when its transaction commits, a little after its submitted_at:
    a poll in between must not skip it for good."""
    client = as_(world.andy)
    first = poll(client, world.village_a.code)
    case = file_for_carl(world)
    # As if it had been submitted before the first poll but committed after it.
    Case.objects.filter(pk=case.pk).update(submitted_at=timezone.now() - dt.timedelta(seconds=5))
    second = poll(client, world.village_a.code, after=first["cursor"])
    assert ids(second) == [f"c{case.pk}"]
    assert poll(client, world.village_a.code, after=second["cursor"])["stream"] == []


def test_another_areas_new_case_does_not_reach_the_screen(world, busy):
    client = as_(world.oscar)
    first = poll(client, world.village_b.code)
    file_for_carl(world)  # village A
    assert poll(client, world.village_b.code, after=first["cursor"])["stream"] == []


def test_the_stream_is_newest_first_and_capped(world):
    make_cases(world, world.alice_resident, STREAM_SIZE + 5)
    Case.objects.update(submitted_at=timezone.now() - dt.timedelta(minutes=10))
    newest = make_cases(world, world.carl_resident, 1, by=world.andy)[0]
    data = poll(as_(world.andy), world.village_a.code)
    assert len(data["stream"]) == STREAM_SIZE
    assert data["stream"][0]["id"] == f"c{newest.pk}"


def test_the_stream_looks_back_one_day_at_most(world, busy):
    old = file_for_carl(world)
    Case.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(hours=25))
    data = poll(as_(world.andy), world.village_a.code)
    assert f"c{old.pk}" not in ids(data)
    # A screen back from a long outage with a cursor of last week gets the last day only.
    week_ago = Cursor(timezone.now() - dt.timedelta(days=7)).encode()
    data = poll(as_(world.andy), world.village_a.code, after=week_ago)
    assert f"c{old.pk}" not in ids(data)
    assert len(data["stream"]) == 3


def test_the_cursor_remembers_only_the_overlap(world, busy):
    data = poll(as_(world.cheng), world.city.code)
    cursor = Cursor.parse(data["cursor"])
    assert timezone.now() - cursor.since >= OVERLAP - dt.timedelta(seconds=1)
    assert cursor.sent == {f"c{c.pk}" for c in Case.objects.all()}
    Case.objects.update(submitted_at=timezone.now() - dt.timedelta(minutes=5))
    cache.clear()
    assert Cursor.parse(poll(as_(world.cheng), world.city.code)["cursor"]).sent == frozenset()


def test_a_burst_beyond_the_fetch_moves_the_cursor_on_without_repeats(world, busy):
    first = poll(as_(world.cheng), world.city.code)
    filed = make_cases(world, world.carl_resident, FETCH_LIMIT + 5, by=world.andy)
    second = poll(as_(world.cheng), world.city.code, after=first["cursor"])
    assert len(second["stream"]) == STREAM_SIZE
    assert second["stream"][0]["id"] == f"c{filed[-1].pk}"
    third = poll(as_(world.cheng), world.city.code, after=second["cursor"])
    assert third["stream"] == []


def test_a_question_appears_in_the_next_poll_after_the_cursor_and_not_twice(world, busy, lamps):
    for who, area in (("andy", world.village_a), ("tom", world.township), ("cheng", world.city)):
        cache.clear()
        client = as_(getattr(world, who))
        first = poll(client, area.code)
        question = disclosure.ask_question(lamps, by=world.alice, text=f"Why so dear, {who}?")
        second = poll(client, area.code, after=first["cursor"])
        assert ids(second) == [f"q{question.pk}"], who
        assert poll(client, area.code, after=second["cursor"])["stream"] == []
        assert ids(poll(client, area.code, after=first["cursor"])) == [f"q{question.pk}"]


def test_a_question_shows_which_item_where_and_when_but_not_who_asked_or_what(world, lamps):
    question = disclosure.ask_question(lamps, by=world.alice, text="谁装的路灯？花了多少钱")
    data = poll(as_(world.andy), world.village_a.code)
    [row] = data["stream"]
    assert row == {
        "id": f"q{question.pk}", "kind": "question", "time": f"{timezone.localtime(question.asked_at):%H:%M}",
        "village": world.village_a.display_name, "item": LAMPS[:39] + "…", "channel": "提问",
    }
    text = json.dumps(data, ensure_ascii=False)
    for secret in ("谁装的路灯", "花了多少钱", question.asker_label, "王秀英", "13800000001"):
        assert secret not in text
    client = as_(world.andy)
    client.cookies["django_language"] = "en"
    assert poll(client, world.village_a.code)["stream"][0]["channel"] == "Question"


def test_another_villages_question_does_not_reach_the_screen(world, lamps):
    b_notice = published(world, world.village_b, title="Well repairs")
    a = disclosure.ask_question(lamps, by=world.alice, text="?")
    b = disclosure.ask_question(b_notice, by=world.bob, text="?")
    assert ids(poll(as_(world.oscar), world.village_b.code)) == [f"q{b.pk}"]
    assert ids(poll(as_(world.andy), world.village_a.code)) == [f"q{a.pk}"]
    assert set(ids(poll(as_(world.tom), world.township.code))) == {f"q{a.pk}", f"q{b.pk}"}
    assert ids(poll(as_(world.dora), world.township2.code)) == []


def test_a_question_on_an_unpublished_item_is_not_shown(world):
    draft = disclosure.create_notice(by=world.andy, village=world.village_a, kind="notice",
                                     data={"title": "Draft", "body": ""})
    # ask_question refuses this; a row written some other way still stays off the wall.
    Question.objects.create(notice=draft, asked_by=world.alice, asker_label="王**", text="?")
    assert poll(as_(world.andy), world.village_a.code)["stream"] == []
    assert poll(as_(world.cheng), world.city.code)["stream"] == []


def test_cases_and_questions_come_merged_newest_first(world, lamps):
    now = timezone.now()
    cases = make_cases(world, world.carl_resident, 3, by=world.andy)
    asked = [disclosure.ask_question(lamps, by=world.alice, text=str(n)) for n in range(3)]
    # c0 q0 c1 q1 c2 q2, a minute apart, the newest last.
    for n, (case, question) in enumerate(zip(cases, asked, strict=True)):
        Case.objects.filter(pk=case.pk).update(submitted_at=now - dt.timedelta(minutes=10 - 2 * n))
        Question.objects.filter(pk=question.pk).update(asked_at=now - dt.timedelta(minutes=9 - 2 * n))
    data = poll(as_(world.tom), world.township.code)
    assert ids(data) == [f"q{asked[2].pk}", f"c{cases[2].pk}", f"q{asked[1].pk}", f"c{cases[1].pk}",
                         f"q{asked[0].pk}", f"c{cases[0].pk}"]
    assert [c["kind"] for c in data["stream"]] == ["question", "case"] * 3


def _at(now: dt.datetime, seconds: float) -> dt.datetime:
    return now - dt.timedelta(seconds=seconds)


def test_a_burst_of_both_kinds_moves_the_cursor_to_the_newer_of_the_fetches_oldest_rows(world, lamps, monkeypatch):
    """With fetches of 4 rows: 6 cases and 6 questions interleaved in the last 20 s. The
    cursor moves to the newer of the two oldest rows read (a question's), every row read
    after it is remembered, and the next poll sends none of them again."""
    monkeypatch.setattr(queries, "FETCH_LIMIT", 4)
    now = timezone.now()
    cases = make_cases(world, world.carl_resident, 6, by=world.andy)
    asked = Question.objects.bulk_create(
        Question(notice=lamps, asked_by=world.alice, asker_label="王**", text=str(n)) for n in range(6)
    )
    for n in range(6):  # case n at now-20+2n s, question n one second after it
        Case.objects.filter(pk=cases[n].pk).update(submitted_at=_at(now, 20 - 2 * n))
        Question.objects.filter(pk=asked[n].pk).update(asked_at=_at(now, 19 - 2 * n))
    since = Cursor(now - dt.timedelta(minutes=5))
    items, cursor = queries.new_events(world.village_a, since, now=now)
    # Read: cases 5..2 (the oldest at -16 s), questions 5..2 (the oldest at -15 s).
    assert [i["id"] for i in items] == [k for n in (5, 4, 3, 2) for k in (f"q{asked[n].pk}", f"c{cases[n].pk}")]
    assert cursor.since == _at(now, 15)
    assert cursor.sent == {f"{k}{o.pk}" for n in (5, 4, 3) for k, o in (("q", asked[n]), ("c", cases[n]))}
    assert Cursor.parse(cursor.encode()) == cursor
    later = now + dt.timedelta(seconds=1)
    assert queries.new_events(world.village_a, cursor, now=later)[0] == []
    # What comes next is sent, alone.
    question = Question.objects.create(notice=lamps, asked_by=world.alice, asker_label="王**", text="?")
    assert [i["id"] for i in queries.new_events(world.village_a, cursor, now=later)[0]] == [f"q{question.pk}"]


def test_a_burst_of_questions_beyond_the_fetch_moves_the_cursor_on_without_repeats(world, busy, lamps):
    first = poll(as_(world.cheng), world.city.code)
    case = file_for_carl(world)
    asked = Question.objects.bulk_create(
        Question(notice=lamps, asked_by=world.alice, asker_label="王**", text=str(n), asked_at=timezone.now())
        for n in range(FETCH_LIMIT + 5)
    )
    second = poll(as_(world.cheng), world.city.code, after=first["cursor"])
    assert len(second["stream"]) == STREAM_SIZE
    assert second["stream"][0]["id"] == f"q{asked[-1].pk}"
    assert len(second["cursor"].split(":")[1].split(",")) <= 2 * FETCH_LIMIT
    third = poll(as_(world.cheng), world.city.code, after=second["cursor"])
    assert third["stream"] == []
    assert f"c{case.pk}" not in ids(third)


def test_a_cursor_of_before_questions_is_still_taken(world, busy):
    """Screens running through the upgrade send bare case ids: they go on without a reset."""
    client = as_(world.andy)
    first = Cursor.parse(poll(client, world.village_a.code)["cursor"])
    us = (first.since - EPOCH) // dt.timedelta(microseconds=1)
    old_form = f"{us}:" + ",".join(k[1:] for k in sorted(first.sent))
    assert Cursor.parse(old_form) == first
    case = file_for_carl(world)
    assert ids(poll(client, world.village_a.code, after=old_form)) == [f"c{case.pk}"]
    assert Cursor.parse(f"{us}:7,0012") == Cursor(first.since, frozenset({"c7", "c12"}))


def test_a_cursor_holds_a_full_fetch_of_each_kind(world):
    since = timezone.now() - dt.timedelta(seconds=30)
    sent = frozenset({f"c{n}" for n in range(1, FETCH_LIMIT + 1)} | {f"q{n}" for n in range(1, FETCH_LIMIT + 1)})
    text = Cursor(since, sent).encode()
    assert text.split(":")[1].startswith("c1,c2,")
    assert Cursor.parse(text) == Cursor(since, sent)
    response = as_(world.cheng).get(f"/screens/{world.city.code}/data.json", {"after": text})
    assert response.status_code == 200


def test_overdue_cases_come_oldest_due_first(world, busy):
    today = timezone.localdate()
    later = busy["a"][1]
    earlier = make_cases(world, world.carl_resident, 2, by=world.andy)[1]  # the second one is accepted
    Case.objects.filter(pk=earlier.pk).update(due_on=today - dt.timedelta(days=9))
    data = poll(as_(world.andy), world.village_a.code)
    assert [c["id"] for c in data["overdue"]] == [earlier.pk, later.pk]
    assert data["overdue"][0]["late"] == "超期 9 天"


def test_charts_are_sent_only_when_they_changed(world, busy):
    client = as_(world.kate)
    first = poll(client, world.county.code)
    assert "charts" in first
    same = poll(client, world.county.code, after=first["cursor"], charts=first["charts_version"])
    assert "charts" not in same
    assert same["charts_version"] == first["charts_version"]


def test_no_personal_data_in_the_json(world, busy):
    Case.objects.filter(resident=world.alice_resident).update(description="王秀英 13800000001 住在东头")
    text = json.dumps(poll(as_(world.cheng), world.city.code), ensure_ascii=False)
    for secret in ("王秀英", "李建国", "13800000001", "13800000002", "东头",
                   world.alice_resident.id_number, world.bob_resident.id_number):
        assert secret not in text
    assert "resident" not in text and "phone" not in text


# Test ids are the reasons, not the cursors: a cursor made from the clock differs between the
# parallel workers' collections, which pytest-xdist refuses.
BAD_CURSORS = [
    ("", "empty"), ("abc", "not a number"), ("123:x", "ids not numbers"), ("1" * 18, "too long"),
    ("-5", "negative"), ("123:1,,2", "empty id"),
    (str(int((timezone.now() + dt.timedelta(days=1)).timestamp() * 1_000_000)), "in the future"),
    ("1:" + ",".join(["1"] * (FETCH_LIMIT + 1)), "too many ids"),
    ("1:" + ",".join(["c1"] * (2 * FETCH_LIMIT + 1)), "too many ids of both kinds"),
    ("123:x1", "unknown kind"), ("123:c", "a kind without an id"), ("123:c1,2", "old and new ids mixed"),
    ("123:C1", "kind in capitals"), ("123:c" + "1" * 13, "id too long"), ("123:c1,", "trailing comma"),
]


@pytest.mark.parametrize(("cursor", "why"), BAD_CURSORS, ids=[why for _, why in BAD_CURSORS])
def test_a_bad_cursor_is_a_400_with_a_clear_message(world, cursor, why):
    response = as_(world.cheng).get(f"/screens/{world.city.code}/data.json", {"after": cursor})
    assert response.status_code == 400, why
    error = response.json()["error"]
    assert error["code"] == "bad_cursor"
    assert error["message"] == "无法识别大屏的数据位置，请刷新页面。"


def test_the_error_speaks_english_to_an_english_screen(world):
    client = as_(world.cheng)
    client.cookies["django_language"] = "en"
    error = client.get(f"/screens/{world.city.code}/data.json", {"after": "x"}).json()["error"]
    assert error["message"] == "This screen's position in the stream was not understood; reload the page."


def test_visitors_get_a_401_in_json(world):
    response = Client().get(f"/screens/{world.city.code}/data.json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_logged_in"


def test_another_area_is_a_404_in_json(world):
    response = as_(world.oscar).get(f"/screens/{world.village_a.code}/data.json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_query_counts_are_pinned(world, busy, django_assert_num_queries):
    client = as_(world.cheng)
    # Cold: session, user, roles, area; new cases, new questions; today, month, standing, last
    # rollup, since the rollup; overdue; trend; children, their sums, their standing.
    with django_assert_num_queries(16):
        first = poll(client, world.city.code)
    # Warm (what nearly every poll is): the figures come from the cache.
    with django_assert_num_queries(6):
        poll(client, world.city.code, after=first["cursor"], charts=first["charts_version"])


def test_query_counts_do_not_grow_with_the_cases_or_questions(world, busy, lamps, django_assert_num_queries):
    make_cases(world, world.carl_resident, 40, by=world.andy)
    Question.objects.bulk_create(
        Question(notice=published(world, title=f"Notice {n}"), asked_by=world.alice, asker_label="王**", text="?")
        for n in range(10)
    )
    client = as_(world.tom)
    with django_assert_num_queries(16):
        data = poll(client, world.township.code)
    assert len(data["stream"]) == STREAM_SIZE
    assert {c["kind"] for c in data["stream"]} == {"case", "question"}
