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
    path("open311/v2/", include("xiangli.open311.urls")),
    path("volunteers/", include("xiangli.volunteers.urls")),
    path("organisations/", include("xiangli.organisations.urls")),
    path("points/", include("xiangli.points.urls")),
    path("activities/", include("xiangli.activities.urls")),
    path("rooms/", include("xiangli.rooms.urls")),
    path("disclosure/", include("xiangli.disclosure.urls")),
    path("polls/", include("xiangli.polls.urls")),
    path("sampling/", include("xiangli.sampling.urls")),
    path("tips/", include("xiangli.tips.urls")),
    path("policies/", include("xiangli.policies.urls")),
    path("roster/", include("xiangli.roster.urls")),
    path("metrics/", include("xiangli.metrics.urls")),
    path("ratings/", include("xiangli.ratings.urls")),
    path("dispatch/", include("xiangli.dispatch.urls")),
    path("screens/", include("xiangli.screens.urls")),
    path("", include("xiangli.ops.urls")),
    path("", include("xiangli.front.urls")),
]
