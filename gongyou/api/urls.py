from django.urls import path

from gongyou.api.views import partner, stations

app_name = "api"

urlpatterns = [
    # Partners (bearer token of one enterprise).
    path("partner/roster", partner.RosterView.as_view(), name="roster"),
    path("join", partner.JoinView.as_view(), name="join"),
    path("members/<str:member_no>", partner.MemberView.as_view(), name="member"),
    # Public (no credentials).
    path("stations/nearby", stations.NearbyView.as_view(), name="nearby"),
]
