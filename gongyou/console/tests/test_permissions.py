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


def street_programme(w):
    """A programme of the street federation with a budget line out of its fund."""
    from gongyou.core.actors import COMMAND
    from gongyou.funds.services import create_programme, set_budget

    fund = street_funds(w)[0]
    programme = create_programme(w.street_fed, "夏日送清凉", actor=COMMAND)
    set_budget(programme, fund, 500, actor=COMMAND)
    return programme, fund


def city_dues(d):
    """The city's dues schedule; returns the street member's number."""
    import datetime as dt

    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Region
    from gongyou.funds.dues import set_dues_schedule

    set_dues_schedule(Region.objects.get(code="310000"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND)
    return d.street_member.member_no
def street_campaign(w):
    """A campaign organised by the street federation and a service position under it (once)."""
    from gongyou.benefits.inputs import clean_campaign
    from gongyou.benefits.models import Campaign
    from gongyou.benefits.services import create_campaign
    from gongyou.benefits.tests.conftest import campaign_data
    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Region
    from gongyou.positions.inputs import clean_position
    from gongyou.positions.models import ServicePosition
    from gongyou.positions.services import create_position
    from gongyou.positions.tests.conftest import position_data

    campaign = Campaign.objects.filter(title="权限矩阵活动").first() or create_campaign(
        clean_campaign(campaign_data(title="权限矩阵活动", quota=10)), org=w.street_fed, actor=COMMAND
    )
    position = ServicePosition.objects.filter(name="权限矩阵阵地").first() or create_position(
        clean_position(
            position_data(w.street_fed, w.street, name="权限矩阵阵地"),
            orgs={str(w.street_fed.pk): w.street_fed},
            streets={r.code: r for r in Region.objects.filter(level=Region.Level.STREET)},
        ),
        actor=COMMAND,
    )
    return campaign, position


def incident_photo_url(d, w):
    """A photo of an incident reported by the street member under the street federation's plan."""
    from gongyou.benefits.inputs import check_photo, clean_plan
    from gongyou.benefits.insurance import create_plan, enrol_member, report_incident, set_plan_status
    from gongyou.benefits.photos import store_incident_photo
    from gongyou.benefits.tests.test_services_and_served import plan_data, roster
    from gongyou.core.actors import COMMAND, Actor

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    plan = set_plan_status(create_plan(clean_plan(plan_data()), org=w.street_fed, actor=COMMAND), "open", actor=COMMAND)
    roster(w, d.street_member, 1)
    enrolment = enrol_member(plan, d.street_member, channel="staff", actor=COMMAND)
    photo = check_photo("a.png", len(png), png[:16], png)
    incident = report_incident(enrolment, occurred_at=enrolment.enrolled_at, place="漕溪北路", description="摔伤", photos=[photo], actor=Actor.worker())
    store_incident_photo(photo, png)
    return f"/console/insurance/incidents/{incident.pk}/photos/{incident.photos.get().pk}/"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Incident photos are written under VAR_DIR: a fresh one per test."""
    settings.VAR_DIR = tmp_path


def voice(w):
    """A meeting of the street federation with an open item, its signed agreement, a notice it
    sent to every org below it and a report the station union sent up (built once per world)."""
    if getattr(w, "_voice", None) is None:
        from gongyou.core.actors import COMMAND
        from gongyou.core.models import Enterprise
        from gongyou.voice.inputs import clean_agreement, clean_item, clean_notice, clean_report
        from gongyou.voice.services import add_action_item, create_agreement, send_notice, send_report
        from gongyou.voice.tests.conftest import make_meeting

        meeting = make_meeting(w.street_fed)
        item = add_action_item(meeting, clean_item({"title": "事项", "due_on": "2026-04-01"}), owner=meeting.parties.first(), actor=COMMAND)
        agreement = create_agreement(w.street_fed, clean_agreement(AGREEMENT | {"region": str(w.street.pk)}, ["pay"]),
                                     Enterprise.objects.none(), actor=COMMAND)  # fmt: skip
        notice = send_notice(w.street_fed, clean_notice({"title": "通知", "body": "正文", "audience": "all"}, [], []), actor=COMMAND)
        report = send_report(w.station_union, clean_report({"title": "上报", "body": "内容"}), actor=COMMAND)
        w._voice = {"meeting": meeting, "item": item, "agreement": agreement, "notice": notice, "report": report}
    return w._voice


AGREEMENT = {"title": "工资集体协议", "kind": "industry", "industry": "food_delivery", "employer_side": "行业协会",
             "status": "signed", "signed_on": "2026-01-01", "effective_from": "2026-01-01", "workers_covered": "10"}  # fmt: skip
FIVE_PARTIES = {"party_kind": ["union", "government", "platform", "affiliate", "worker_rep"],
                "party_name": ["工会", "人社局", "平台", "代理商", "骑手代表"], "party_enterprise": [""] * 5, "party_attendees": [""] * 5}  # fmt: skip


def street_case(w, **overrides):
    """A non-member's case about the station: the street federation has it (station and agent
    unions, below or beside it, do not see it)."""
    from gongyou.cases.inputs import clean_case
    from gongyou.cases.services import submit_case
    from gongyou.core.actors import COMMAND

    data = {"type": "complaint", "name": "王五", "phone": "13800138000", "title": "扣款", "description": "超时扣款",
            "station_code": w.station.code, **overrides}
    return submit_case(clean_case(data), channel="staff", actor=COMMAND)


def street_referral(w):
    from gongyou.cases.services import accept_case, refer_case
    from gongyou.core.actors import COMMAND

    case = accept_case(street_case(w), actor=COMMAND)
    return refer_case(case, "mediation", actor=COMMAND)


def street_warning(w):
    return street_case(w, workers_involved=50).case_warnings.get()


def street_attachment(w):
    from gongyou.cases.services import attach_files
    from gongyou.core.actors import COMMAND
    from gongyou.core.uploads import CheckedFile, store_evidence

    content = b"\xff\xd8\xff\xe0 permission matrix photo"
    checked = CheckedFile("p.jpg", "image/jpeg", len(content), __import__("hashlib").sha256(content).hexdigest())
    store_evidence("case_files", checked, content)
    case = street_case(w)
    (row,) = attach_files(case, [checked], actor=COMMAND)
    return f"/console/cases/{case.case_no}/files/{row.pk}/"


def street_checkup(w):
    import datetime as dt

    from gongyou.cases.services import record_legal_checkup
    from gongyou.core.actors import COMMAND

    return record_legal_checkup(w.agent, org=w.street_fed, checked_on=dt.date(2026, 11, 1), findings="无", issues_found=0, actor=COMMAND)


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
    ("campaign", "get", lambda d, w: f"/console/campaigns/{street_campaign(w)[0].pk}/", None, reads(other_street=MISSING)),
    # Staff below the organiser see the campaign (they hand it out) but do not allocate it: 403.
    ("campaign-allocate-position", "post", lambda d, w: f"/console/campaigns/{street_campaign(w)[0].pk}/allocate/",
     lambda d, w: {"target": f"position:{street_campaign(w)[1].pk}", "quota": "1"},
     writes(other_street=MISSING, station=FORBIDDEN, agent=FORBIDDEN)),
    ("incident-photo", "get", incident_photo_url, None, reads(other_street=MISSING, station=MISSING, agent=MISSING)),
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
    # Editing a station: only one in the user's own streets (the agent and station unions have none).
    ("station-edit", "get", lambda d, w: f"/console/stations/{w.bare_station.pk}/edit/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("station-edit-post", "post", lambda d, w: f"/console/stations/{w.bare_station.pk}/edit/",
     lambda d, w: {"name": "漕河泾站", "street": w.street.pk}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("enterprise-import", "get", lambda d, w: "/console/enterprises/import/", None, reads()),
    # No file: the writers are told so on the page (400); rows outside one's streets are row errors.
    ("enterprise-import-post", "post", lambda d, w: "/console/enterprises/import/", lambda d, w: {},
     {**everyone(400), "viewer": FORBIDDEN}),
    ("enterprise-import-template", "get", lambda d, w: "/console/enterprises/import/template/?kind=stations", None, reads()),
    # The error file of one's own last upload only: none yet.
    ("enterprise-import-errors", "get", lambda d, w: "/console/enterprises/import/errors/", None, everyone(MISSING)),
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
    ("staff-role", "post", lambda d, w: "/console/staff/999999/role/", lambda d, w: {"org": w.street_fed.pk, "role": "admin"},
     everyone(FORBIDDEN)),
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
    ("fund-programme-new", "get", lambda d, w: "/console/funds/programmes/new/", None, reads()),
    ("fund-programme-new-post", "post", lambda d, w: "/console/funds/programmes/new/", lambda d, w: {"name": "夏日送清凉"}, writes()),
    ("fund-programme", "get", lambda d, w: f"/console/funds/programmes/{street_programme(w)[0].pk}/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-programme-export", "get", lambda d, w: f"/console/funds/programmes/{street_programme(w)[0].pk}/export/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-programme-budget", "post", lambda d, w: f"/console/funds/programmes/{street_programme(w)[0].pk}/budget/",
     lambda d, w: {"account": street_funds(w)[1].pk, "amount_fen": "100"}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-programme-spend", "post", lambda d, w: f"/console/funds/programmes/{street_programme(w)[0].pk}/spend/",
     lambda d, w: {"account": street_funds(w)[0].pk, "amount_fen": "5"}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("fund-reports", "get", lambda d, w: "/console/funds/reports/", None, reads()),
    ("fund-reports-export", "get", lambda d, w: "/console/funds/reports/export/", None, reads()),
    ("dues-schedule", "get", lambda d, w: "/console/dues/schedule/", None, reads()),
    ("dues-schedule-set", "post", lambda d, w: "/console/dues/schedule/",
     lambda d, w: {"amount_fen": "2000", "period": "month", "effective_from": "2026-01-01"}, writes()),
    ("dues-import", "get", lambda d, w: "/console/dues/import/", None, reads()),
    ("dues-import-upload", "post", lambda d, w: "/console/dues/import/", lambda d, w: {}, {**everyone(400), "viewer": FORBIDDEN}),
    ("dues-import-errors", "get", lambda d, w: "/console/dues/import/errors/", None, everyone(MISSING)),  # nothing imported
    ("dues-payments", "get", lambda d, w: "/console/dues/payments/", None, reads()),
    ("dues-payments-export", "get", lambda d, w: "/console/dues/payments/export/", None, reads()),
    ("dues-payment-new", "get", lambda d, w: f"/console/dues/payments/new/?member_no={city_dues(d)}", None,
     reads(other_street=400, station=400, agent=400)),  # a member number out of scope reads "not found", like a missing one
    ("dues-payment-new-post", "post", lambda d, w: "/console/dues/payments/new/",
     lambda d, w: {"member_no": city_dues(d), "amount_fen": "1000", "reference": "P-1"},
     writes(other_street=400, station=400, agent=400)),
    ("arrears", "get", lambda d, w: "/console/dues/arrears/", None, reads()),
    ("arrears-export", "get", lambda d, w: "/console/dues/arrears/export/", None, reads()),
    ("arrears-remind", "post", lambda d, w: "/console/dues/arrears/remind/", lambda d, w: {}, writes()),
    ("registry-progress", "get", lambda d, w: "/console/registry/999999/progress/", None, everyone(MISSING)),
    ("roster-progress", "get", lambda d, w: "/console/roster/999999/progress/", None, everyone(MISSING)),
    # Background jobs: the list and retries are for admins (no persona here is one); a job's own
    # page and file only for whoever started it (nobody here: missing).
    ("jobs", "get", lambda d, w: "/console/jobs/", None, everyone(FORBIDDEN)),
    ("job-retry", "post", lambda d, w: "/console/jobs/999999/retry/", lambda d, w: {}, everyone(FORBIDDEN)),
    ("job", "get", lambda d, w: "/console/jobs/999999/", None, everyone(MISSING)),
    ("job-panel", "get", lambda d, w: "/console/jobs/999999/panel/", None, everyone(MISSING)),
    ("job-download", "get", lambda d, w: "/console/jobs/999999/download/", None, everyone(MISSING)),
    ("meetings", "get", lambda d, w: "/console/consultations/", None, reads()),
    ("meetings-export", "get", lambda d, w: "/console/consultations/export/", None, reads()),
    ("meeting-new", "post", lambda d, w: "/console/consultations/new/",
     lambda d, w: {"title": "会商", "held_on": "2026-03-01", "place": "会议室", **FIVE_PARTIES}, writes()),
    ("meeting", "get", lambda d, w: f"/console/consultations/{voice(w)['meeting'].pk}/", None, reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("meeting-edit", "post", lambda d, w: f"/console/consultations/{voice(w)['meeting'].pk}/edit/",
     lambda d, w: {"title": "会商", "held_on": "2026-03-01", "place": "会议室", "minutes": "纪要"}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("meeting-add-topic", "post", lambda d, w: f"/console/consultations/{voice(w)['meeting'].pk}/add/topic/",
     lambda d, w: {"title": "议题"}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("action-items", "get", lambda d, w: "/console/consultations/items/", None, reads()),
    ("action-items-export", "get", lambda d, w: "/console/consultations/items/export/", None, reads()),
    ("action-item-done", "post", lambda d, w: f"/console/consultations/items/{voice(w)['item'].pk}/done/",
     lambda d, w: {"done_on": "2026-03-01", "evidence": "已完成"}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("action-item-evidence", "get", lambda d, w: f"/console/consultations/items/{voice(w)['item'].pk}/evidence/", None,
     everyone(MISSING)),  # nothing attached
    ("accountability", "get", lambda d, w: "/console/consultations/accountability/", None, reads()),
    ("accountability-export", "get", lambda d, w: "/console/consultations/accountability/export/", None, reads()),
    ("agreements", "get", lambda d, w: "/console/agreements/", None, reads()),
    ("agreements-export", "get", lambda d, w: "/console/agreements/export/", None, reads()),
    ("agreement-coverage", "get", lambda d, w: "/console/agreements/coverage/", None, reads()),
    ("agreement-coverage-export", "get", lambda d, w: "/console/agreements/coverage/export/", None, reads()),
    ("agreement-new-form", "get", lambda d, w: "/console/agreements/new/", None, reads()),
    # The other street's federation may not negotiate for 徐家汇 (400: the form says why).
    ("agreement-new", "post", lambda d, w: "/console/agreements/new/",
     lambda d, w: {**AGREEMENT, "region": w.street.pk, "subjects": ["pay"]}, writes(other_street=400)),
    ("agreement", "get", lambda d, w: f"/console/agreements/{voice(w)['agreement'].pk}/", None, reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("agreement-edit", "post", lambda d, w: f"/console/agreements/{voice(w)['agreement'].pk}/edit/",
     lambda d, w: {**AGREEMENT, "region": w.street.pk, "subjects": ["pay", "working_time"]}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("notices", "get", lambda d, w: "/console/notices/", None, reads()),
    ("notices-sent", "get", lambda d, w: "/console/notices/?box=sent", None, reads()),
    ("notices-export", "get", lambda d, w: "/console/notices/export/", None, reads()),
    # A station union has no org below it to send to (400: the form says so).
    ("notice-new", "post", lambda d, w: "/console/notices/new/",
     lambda d, w: {"title": "通知", "body": "正文", "audience": "all"}, writes(station=400)),
    # Sent by the street federation to every org below it: the station and agent unions received it.
    ("notice", "get", lambda d, w: f"/console/notices/{voice(w)['notice'].pk}/", None, reads(other_street=MISSING)),
    ("notice-receipts-export", "get", lambda d, w: f"/console/notices/{voice(w)['notice'].pk}/receipts/export/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("reports", "get", lambda d, w: "/console/reports/", None, reads()),
    ("reports-export", "get", lambda d, w: "/console/reports/export/", None, reads()),
    ("report-new", "post", lambda d, w: "/console/reports/new/", lambda d, w: {"title": "上报", "body": "内容"},
     writes(city=400)),  # the city has no parent
    # Sent up by the station union: its parent's line and its second manager (the agent union) see it.
    ("report", "get", lambda d, w: f"/console/reports/{voice(w)['report'].pk}/", None, reads(other_street=MISSING)),
    ("report-attachment", "get", lambda d, w: f"/console/reports/{voice(w)['report'].pk}/attachment/", None, everyone(MISSING)),
    ("cases", "get", lambda d, w: "/console/cases/", None, reads()),
    ("cases-export", "get", lambda d, w: "/console/cases/export/", None, reads()),
    ("case-new", "get", lambda d, w: "/console/cases/new/", None, reads()),
    ("case-new-post", "post", lambda d, w: "/console/cases/new/",
     lambda d, w: {"type": "opinion", "name": "赵六", "phone": "13900139000", "title": "建议", "description": "多设驿站"}, writes()),
    ("case", "get", lambda d, w: f"/console/cases/{street_case(w).case_no}/", None,
     reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("case-missing", "get", lambda d, w: "/console/cases/SQ2026000000001/", None, everyone(MISSING)),
    ("case-action", "post", lambda d, w: f"/console/cases/{street_case(w).case_no}/action/", lambda d, w: {"action": "accept"},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("case-attach", "post", lambda d, w: f"/console/cases/{street_case(w).case_no}/attach/", lambda d, w: {},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("case-attachment", "get", lambda d, w: street_attachment(w), None, reads(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("case-hardship", "post", lambda d, w: f"/console/cases/{street_case(w, type='hardship').case_no}/hardship/",
     lambda d, w: {"decision": "declined", "note": "不符合条件"}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("referral-outcome", "post", lambda d, w: f"/console/cases/referrals/{street_referral(w).pk}/outcome/",
     lambda d, w: {"outcome": "upheld"}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("case-alerts-read", "post", lambda d, w: "/console/cases/alerts/read/", lambda d, w: {}, writes()),
    ("warnings", "get", lambda d, w: "/console/cases/warnings/", None, reads()),
    ("warnings-export", "get", lambda d, w: "/console/cases/warnings/export/", None, reads()),
    ("warning-handle", "post", lambda d, w: f"/console/cases/warnings/{street_warning(w).pk}/handle/", lambda d, w: {"note": "已约谈"},
     writes(other_street=MISSING, station=MISSING, agent=MISSING)),
    ("hardship", "get", lambda d, w: "/console/cases/hardship/", None, reads()),
    ("hardship-export", "get", lambda d, w: "/console/cases/hardship/export/", None, reads()),
    ("checkups", "get", lambda d, w: "/console/cases/checkups/", None, reads()),
    ("checkups-export", "get", lambda d, w: "/console/cases/checkups/export/", None, reads()),
    # The agent's enterprise: in the street's territory, and the agent union's own enterprise.
    ("checkup-new", "post", lambda d, w: "/console/cases/checkups/",
     lambda d, w: {"enterprise_uscc": w.agent.uscc, "checked_on": "2026-11-01", "findings": "未签书面协议", "issues_found": "1"},
     writes(other_street=400, station=400)),
    ("checkup-rectified", "post", lambda d, w: f"/console/cases/checkups/{street_checkup(w).pk}/rectified/",
     lambda d, w: {"rectified_on": "2026-11-20"}, writes(other_street=MISSING, station=MISSING, agent=MISSING)),
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
