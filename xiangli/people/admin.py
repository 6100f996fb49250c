
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from xiangli.audit.admin_mixin import AuditedAdmin, ShownOnlyAdmin

from .crypto import digest
from .models import PersonalDataAccess, Resident, RoleAssignment, User
from .phones import normalise_phone


class RoleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleAssignment
    raw_id_fields = ["area"]
    extra = 1


class UserCreationForm(forms.ModelForm):  # type: ignore[type-arg]
    new_phone = forms.CharField(label=_("Mobile phone"))
    password = forms.CharField(widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["name"]

    def clean_new_phone(self) -> str:
        return normalise_phone(self.cleaned_data["new_phone"], mobile_only=True)

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.phone = self.cleaned_data["new_phone"]
        user.login_digest = digest(user.phone)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ["name", "masked_phone", "is_active", "is_staff"]
    search_fields = ["name"]
    ordering = ["name"]
    list_filter = ["is_active", "is_staff", "roles__role"]
    fieldsets = [
        (None, {"fields": ["name", "password", "resident"]}),
        ("access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["name", "new_phone", "password"]})]
    add_form = UserCreationForm
    raw_id_fields = ["resident"]
    inlines = [RoleInline]
    filter_horizontal = ()


@admin.register(Resident)
class ResidentAdmin(AuditedAdmin):
    # Full ID numbers and phones are never listed here; the agent pages reveal
    # them one at a time, with a logged reason.
    list_display = ["name", "gender", "birth_date", "masked_id_number", "masked_phone", "village"]
    search_fields = ["name", "name_initials"]
    list_select_related = ["village"]
    raw_id_fields = ["village", "grid"]
    exclude = ["id_number", "phone"]
    readonly_fields = ["masked_id_number", "masked_phone"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ShownOnlyAdmin):
    list_display = ["at", "actor", "resident", "field", "reason", "ip"]
    list_select_related = ["actor", "resident"]
