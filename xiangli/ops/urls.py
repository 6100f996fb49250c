from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("health/", views.health_view, name="health"),
    path("metrics", views.metrics_view, name="metrics"),
]

# No user data behind either: /health/ is for load balancers, /metrics answers
# only to allowed addresses or a token (METRICS_ALLOWED_ADDRESSES, METRICS_TOKEN).
PUBLIC = {"health", "metrics"}
OWN: set[str] = set()
SCOPED: set[str] = set()
