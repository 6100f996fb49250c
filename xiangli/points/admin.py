
from django.contrib import admin

from xiangli.audit.admin_mixin import AuditedAdmin, ShownOnlyAdmin

from .models import MonthlyTally, PointsAccount, PointsEntry, Redemption, Reward


@admin.register(PointsEntry)
class PointsEntryAdmin(ShownOnlyAdmin):
    list_display = ["created_at", "account", "kind", "points", "hours", "reason", "source", "actor"]
    list_filter = ["kind"]
    search_fields = ["reason", "source"]
    raw_id_fields = ["account", "reverses", "actor", "village"]
    show_full_result_count = False


@admin.register(PointsAccount)
class PointsAccountAdmin(ShownOnlyAdmin):
    list_display = ["resident", "village", "balance", "earned", "hours", "tasks"]
    raw_id_fields = ["resident", "village"]


@admin.register(MonthlyTally)
class MonthlyTallyAdmin(ShownOnlyAdmin):
    list_display = ["month", "village", "account", "points", "hours", "tasks"]
    raw_id_fields = ["village", "account"]


@admin.register(Redemption)
class RedemptionAdmin(ShownOnlyAdmin):
    list_display = ["created_at", "code", "reward", "account", "points", "state"]
    list_filter = ["state"]
    raw_id_fields = ["reward", "account", "handed_over_by"]


@admin.register(Reward)
class RewardAdmin(AuditedAdmin):
    list_display = ["name", "village", "price", "stock", "is_active"]
    list_filter = ["is_active"]
    raw_id_fields = ["village"]
