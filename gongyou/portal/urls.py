from django.urls import path

from gongyou.portal.views import benefits, card, insurance, join, me, notices, pages, stations

app_name = "portal"
urlpatterns = [
    path("", pages.home, name="home"),
    path("privacy/", pages.privacy, name="privacy"),
    path("manifest.json", card.manifest, name="manifest"),
    path("join/", join.join, name="join"),
    path("join/done/", join.join_done, name="join_done"),
    path("join/streets/", join.streets, name="streets"),
    path("join/employers/", join.employers, name="employers"),
    path("sms/send/", join.sms_send, name="sms_send"),
    path("card/", card.card, name="card"),
    path("card/qr/", card.card_qr, name="card_qr"),
    path("verify/<str:token>/", card.verify, name="verify"),
    path("me/", me.me, name="me"),
    path("me/login/", me.login, name="login"),
    path("me/logout/", me.logout, name="logout"),
    path("me/phone/", me.phone, name="phone"),
    path("me/transfer/", me.transfer, name="transfer"),
    path("me/transfer/cancel/", me.transfer_cancel, name="transfer_cancel"),
    path("me/leave/", me.leave, name="leave"),
    path("me/withdraw-consent/", me.consent, name="consent"),
    path("me/benefits/", benefits.benefits, name="benefits"),
    path("me/appointments/", benefits.appointments, name="appointments"),
    path("me/appointments/<int:pk>/book/", benefits.appointment_book, name="appointment_book"),
    path("me/appointments/<int:pk>/cancel/", benefits.appointment_cancel, name="appointment_cancel"),
    path("me/insurance/", insurance.insurance, name="insurance"),
    path("me/notices/", notices.notices, name="notices"),
    path("me/insurance/<int:pk>/enrol/", insurance.enrol, name="insurance_enrol"),
    path("me/insurance/enrolments/<int:pk>/incident/", insurance.incident, name="incident"),
    # Service positions for workers (phone, no login needed).
    path("stations/", stations.nearest, name="stations"),
    path("stations/results/", stations.results, name="station_results"),
    path("stations/<int:pk>/", stations.station, name="station"),
    path("stations/<int:pk>/photo/", stations.photo, name="station_photo"),
    path("stations/<int:pk>/checkin/", stations.checkin, name="station_checkin"),
    path("stations/<int:pk>/feedback/", stations.feedback, name="station_feedback"),
]
