"""The big screen page: one per city, county, township and village, for those who may see the
area; it shows the figures without JavaScript and drills down to the areas below."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from xiangli.cases import services
from xiangli.disclosure import services as disclosure


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "area"),
    [("cheng", "city"), ("kate", "county"), ("tom", "township"), ("andy", "village_a"), ("audrey", "city")],
)
def test_each_level_has_a_screen_for_those_who_serve_it(world, busy, who, area):
    code = getattr(world, area).code
    page = as_(getattr(world, who)).get(f"/screens/{code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert getattr(world, area).display_name in body
    assert 'data-url="/screens/' + code + '/data.json"' in body


def test_the_city_screen_shows_todays_numbers_and_the_counties_ranking(world, busy):
    body = as_(world.cheng).get("/screens/410300/").content.decode()
    assert re.search(r'data-number="received">5<', body)
    assert re.search(r'data-number="open">5<', body)
    assert re.search(r'data-number="overdue">1<', body)
    # The county, as a link to its own screen (the drill-down works without JavaScript too).
    assert f'<a href="/screens/{world.county.code}/">{world.county.display_name}</a>' in body


def test_drilling_down_reaches_the_village_which_shows_its_centre(world, busy):
    client = as_(world.cheng)
    county = client.get(f"/screens/{world.county.code}/").content.decode()
    assert f'href="/screens/{world.township.code}/"' in county
    township = client.get(f"/screens/{world.township.code}/").content.decode()
    assert f'href="/screens/{world.village_a.code}/"' in township
    assert f'href="/screens/{world.village_b.code}/"' in township
    assert f'href="/screens/{world.village_d.code}/"' not in township  # another township's village
    village = client.get(f"/screens/{world.village_a.code}/").content.decode()
    assert "Centre A" in village
    assert 'id="rank-table"' not in village
    # And back up.
    assert f'href="/screens/{world.township.code}/"' in village


def test_the_screen_lists_new_and_overdue_cases_without_names(world, busy):
    body = as_(world.tom).get(f"/screens/{world.township.code}/").content.decode()
    stream = body.split('id="stream"')[1].split("</ol>")[0]
    assert stream.count("<li") == 5
    overdue = body.split('id="overdue"')[1].split("</ol>")[0]
    assert overdue.count("<li") == 1
    assert "4 days late" in overdue or "超期 4 天" in overdue
    for secret in ("王秀英", "李建国", "13800000001", world.alice_resident.id_number):
        assert secret not in body


@pytest.mark.parametrize(
    ("who", "area"),
    [("oscar", "village_a"), ("andy", "village_b"), ("dora", "township"), ("tom", "county"), ("kate", "city"),
     ("gina", "village_a"), ("alice", "village_a")],
)
def test_another_area_is_a_404(world, who, area):
    client = as_(getattr(world, who))
    assert client.get(f"/screens/{getattr(world, area).code}/").status_code == 404
    assert client.get(f"/screens/{getattr(world, area).code}/data.json").status_code == 404


def test_a_grid_or_unknown_area_has_no_screen(world):
    client = as_(world.cheng)
    assert client.get(f"/screens/{world.grid_a1.code}/").status_code == 404
    assert client.get("/screens/999999/").status_code == 404


def test_visitors_are_sent_to_log_in(world):
    page = Client().get(f"/screens/{world.city.code}/")
    assert page.status_code == 302 and page["Location"].startswith("/login/")


def test_screens_home_opens_the_widest_area_the_user_may_see(world):
    assert as_(world.kate).get("/screens/")["Location"] == f"/screens/{world.county.code}/"
    assert as_(world.andy).get("/screens/")["Location"] == f"/screens/{world.village_a.code}/"
    assert as_(world.alice).get("/screens/").status_code == 404


def test_the_page_runs_no_inline_script_and_loads_echarts_from_our_static_files(world, busy):
    page = as_(world.cheng).get("/screens/410300/")
    body = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>", body)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts), scripts
    assert 'src="/static/vendor/echarts/echarts.common.min.js"' in body
    assert 'src="/static/screens/screen.js"' in body
    assert " style=" not in body  # style-src 'self': no inline styles either
    assert "script-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_screen_speaks_the_viewers_language(world, busy, lang):
    client = as_(world.cheng)
    client.cookies["django_language"] = lang
    body = client.get("/screens/410300/").content.decode()
    with translation.override(lang):
        assert translation.pgettext("screen", "Received today") in body
    assert ('lang="zh-Hans"' in body) == (lang == "zh-hans")
    expected = "今日受理" if lang == "zh-hans" else "Received today"
    assert expected in body


def test_a_new_case_shows_on_the_page_at_once_not_after_the_next_rollup(world, busy):
    services.create_case(by=world.andy, resident=world.carl_resident, item=world.pension, channel="walk_in")
    body = as_(world.andy).get(f"/screens/{world.village_a.code}/").content.decode()
    stream = body.split('id="stream"')[1].split("</ol>")[0]
    assert stream.count("<li") == 4
    assert world.pension.name in stream
    # Received today counts it too, before the tick rolls it up.
    assert re.search(r'data-number="received">4<', body)


def test_a_question_shows_on_the_page_as_a_question_without_who_asked_or_what(world, busy):
    notice = disclosure.create_notice(by=world.andy, village=world.village_a, kind="notice",
                                      data={"title": "Road lamps", "body": "Twelve lamps"})
    disclosure.publish_notice(notice, by=world.andy)
    question = disclosure.ask_question(notice, by=world.alice, text="谁装的路灯？")
    body = as_(world.andy).get(f"/screens/{world.village_a.code}/").content.decode()
    assert "最新办件和群众提问" in body
    stream = body.split('id="stream"')[1].split("</ol>")[0]
    assert f'<li data-id="q{question.pk}" class="question">' in stream
    assert 'class="case">' in stream
    assert "Road lamps" in stream and "提问" in stream
    assert "谁装的路灯" not in body and question.asker_label not in body


def test_the_page_query_count_is_pinned(world, busy, django_assert_max_num_queries):
    client = as_(world.cheng)
    with django_assert_max_num_queries(22):
        assert client.get("/screens/410300/").status_code == 200
