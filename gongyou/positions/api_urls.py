from django.urls import path

from gongyou.positions import api

app_name = "positions_api"

urlpatterns = [
    path("stations/nearby", api.NearbyView.as_view(), name="nearby"),
]
