from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "points"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.shop, name="shop"),
    path("rewards/<int:reward_id>/redeem/", views.redeem, name="redeem"),
    path("me/", views.mine, name="mine"),
    path("me/redemptions/<int:redemption_id>/cancel/", views.cancel, name="cancel"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("desk/rewards/", views.desk_rewards, name="desk_rewards"),
    path("desk/rewards/<int:reward_id>/", views.desk_reward, name="desk_reward"),
    path("desk/handover/", views.desk_handover, name="desk_handover"),
    path("desk/accounts/", views.desk_accounts, name="desk_accounts"),
    path("desk/accounts/<int:account_id>/", views.desk_account, name="desk_account"),
    path("desk/entries/<int:entry_id>/reverse/", views.desk_reverse, name="desk_reverse"),
]

# Who may use each named URL (tests/test_permission_matrix.py requires every name here):
# PUBLIC anyone, OWN only the caller's own things, SCOPED staff within the areas they serve.
PUBLIC: set[str] = set()
OWN: set[str] = {"shop", "redeem", "mine", "cancel"}
SCOPED: set[str] = {
    "leaderboard", "desk_rewards", "desk_reward", "desk_handover", "desk_accounts", "desk_account", "desk_reverse",
}
