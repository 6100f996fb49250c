"""The JSON API at /api/v1/: one NinjaAPI, one error shape, the same actions as the pages."""

from __future__ import annotations

from ninja import NinjaAPI

from . import errors, views_auth, views_cases, views_catalog, views_residents
from .auth import bearer, session

api = NinjaAPI(
    title="Xiangli API",
    version="1",
    description=(
        "Log in with `POST /tokens` and send `Authorization: Bearer <token>`, or use the site's "
        "session cookie (with the CSRF token on POST). Every error answers "
        '`{"error": {"code", "message", "fields"}}`, the message in the language of `Accept-Language`.'
    ),
    urls_namespace="api",
    # Swagger UI would load its scripts from a CDN (ninja is not an installed app
    # here, so its bundled copy is not served); the document itself is enough.
    docs_url=None,
    auth=[bearer, session],
)
errors.install(api)

api.add_router("", views_auth.router)
api.add_router("", views_catalog.router)
api.add_router("", views_cases.router)
api.add_router("", views_residents.router)
