from django.urls import path, re_path

from .api import api
from .errors import unknown_path

urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<path>.*)$", unknown_path),
]
