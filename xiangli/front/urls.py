from django.urls import path

from . import views_account, views_auth, views_desk, views_mydata, views_resident

app_name = "front"
urlpatterns = [
    path("", views_resident.home, name="home"),
    path("login/", views_auth.login_page, name="login"),
    path("login/otp/", views_auth.login_otp, name="login_otp"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("account/", views_account.account, name="account"),
    path("account/sessions/<int:session_id>/end/", views_account.end_session, name="end_session"),
    path("c/<str:code>/", views_resident.centre, name="centre"),
    path("c/<str:code>/items/<str:item_code>/", views_resident.item, name="item"),
    path("c/<str:code>/items/<str:item_code>/apply/", views_resident.apply, name="apply"),
    path("me/", views_resident.mine, name="mine"),
    path("me/cases/", views_resident.my_cases, name="my_cases"),
    path("me/cases/<int:case_id>/", views_resident.my_case, name="my_case"),
    path("me/data/", views_mydata.my_data, name="my_data"),
    path("me/data.json", views_mydata.my_data_json, name="my_data_json"),
    path("inbox/", views_resident.inbox, name="inbox"),
    path("files/<int:attachment_id>/", views_resident.attachment, name="attachment"),
    path("desk/", views_desk.queue, name="desk"),
    path("desk/find/", views_desk.find_resident, name="desk_find"),
    path("desk/residents/new/", views_desk.new_resident, name="desk_new_resident"),
    path("desk/residents/<int:resident_id>/new-case/", views_desk.new_case, name="desk_new_case"),
    path("desk/cases/<int:case_id>/", views_desk.case_detail, name="desk_case"),
    path("desk/cases/<int:case_id>/step/", views_desk.case_step, name="desk_step"),
    path("desk/cases/<int:case_id>/reveal/", views_desk.case_reveal, name="desk_reveal"),
]
