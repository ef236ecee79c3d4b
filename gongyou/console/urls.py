from django.urls import include, path, re_path

from gongyou.console.views import (
    applications,
    audit,
    auth,
    bulk,
    coverage,
    enterprises,
    home,
    insight,
    join_qr,
    member,
    members,
    orgs,
    positions,
    roster,
    tasks,
    transfers,
)

app_name = "console"
console_patterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/totp/", auth.totp_view, name="totp"),
    path("logout/", auth.logout_view, name="logout"),
    path("members/", members.member_list, name="members"),
    path("members/export/", members.member_export, name="member_export"),
    path("members/<str:member_no>/", member.member_detail, name="member"),
    path("members/<str:member_no>/reveal/", member.member_reveal, name="member_reveal"),
    path("members/<str:member_no>/transfer/", member.member_transfer, name="member_transfer"),
    path("members/<str:member_no>/<slug:action>/", member.member_action, name="member_action"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/export/", applications.application_export, name="application_export"),
    path("applications/approve/", applications.application_bulk_approve, name="application_bulk_approve"),
    path("transfers/", transfers.transfer_list, name="transfers"),
    path("transfers/export/", transfers.transfer_export, name="transfer_export"),
    path("transfers/bulk/", bulk.bulk_transfer_view, name="bulk_transfer"),
    path("transfers/accept/", transfers.transfer_bulk_accept, name="transfer_bulk_accept"),
    path("transfers/<int:pk>/<slug:decision>/", transfers.transfer_decide, name="transfer_decide"),
    path("orgs/", orgs.org_tree, name="orgs"),
    path("orgs/export/", orgs.org_export, name="org_export"),
    path("orgs/pick/", orgs.org_pick, name="org_pick"),
    path("orgs/<int:pk>/", orgs.org_detail, name="org"),
    path("orgs/<int:pk>/children/", orgs.org_children, name="org_children"),
    path("orgs/<int:pk>/create/", orgs.org_create_sub, name="org_create_sub"),
    path("orgs/<int:pk>/approval/", orgs.org_approval, name="org_approval"),
    path("orgs/<int:pk>/dissolve/", orgs.org_dissolve, name="org_dissolve"),
    path("enterprises/", enterprises.enterprise_list, name="enterprises"),
    path("enterprises/export/", enterprises.enterprise_export, name="enterprise_export"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise"),
    path("stations/", enterprises.station_list, name="stations"),
    path("stations/export/", enterprises.station_export, name="station_export"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/export/", tasks.task_export, name="task_export"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("roster/", roster.roster_home, name="roster"),
    path("roster/template/", roster.roster_template, name="roster_template"),
    path("roster/upload/", roster.roster_upload, name="roster_upload"),
    path("roster/<int:pk>/", roster.roster_import, name="roster_import"),
    path("roster/<int:pk>/progress/", roster.roster_progress, name="roster_progress"),
    path("roster/<int:pk>/rejected/", roster.roster_rejected, name="roster_rejected"),
    path("gaps/", insight.gap_list, name="gaps"),
    path("gaps/export/", insight.gap_export, name="gap_export"),
    path("gaps/found/", insight.gap_found, name="gap_found"),
    path("gaps/stations/", insight.gap_stations, name="gap_stations"),
    path("gaps/memberless/", insight.gap_memberless, name="gap_memberless"),
    path("registry/", insight.registry_home, name="registry"),
    path("registry/<int:pk>/", insight.registry_import, name="registry_import"),
    path("registry/<int:pk>/rejected/", insight.registry_rejected, name="registry_rejected"),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export/", audit.audit_export, name="audit_export"),
]

# Service positions' staff pages kept the URLs they had before the console served them.
position_patterns = [
    path("", positions.registry, name="positions"),
    path("new/", positions.create, name="position_new"),
    path("import/", positions.import_positions, name="position_import"),
    path("<int:pk>/", positions.detail, name="position"),
    path("<int:pk>/edit/", positions.edit, name="position_edit"),
    path("<int:pk>/status/", positions.set_status, name="position_status"),
    path("<int:pk>/qr.<str:fmt>", positions.qr, name="position_qr"),
    path("feedback/", positions.feedback_inbox, name="position_feedback"),
    path("feedback/<int:pk>/", positions.feedback_handle, name="position_feedback_handle"),
    path("coverage/", coverage.coverage, name="coverage"),
    path("street-points/", coverage.street_points, name="street_points"),
]

# Join QR codes and the demo SMS outbox kept their URLs beside the worker's join page.
join_patterns = [
    path("demo-sms/", join_qr.demo_sms, name="demo_sms"),
    re_path(r"^qr/(?P<kind>org|station)/(?P<pk>[0-9]+)\.(?P<fmt>png|svg|pdf|txt)$", join_qr.qr_download, name="join_qr"),
]

# Every staff page, wherever its URL lives, is a console page in the "console" namespace.
urlpatterns = [
    path("console/", include(console_patterns)),
    path("stations/manage/", include(position_patterns)),
    path("join/", include(join_patterns)),
]
