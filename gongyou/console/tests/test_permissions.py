"""One permission matrix for the console: persona × url × method → status (STYLE §6).

Personas: city (city federation officer), street (徐家汇 street federation officer), other_street,
station (station union officer), agent (agent union officer, dual manager of the station union),
viewer (read-only at the street federation). Out of scope answers 404 like a missing object;
a read-only role writing answers 403; the wrong side of a transfer answers 403 (it can see it).
"""

from __future__ import annotations

import pytest

PERSONAS = ("city", "street", "other_street", "station", "agent", "viewer")
OK, FOUND, FORBIDDEN, MISSING = 200, 302, 403, 404


def street_funds(w):
    """The street federation's fund (with money) and member-service fund, and a transfer between them."""
    from gongyou.core.actors import COMMAND
    from gongyou.funds.inputs import clean_posting
    from gongyou.funds.services import ensure_account, post_transaction, record_opening_balance

    fund = ensure_account(w.street_fed, "union_street", actor=COMMAND)
    service = ensure_account(w.street_fed, "member_service", actor=COMMAND)
    record_opening_balance(fund, clean_posting({"amount_fen": 1000, "idempotency_key": "perm-open"}), actor=COMMAND)
    txn = post_transaction(fund, service, clean_posting({"amount_fen": 10}), actor=COMMAND).transaction
    return fund, service, txn


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


def reads(**overrides):
    return {**everyone(OK), **overrides}


def writes(**overrides):
    return {**everyone(FOUND), "viewer": FORBIDDEN, **overrides}


# (case id, method, url builder, POST data builder, {persona: status})
CASES = [
    ("home", "get", lambda d, w: "/console/", None, reads()),
    ("members", "get", lambda d, w: "/console/members/", None, reads()),
    ("tokens", "get", lambda d, w: "/console/tokens/", None, reads()),
    ("campaigns", "get", lambda d, w: "/console/campaigns/", None, reads()),
    ("served", "get", lambda d, w: "/console/served/", None, reads()),
    ("insurance", "get", lambda d, w: "/console/insurance/", None, reads()),
    ("handouts", "get", lambda d, w: "/console/handouts/", None, reads()),
    ("handouts-export", "get", lambda d, w: "/console/handouts/export/", None, reads()),
    ("appointments", "get", lambda d, w: "/console/appointments/", None, reads()),
    ("appointments-export", "get", lambda d, w: "/console/appointments/export/", None, reads()),
    ("bookings", "get", lambda d, w: "/console/appointments/bookings/", None, reads()),
    ("bookings-export", "get", lambda d, w: "/console/appointments/bookings/export/", None, reads()),
    ("slot-new", "post", lambda d, w: "/console/appointments/new/",
     lambda d, w: {"kind": "counselling", "place": "驿站", "starts_at": "2030-06-01T09:00", "ends_at": "2030-06-01T10:00", "capacity": "3"}, writes()),
    ("plan-new", "post", lambda d, w: "/console/insurance/new/",
     lambda d, w: {"name": "保障", "insurer": "示例", "cover_summary": "意外", "premium_yuan": "100", "union_share_yuan": "50",
                   "platform_share_yuan": "30", "worker_share_yuan": "20", "enrol_from": "2030-01-01", "enrol_until": "2030-12-31",
                   "cover_from": "2030-01-01", "cover_until": "2030-12-31"}, writes()),
    ("station", "get", lambda d, w: "/console/station/", None, reads()),
    # Looking a member up only reads (city-wide, as a card works at any station): viewers too.
    ("station-lookup", "post", lambda d, w: "/console/station/", lambda d, w: {"member_no": d.street_member.member_no}, reads()),
    ("station-position", "post", lambda d, w: "/console/station/position/", lambda d, w: {"position": ""}, writes()),
    ("served-export", "get", lambda d, w: "/console/served/export/", None, reads()),
    ("campaigns-export", "get", lambda d, w: "/console/campaigns/export/", None, reads()),
    ("campaign-new", "post", lambda d, w: "/console/campaigns/new/",
     lambda d, w: {"kind": "safety", "title": "送安全", "starts_at": "2026-06-01T09:00", "ends_at": "2026-08-31T18:00", "quota": "5"}, writes()),
    ("members-export", "get", lambda d, w: "/console/members/export/", None, reads()),
    ("member-street", "get", lambda d, w: f"/console/members/{d.street_member.member_no}/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("member-other", "get", lambda d, w: f"/console/members/{d.other_member.member_no}/", None,
     reads(street=MISSING, station=MISSING, agent=MISSING, viewer=MISSING)),
    ("member-missing", "get", lambda d, w: "/console/members/GY0000000000/", None, everyone(MISSING)),
    ("member-suspend", "post", lambda d, w: f"/console/members/{d.street_member.member_no}/suspend/", lambda d, w: {"reason": "测试"},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("member-reveal", "post", lambda d, w: f"/console/members/{d.street_member.member_no}/reveal/", lambda d, w: {"field": "phone", "reason": "核实"},
     {**writes(other_street=MISSING, station=MISSING, agent=MISSING), "city": OK, "street": OK}),
    ("member-transfer", "post", lambda d, w: f"/console/members/{d.street_member.member_no}/transfer/",
     lambda d, w: {"to_org": w.street_union_express.pk}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("applications", "get", lambda d, w: "/console/applications/", None, reads()),
    ("applications-export", "get", lambda d, w: "/console/applications/export/", None, reads()),
    ("applications-approve", "post", lambda d, w: "/console/applications/approve/", lambda d, w: {"ids": [d.applied.pk]}, writes()),
    ("transfers", "get", lambda d, w: "/console/transfers/?box=outgoing", None, reads()),
    ("transfers-export", "get", lambda d, w: "/console/transfers/export/", None, reads()),
    ("transfer-accept", "post", lambda d, w: f"/console/transfers/{d.transfer.pk}/accept/", lambda d, w: {},
     writes(other_street=FORBIDDEN, station=MISSING, agent=MISSING)),
    ("transfers-bulk-accept", "post", lambda d, w: "/console/transfers/accept/", lambda d, w: {"ids": [d.transfer.pk]}, writes()),
    # d.transfer is the member's own application: only the member may withdraw it, no staff side.
    ("transfer-cancel", "post", lambda d, w: f"/console/transfers/{d.transfer.pk}/cancel/", lambda d, w: {},
     writes(city=FORBIDDEN, street=FORBIDDEN, other_street=FORBIDDEN, station=MISSING, agent=MISSING)),
    ("bulk-transfer", "get", lambda d, w: f"/console/transfers/bulk/?enterprise={w.platform.pk}", None, reads()),
    ("orgs", "get", lambda d, w: "/console/orgs/", None, reads()),
    ("orgs-export", "get", lambda d, w: "/console/orgs/export/", None, reads()),
    ("org-street-union", "get", lambda d, w: f"/console/orgs/{w.street_union_food.pk}/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("org-station-union", "get", lambda d, w: f"/console/orgs/{w.station_union.pk}/", None, reads(other_street=MISSING)),
    ("org-children", "get", lambda d, w: f"/console/orgs/{w.street_fed.pk}/children/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("org-approval", "post", lambda d, w: f"/console/orgs/{w.street_union_express.pk}/approval/", lambda d, w: {"approval_required": "1"},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("org-create-station-union", "post", lambda d, w: f"/console/orgs/{w.street_union_express.pk}/create/",
     lambda d, w: {"kind": "station_union", "name": "漕河泾站分工会", "station": w.bare_station.pk, "second_manager": w.agent_union.pk},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("org-create-joint-union", "post", lambda d, w: f"/console/orgs/{w.street_fed.pk}/create/",
     lambda d, w: {"kind": "joint_union", "name": "联合工会", "founding_mode": "joint"},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("org-edit", "post", lambda d, w: f"/console/orgs/{w.street_union_express.pk}/edit/",
     lambda d, w: {"name": "快递工会", "founding_mode": "single", "founded_on": "2024-01-01"},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    # An empty street union in the other street: dissolving it is a write in that street's scope.
    ("org-dissolve", "post", lambda d, w: f"/console/orgs/{w.other_street_union.pk}/dissolve/", lambda d, w: {"action": "dissolve"},
     writes(street=MISSING, station=MISSING, agent=MISSING)),
    ("enterprises", "get", lambda d, w: "/console/enterprises/", None, reads()),
    ("enterprises-export", "get", lambda d, w: "/console/enterprises/export/", None, reads()),
    ("enterprise", "get", lambda d, w: f"/console/enterprises/{w.no_union_enterprise.pk}/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("enterprise-new", "get", lambda d, w: "/console/enterprises/new/", None, reads()),
    ("enterprise-edit", "post", lambda d, w: f"/console/enterprises/{w.no_union_enterprise.pk}/edit/",
     lambda d, w: {"name": "无工会快递有限公司", "industry": "express", "street": w.street.pk},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("station-new", "get", lambda d, w: "/console/stations/new/", None, reads()),
    ("stations", "get", lambda d, w: "/console/stations/", None, reads()),
    ("stations-export", "get", lambda d, w: "/console/stations/export/", None, reads()),
    ("tasks", "get", lambda d, w: "/console/tasks/", None, reads()),
    ("tasks-export", "get", lambda d, w: "/console/tasks/export/", None, reads()),
    ("task", "get", lambda d, w: f"/console/tasks/{d.task.pk}/", None, reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("task-update", "post", lambda d, w: f"/console/tasks/{d.task.pk}/", lambda d, w: {"assignee": ""},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("insight", "get", lambda d, w: "/console/insight/", None, reads()),
    ("insight-export", "get", lambda d, w: "/console/insight/?export=xlsx", None, reads()),
    ("insight-district", "get", lambda d, w: "/console/insight/?region=310104", None,
     {**everyone(MISSING), "city": OK}),
    ("insight-street", "get", lambda d, w: "/console/insight/?region=310104014", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("insight-industries", "get", lambda d, w: "/console/insight/industries/?export=xlsx", None, reads()),
    ("insight-enterprises", "get", lambda d, w: "/console/insight/enterprises/", None, reads()),
    ("insight-ranking", "get", lambda d, w: "/console/insight/ranking/?export=xlsx", None, reads()),
    ("insight-targets", "get", lambda d, w: "/console/insight/targets/", None, reads()),
    ("insight-targets-set", "post", lambda d, w: "/console/insight/targets/", lambda d, w: {"year": "2026", "t-310104-members_active": "100"},
     {**everyone(FORBIDDEN), "city": FOUND}),
    ("insight-report", "get", lambda d, w: "/console/insight/report.pdf?region=310104014&month=2026-11", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("gaps", "get", lambda d, w: "/console/gaps/", None, reads()),
    ("gaps-export", "get", lambda d, w: "/console/gaps/export/", None, reads()),
    ("gaps-stations", "get", lambda d, w: "/console/gaps/stations/", None, reads()),
    ("gaps-memberless", "get", lambda d, w: "/console/gaps/memberless/", None, reads()),
    # Only rows of the caller's own gap list count: others get "select something first" (302).
    ("gaps-found", "post", lambda d, w: "/console/gaps/found/", lambda d, w: {"enterprise": [w.no_union_enterprise.pk]}, writes()),
    ("registry", "get", lambda d, w: "/console/registry/", None, {**everyone(FORBIDDEN), "city": OK}),
    ("task-note", "post", lambda d, w: f"/console/tasks/{d.task.pk}/", lambda d, w: {"text": "已约谈企业"},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("roster", "get", lambda d, w: "/console/roster/", None, reads()),
    ("roster-template", "get", lambda d, w: "/console/roster/template/", None, reads()),
    ("roster-upload", "post", lambda d, w: "/console/roster/upload/", lambda d, w: {}, writes()),
    # Staff accounts are managed by admins only (no persona here is one); one's own password by everyone.
    ("staff", "get", lambda d, w: "/console/staff/", None, everyone(FORBIDDEN)),
    ("staff-export", "get", lambda d, w: "/console/staff/export/", None, everyone(FORBIDDEN)),
    ("staff-new", "post", lambda d, w: "/console/staff/new/",
     lambda d, w: {"username": "x1", "org": w.street_fed.pk, "role": "viewer"}, everyone(FORBIDDEN)),
    ("staff-account", "get", lambda d, w: "/console/staff/999999/", None, everyone(FORBIDDEN)),  # refused before lookup
    ("password", "get", lambda d, w: "/console/password/", None, reads()),
    ("fund-accounts", "get", lambda d, w: "/console/funds/", None, reads()),
    ("fund-accounts-export", "get", lambda d, w: "/console/funds/export/", None, reads()),
    ("fund-postings", "get", lambda d, w: f"/console/funds/{street_funds(w)[0].pk}/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-postings-export", "get", lambda d, w: f"/console/funds/{street_funds(w)[0].pk}/export/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-transfer", "get", lambda d, w: "/console/funds/transfer/", None, reads()),
    ("fund-transfer-post", "post", lambda d, w: "/console/funds/transfer/",
     lambda d, w: {"from_account": street_funds(w)[0].pk, "to_account": street_funds(w)[1].pk, "amount_fen": "5"},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-reverse", "get", lambda d, w: f"/console/funds/postings/{street_funds(w)[2].pk}/reverse/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-reverse-post", "post", lambda d, w: f"/console/funds/postings/{street_funds(w)[2].pk}/reverse/", lambda d, w: {},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-programmes", "get", lambda d, w: "/console/funds/programmes/", None, reads()),
    ("fund-programmes-export", "get", lambda d, w: "/console/funds/programmes/export/", None, reads()),
    ("fund-reports", "get", lambda d, w: "/console/funds/reports/", None, reads()),
    ("fund-reports-export", "get", lambda d, w: "/console/funds/reports/export/", None, reads()),
    ("dues-schedule", "get", lambda d, w: "/console/dues/schedule/", None, reads()),
    ("dues-schedule-set", "post", lambda d, w: "/console/dues/schedule/",
     lambda d, w: {"amount_fen": "2000", "period": "month", "effective_from": "2026-01-01"}, writes()),
    ("dues-import", "get", lambda d, w: "/console/dues/import/", None, reads()),
    ("dues-import-upload", "post", lambda d, w: "/console/dues/import/", lambda d, w: {}, {**everyone(400), "viewer": FORBIDDEN}),
    ("dues-import-errors", "get", lambda d, w: "/console/dues/import/errors/", None, everyone(MISSING)),  # nothing imported
    ("arrears", "get", lambda d, w: "/console/dues/arrears/", None, reads()),
    ("arrears-export", "get", lambda d, w: "/console/dues/arrears/export/", None, reads()),
    ("arrears-remind", "post", lambda d, w: "/console/dues/arrears/remind/", lambda d, w: {}, writes()),
    ("audit", "get", lambda d, w: "/console/audit/", None, everyone(FORBIDDEN)),
    ("audit-export", "get", lambda d, w: "/console/audit/export/", None, everyone(FORBIDDEN)),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("case", "method", "url", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_permission_matrix(client, world, personas, console_data, persona, case, method, url, data, expected):
    client.force_login(personas[persona])
    target = url(console_data, world)
    if method == "get":
        response = client.get(target)
    else:
        response = client.post(target, data(console_data, world))
    assert response.status_code == expected[persona], f"{persona} {method.upper()} {target}"


@pytest.mark.parametrize(("case", "method", "url", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_anonymous_users_are_sent_to_login(client, world, console_data, case, method, url, data, expected):
    target = url(console_data, world)
    response = client.get(target) if method == "get" else client.post(target, data(console_data, world))
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
