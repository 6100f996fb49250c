"""The service list as residents see it, cached between edits.

Every visitor of a centre's page would otherwise load and render its ~86 items; the
list changes only when the admin edits an item or a centre switches one off. The
rendered list is cached under a version that any such change replaces, so a stale
list is never shown and nothing needs to know which centres an edit touched.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from xiangli.areas.models import Centre

from .models import ServiceItem

VERSION_KEY = "catalog-version"


def version() -> str:
    # A random token, not a counter: if the cache drops it, the next one cannot
    # collide with fragments cached under an earlier one.
    return str(cache.get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, None))


def changed(**kwargs: Any) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


for _model in (ServiceItem, Centre):
    post_save.connect(changed, sender=_model, dispatch_uid=f"catalog-version-save-{_model.__name__}")
    post_delete.connect(changed, sender=_model, dispatch_uid=f"catalog-version-delete-{_model.__name__}")


@receiver(m2m_changed, sender=Centre.disabled_items.through, dispatch_uid="catalog-version-disabled")
def _switched(**kwargs: Any) -> None:
    changed()
