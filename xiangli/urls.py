from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # The admin logs in through Xiangli's own login, which asks staff for their second factor.
    path("admin/login/", RedirectView.as_view(url="/login/", query_string=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("xiangli.api.urls")),
    path("audit/", include("xiangli.audit.urls")),
    path("", include("xiangli.front.urls")),
]
