from django.urls import path

from gongyou.positions.views import coverage, public, staff

app_name = "positions"

urlpatterns = [
    # Worker pages (phone, no login).
    path("", public.nearest, name="nearest"),
    path("results/", public.results, name="results"),
    path("<int:pk>/", public.station, name="station"),
    path("<int:pk>/photo/", public.photo, name="photo"),
    path("<int:pk>/checkin/", public.checkin, name="checkin"),
    path("<int:pk>/feedback/", public.feedback, name="feedback"),
    # Staff pages.
    path("manage/", staff.registry, name="registry"),
    path("manage/new/", staff.create, name="create"),
    path("manage/import/", staff.import_positions, name="import"),
    path("manage/<int:pk>/", staff.detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", staff.edit, name="edit"),
    path("manage/<int:pk>/status/", staff.set_status, name="set_status"),
    path("manage/<int:pk>/qr.<str:fmt>", staff.qr, name="qr"),
    path("manage/feedback/", staff.feedback_inbox, name="feedback_inbox"),
    path("manage/feedback/<int:pk>/", staff.feedback_handle, name="feedback_handle"),
    path("manage/coverage/", coverage.coverage, name="coverage"),
    path("manage/street-points/", coverage.street_points, name="street_points"),
]
