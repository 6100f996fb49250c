"""Sending an uploaded file once the view has decided who may see it.

Behind nginx (MEDIA_ACCEL_REDIRECT=/protected-media/, see deploy/nginx.conf) the app
only answers with `X-Accel-Redirect` and nginx sends the bytes from its internal
location, so a slow phone downloading a photo does not hold an app worker. Without
it (the embedded default, the tests) the app streams the file itself.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase


def file_response(
    file: FieldFile, *, content_type: str, filename: str, cache_control: str = "private, no-store"
) -> HttpResponseBase:
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    response: HttpResponseBase
    if prefix:
        if not file.name or not file.storage.exists(file.name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
    else:
        try:
            response = FileResponse(file.open("rb"), content_type=content_type)
        except FileNotFoundError:
            raise Http404 from None
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = cache_control
    # Never sniffed into another type by the browser (an "image" that is really HTML).
    response["X-Content-Type-Options"] = "nosniff"
    return response
