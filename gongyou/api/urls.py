from django.urls import path

from gongyou.partners import api

app_name = "partners"

urlpatterns = [
    path("partner/roster", api.RosterView.as_view(), name="roster"),
    path("join", api.JoinView.as_view(), name="join"),
    path("members/<str:member_no>", api.MemberView.as_view(), name="member"),
]
