"""The audit trail: who changed what, when, and from where. Written once, never edited.

The app refuses to update or delete an entry (the model, its queryset and the
admin all say no); on PostgreSQL a trigger refuses it too, except for the
retention purge (`manage.py purge_audit`), which may only remove entries older
than the legal minimum of six months (Cybersecurity Law, art. 21).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangli.people.models import User

# Cybersecurity Law art. 21: network logs kept no less than six months.
MINIMUM_RETENTION_DAYS = 183


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry through the app."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit trail is append-only.")

    def visible_to(self, user: Any) -> AuditEntryQuerySet:
        """Entries of the areas the user audits (all, for a superuser; none, for anyone else).

        Entries with no area (the service list, the calendar, accounts without a
        role) are settings of the whole deployment: auditors of a city see them.
        """
        from xiangli.people import scope
        from xiangli.people.models import Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        paths = scope.paths_for(user, {Role.AUDITOR})
        if not paths:
            return self.none()
        query = scope.under(paths)
        if any(path.count("/") == 2 for path in paths):  # "/410300/": a city, the top of the tree
            query |= models.Q(area_path="")
        return self.filter(query)


class AuditEntry(models.Model):
    """One change: the actor, the time, the action, the object, what changed and from where."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    # No database constraint and no cascade: an entry outlives the account it names,
    # and actor_label keeps who it was.
    actor = models.ForeignKey(
        User, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+", verbose_name=_("actor")
    )
    actor_label = models.CharField(_("actor name"), max_length=120, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The path of the area the object belongs to, so that auditors see their areas only.
    area_path = models.CharField(max_length=255, blank=True, default="")
    # {field: [old, new]} for changed fields, {name: value} for facts of an event;
    # ID numbers and phones only ever masked.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["area_path", "at"], name="audit_area_at",
                         opclasses=["varchar_pattern_ops", "timestamptz_ops"]),
            models.Index(fields=["action", "at"], name="audit_action_at",
                         opclasses=["varchar_pattern_ops", "timestamptz_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The audit trail is append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit trail is append-only.")

    def change_rows(self) -> list[tuple[str, Any, Any, bool]]:
        """(name, old, new, is_change) for display: a change has an old and a new value."""
        rows = []
        for name, value in (self.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                rows.append((name, value[0], value[1], True))
            else:
                rows.append((name, None, value, False))
        return rows
