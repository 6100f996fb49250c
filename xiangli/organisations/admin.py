from django.contrib import admin

from xiangli.audit.admin_mixin import AuditedAdmin

from .models import Membership, OrgActivity, Organisation


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    raw_id_fields = ["resident"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "village", "leader", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["village", "leader"]
    inlines = [MembershipInline]


@admin.register(OrgActivity)
class OrgActivityAdmin(AuditedAdmin):
    list_display = ["held_on", "organisation", "title", "participants"]
    raw_id_fields = ["organisation", "logged_by"]
