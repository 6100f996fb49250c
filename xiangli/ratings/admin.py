"""The city sets the rating scheme here; ratings and rated quarters are shown, never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xiangli.audit.admin_mixin import AuditedAdmin, ShownOnlyAdmin

from . import services
from .models import PART_KEYS, STARS, TARGET_PARTS, RatingRound, RatingScheme, StarRating

NUMBERS = (
    *(f"weight_{k}" for k in PART_KEYS), *(f"star_{n}" for n in STARS), *(f"target_{k}" for k in TARGET_PARTS),
)


@admin.register(RatingScheme)
class RatingSchemeAdmin(AuditedAdmin):
    """Weights, star thresholds and targets. The model's rules are checked on the form (weights add
    up to 100, thresholds rise, targets positive); nothing is saved while one is broken. A scheme
    that has rated a quarter keeps its numbers: to change them, add a new scheme."""

    list_display = ["name", "in_force", "created_at", "thresholds_shown"]
    list_filter = ["in_force"]
    fieldsets = [
        (None, {"fields": ["name", "name_en", "in_force", "note"]}),
        (_("Weights (whole numbers adding up to 100)"), {"fields": [f"weight_{k}" for k in PART_KEYS]}),
        (_("Score needed for each number of stars (0–100, rising)"), {"fields": [f"star_{n}" for n in STARS]}),
        (_("Targets per quarter"), {"fields": [f"target_{k}" for k in TARGET_PARTS]}),
    ]

    @admin.display(description=_("stars from"))
    def thresholds_shown(self, obj: RatingScheme) -> str:
        return " / ".join(str(t) for t in obj.thresholds())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.pk and StarRating.objects.filter(scheme=obj).exists():
            return NUMBERS
        return ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form has checked the rules (RatingScheme.clean); one scheme is in force at a time.
        services.retire_other_schemes(keep=obj)
        super().save_model(request, obj, form, change)




@admin.register(RatingRound)
class RatingRoundAdmin(ShownOnlyAdmin):
    list_display = ["quarter", "provisional", "last_day", "rated_at", "scheme", "centres", "seconds"]
    list_select_related = ["scheme"]


@admin.register(StarRating)
class StarRatingAdmin(ShownOnlyAdmin):
    list_display = ["quarter", "area", "stars", "score", "rank_city", "provisional"]
    list_filter = ["quarter", "stars"]
    list_select_related = ["area"]
    search_fields = ["area__code", "area__name"]
    show_full_result_count = False
