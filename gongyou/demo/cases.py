"""Demo voice and rights (issue 9): cases of every type and status around 徐家汇 — a legal-aid
request referred to the legal aid centre, a cluster of complaints about one station's fines, a
red collective dispute, hardship relief decided and paid, a non-member's complaint, an overdue
case escalated — plus legal check-ups. Idempotent: nothing is added once demo cases exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongyou.cases.escalation import escalate_overdue
from gongyou.cases.inputs import CleanHardship, clean_case
from gongyou.cases.models import Case, LegalCheckup
from gongyou.cases.services import (
    accept_case,
    apply_action,
    close_case,
    record_hardship_payment,
    record_legal_checkup,
    record_referral_outcome,
    refer_case,
    resolve_case,
    review_hardship,
    start_case,
    submit_case,
)
from gongyou.cases.vocab import Channel
from gongyou.core.actors import Actor
from gongyou.core.models import Org, Region, Station
from gongyou.members.models import Membership

XUJIAHUI = "310104014"


def _members(street: Region) -> list[Membership]:
    return list(
        Membership.objects.filter(
            status=Membership.Status.ACTIVE, person__work_street=street, person__station__isnull=False
        ).select_related("person", "org", "person__station")[:8]
    )


def seed_cases(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """The number of cases created (0 when demo cases already exist or the world is missing)."""
    if Case.objects.exists():
        return 0
    now = now or timezone.now()
    street = Region.objects.filter(code=XUJIAHUI).first()
    station = Station.objects.filter(street__code=XUJIAHUI, unions__isnull=False).order_by("code").first()
    members = _members(street) if street is not None else []
    if street is None or station is None or len(members) < 4:
        return 0
    ago = lambda days, hours=0: now - dt.timedelta(days=days, hours=hours)  # noqa: E731
    made: list[Case] = []

    def submit(data: dict[str, Any], at: dt.datetime, membership: Membership | None = None, **kw: Any) -> Case:
        channel = Channel.PORTAL if membership is not None else Channel.STAFF
        case = submit_case(clean_case(data, membership=membership), channel=channel, actor=actor, now=at, **kw)
        made.append(case)
        return case

    rider = members[0]
    legal = submit(
        {"type": "legal_aid", "topic": "pay", "title": "配送站拖欠两个月工资",
         "description": "九月、十月的配送费一直没结，站长说平台没打款。希望工会帮忙讨薪。",
         "station_code": station.code, "amount_fen": 1_260_000},
        ago(12), rider,
    )
    accept_case(legal, actor=actor, note="已联系站点核实欠薪情况", now=ago(11))
    start_case(legal, actor=actor, now=ago(10))
    referral = refer_case(legal, "legal_aid_centre", actor=actor, note="申请法律援助，代为申请劳动仲裁", now=ago(9))
    record_referral_outcome(referral, "upheld", actor=actor, note="仲裁调解，站点分两期支付", now=ago(3))
    resolve_case(legal, actor=actor, note="欠薪 12,600 元已追回第一期 6,300 元，第二期月底前支付。", now=ago(2))

    # Three complaints about one station's fines within a week: a cluster for the street federation.
    for n, member in enumerate(members[1:4]):
        submit(
            {"type": "complaint", "topic": "penalty", "title": f"超时罚款过重（{n + 1}）",
             "description": "雨天超时几分钟就罚 50 元，申诉渠道没有回音。", "station_code": station.code},
            ago(6 - n, 3), member,
        )

    red = submit(
        {"type": "dispute", "topic": "pay", "title": "配送单价下调引发集体停工",
         "description": "站点单价从 6 元降到 4.5 元，约 45 名骑手在站点门口聚集，拒绝接单。",
         "name": "周海", "phone": "13761000001", "station_code": station.code,
         "workers_involved": 45, "amount_fen": 0, "collective_action": True},
        ago(1, 5),
    )
    accept_case(red, actor=actor, note="街道总工会已到场，约平台区域负责人协商", now=ago(1, 4))

    submit(
        {"type": "dispute", "topic": "insurance", "title": "十余名快递员未缴社保",
         "description": "加盟网点 12 名快递员入职一年未缴社会保险。", "name": "钱立", "phone": "13761000002",
         "street_code": XUJIAHUI, "workers_involved": 12, "amount_fen": 3_600_000},
        ago(4),
    )

    hardship = submit(
        {"type": "hardship", "topic": "other", "title": "骑行途中摔伤，家庭困难",
         "description": "送餐途中被车刮倒，右腿骨折，三个月无法跑单。", "amount_fen": 500_000},
        ago(15), members[4] if len(members) > 4 else rider,
        hardship=CleanHardship("injury", "妻子无业，两个孩子上学，租房居住。", 4, 300_000, 500_000),
    )
    accept_case(hardship, actor=actor, now=ago(14))
    review_hardship(hardship.hardship, "approved", amount_granted_fen=300_000, note="符合困难职工帮扶条件", actor=actor, now=ago(8))
    record_hardship_payment(hardship.hardship, (now - dt.timedelta(days=6)).date(), actor=actor)
    resolve_case(hardship, actor=actor, note="救助金 3,000 元已发放。", now=ago(6))

    submit(
        {"type": "hardship", "topic": "other", "title": "家人重病申请救助",
         "description": "母亲确诊肺癌，自费部分负担重。", "amount_fen": 800_000},
        ago(2), members[5] if len(members) > 5 else rider,
        hardship=CleanHardship("illness", "独自赡养母亲，月收入约 6,000 元。", 2, 600_000, 800_000),
    )

    opinion = submit(
        {"type": "opinion", "topic": "facilities", "title": "建议爱心接力站夜间开放",
         "description": "晚高峰后没有地方充电歇脚，建议驿站开到晚上 11 点。", "street_code": XUJIAHUI},
        ago(20), members[6] if len(members) > 6 else rider,
    )
    accept_case(opinion, actor=actor, now=ago(19))
    resolve_case(opinion, actor=actor, note="两个驿站已延长到 23:00。谢谢你的建议！", now=ago(10))
    close_case(opinion, actor=actor, now=ago(2))

    # Submitted a week ago and never accepted: escalated up the tree by the cron command.
    overdue = submit(
        {"type": "complaint", "topic": "account", "title": "账号被无故封禁",
         "description": "平台以“异常接单”为由封号，申诉三次没有回复。", "name": "孙浩", "phone": "13761000003",
         "station_code": station.code},
        ago(7),
        fallback_org=station.unions.filter(status=Org.Status.ACTIVE).first(),
    )
    rejected = submit(
        {"type": "complaint", "topic": "other", "title": "对外卖平台评分规则的意见",
         "description": "平台评分不透明。", "street_code": XUJIAHUI},
        ago(5), rider,
    )
    apply_action(rejected, "reject", actor=actor, note="属于平台规则建议，已转为意见建议登记，请在“意见建议”中提交。", now=ago(4))
    escalate_overdue(now, actor=actor)
    assert overdue.pk

    federation = Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, region=street).first()
    if federation is not None and not LegalCheckup.objects.exists():
        record_legal_checkup(
            station.enterprise, org=federation, checked_on=(now - dt.timedelta(days=30)).date(),
            findings="与骑手未签订书面协议；罚款规则未经民主程序公示。", issues_found=2,
            recommendations="补签协议；罚款规则经职工代表协商后公示。", actor=actor,
        )
    return len(made)
