"""The city's rating scheme: weights adding up to 100, rising thresholds, positive targets,
one scheme in force; refused with a clear message and nothing saved, in the admin and out."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from xiangli.audit.models import AuditEntry
from xiangli.people.models import User
from xiangli.ratings import services
from xiangli.ratings.models import DEFAULT_SCHEME, PART_KEYS, RatingScheme, StarRating

from .conftest import TODAY


@pytest.fixture
def admin_user(db: None) -> User:
    return User.objects.create_superuser("13911112222", "pass-word-123", name="管理员")


def refusal(scheme: RatingScheme, language: str = "en") -> tuple[list[str], dict[str, list[str]]]:
    """Saving the scheme is refused: its messages, and those by field, read in the language."""
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            services.save_scheme(scheme=scheme)
        error = refused.value
        return list(error.messages), (error.message_dict if hasattr(error, "error_dict") else {})


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in DEFAULT_SCHEME.items()}
    data.update(name="2027 scheme", in_force="on", note="")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_city_starts_with_the_default_scheme_in_force(db):
    scheme = RatingScheme.objects.get(in_force=True)
    assert sum(scheme.weights().values()) == 100
    assert scheme.thresholds() == [40, 55, 70, 80, 90]
    assert services.current_scheme() == scheme


def test_a_scheme_is_made_on_first_use_if_every_scheme_has_gone(db):
    RatingScheme.objects.all().delete()
    scheme = services.current_scheme()
    assert scheme.in_force and scheme.weights()["on_time"] == DEFAULT_SCHEME["weight_on_time"]


def test_weights_that_do_not_add_up_to_100_are_refused_and_nothing_saved(db):
    messages, _ = refusal(RatingScheme(name="Greedy", in_force=True, weight_on_time=30))
    assert "The weights add up to 115; they must add up to exactly 100." in messages
    assert RatingScheme.objects.count() == 1 and RatingScheme.objects.get(in_force=True).name != "Greedy"


def test_thresholds_out_of_order_are_refused_star_by_star(db):
    _, errors = refusal(RatingScheme(name="Muddled", star_2=70, star_3=60, star_5=101))
    assert errors["star_3"] == ["The score for 3 stars (60) must be higher than for 2 (70)."]
    assert errors["star_5"] == ["A threshold is a score from 0 to 100."]
    assert not RatingScheme.objects.filter(name="Muddled").exists()


def test_targets_must_be_positive_and_weights_whole_numbers_to_100(db):
    zero = {f"weight_{k}": 0 for k in PART_KEYS}
    _, errors = refusal(RatingScheme(name="Lazy", **{**zero, "weight_policy": 105, "target_help": 0}))
    assert errors["target_help"] == ["A target must be at least 1."]
    assert errors["weight_policy"] == ["A weight is a whole number from 0 to 100."]
    assert not RatingScheme.objects.filter(name="Lazy").exists()


def test_the_refusal_is_in_chinese_by_default(db):
    messages, _ = refusal(RatingScheme(name="Greedy", weight_on_time=30), "zh-hans")
    assert messages == ["各项权重之和为 115，必须正好等于 100。"]


def test_the_scheme_in_force_cannot_just_be_switched_off(db):
    scheme = services.current_scheme()
    scheme.in_force = False
    messages, _ = refusal(scheme)
    assert "One scheme must always be in force" in messages[0]
    assert RatingScheme.objects.get(pk=scheme.pk).in_force


def test_a_scheme_put_in_force_takes_the_previous_one_out(db):
    old = services.current_scheme()
    new = services.save_scheme(scheme=RatingScheme(name="2027", in_force=True))
    assert list(RatingScheme.objects.filter(in_force=True)) == [new]
    old.refresh_from_db()
    assert not old.in_force


def test_the_admin_form_shows_the_refusal_and_saves_nothing(client, admin_user):
    client.force_login(admin_user)
    with translation.override("en"):
        page = client.post(reverse("admin:ratings_ratingscheme_add"),
                           form_data(weight_on_time=5, star_4=95), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "The weights add up to 90; they must add up to exactly 100." in body
    assert "The score for 5 stars (90) must be higher than for 4 (95)." in body
    assert RatingScheme.objects.count() == 1
    assert not AuditEntry.objects.filter(action="ratingscheme.added").exists()


def test_the_admin_puts_a_new_scheme_in_force_and_the_change_is_audited(client, admin_user):
    old = services.current_scheme()
    client.force_login(admin_user)
    response = client.post(reverse("admin:ratings_ratingscheme_add"), form_data(weight_on_time=10, weight_help=15))
    assert response.status_code == 302
    new = RatingScheme.objects.get(name="2027 scheme")
    assert new.in_force and new.weights()["help"] == 15
    old.refresh_from_db()
    assert not old.in_force
    assert AuditEntry.objects.filter(action="ratingscheme.added", object_id=str(new.pk)).exists()


def test_a_scheme_that_rated_a_quarter_keeps_its_numbers_in_the_admin(client, admin_user, q3):
    scheme = services.current_scheme()
    services.rate_quarter("2026-Q3", today=TODAY)
    assert StarRating.objects.filter(scheme=scheme).exists()
    client.force_login(admin_user)
    url = reverse("admin:ratings_ratingscheme_change", args=[scheme.pk])
    page = client.get(url).content.decode()
    assert 'name="weight_on_time"' not in page and 'name="name"' in page
    client.post(url, {"name": "Renamed", "in_force": "on", "note": "", "weight_on_time": 50})
    scheme.refresh_from_db()
    assert scheme.name == "Renamed" and scheme.weight_on_time == DEFAULT_SCHEME["weight_on_time"]


def test_every_part_has_a_weight_field(db):
    scheme = services.current_scheme()
    assert set(scheme.weights()) == set(PART_KEYS)
