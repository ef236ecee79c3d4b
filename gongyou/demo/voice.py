"""Demo consultations, collective agreements, notices and reports (issue 9 part B): a five-party
consultation convened by 徐家汇街道总工会 and one by 徐汇区总工会, with action items done on time,
late, overdue and not yet due (so the accountability view has something to say); agreements in
every status, in force and expired (so the coverage view counts some and not others); notices
down from the city and from 徐家汇 with some read; a report up from a station union.
Idempotent: each piece is found by its title and left alone when it exists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from gongyou.core.actors import Actor
from gongyou.core.choices import Industry
from gongyou.core.models import Enterprise, Org, Region, StaffProfile
from gongyou.voice.inputs import (
    CleanAgreement,
    CleanItem,
    CleanMeeting,
    CleanNotice,
    CleanParty,
    CleanProgress,
    CleanReport,
    CleanTask,
)
from gongyou.voice.models import Agreement, Department, Meeting, Notice, Report
from gongyou.voice.services import (
    add_action_item,
    add_department,
    add_department_task,
    add_resolution,
    add_topic,
    complete_action_item,
    create_agreement,
    create_meeting,
    mark_notice_read,
    record_task_progress,
    send_notice,
    send_report,
)
from gongyou.voice.vocab import AgreementKind, AgreementStatus, NoticeAudience, PartyKind, Subject

XUJIAHUI = "310104014"
XUHUI = "310104"


@dataclass
class VoiceReport:
    meetings: int = 0
    agreements: int = 0
    notices: int = 0
    department_tasks: int = 0


def _org(kind: str, code: str) -> Org | None:
    return Org.objects.filter(kind=kind, region__code=code, status=Org.Status.ACTIVE).order_by("id").first()


def _enterprise(name: str) -> Enterprise | None:
    return Enterprise.objects.filter(name=name).first()


def _party(kind: str, name: str, attendees: str = "") -> CleanParty:
    enterprise = _enterprise(name) if kind in (PartyKind.PLATFORM, PartyKind.AFFILIATE) else None
    return CleanParty(kind, name, attendees, enterprise.pk if enterprise else None)


# (title, owner kind, due in days from today, done in days from today or None)
ITEMS = [
    ("恶劣天气配送时限放宽 30%", PartyKind.PLATFORM, -40, -45),
    ("公布超时扣款申诉渠道", PartyKind.PLATFORM, -20, -10),
    ("站点开放爱心接力站并备足防暑物品", PartyKind.AFFILIATE, -15, -16),
    ("通报骑手超时扣款投诉查处情况", PartyKind.GOVERNMENT, -5, None),
    ("组织骑手代表座谈，收集新规意见", PartyKind.WORKER_REP, 20, None),
    ("为骑手办理专属保障参保", PartyKind.UNION, 30, None),
]


def _meeting(org: Org, title: str, held: dt.date, parties: list[CleanParty], *, actor: Actor, items: bool) -> bool:
    if Meeting.objects.filter(org=org, title=title).exists():
        return False
    meeting = create_meeting(
        org,
        CleanMeeting(title, held, "徐家汇街道党群服务中心", "平台、代理商、人社部门、工会和骑手代表就配送时限、超时扣款和高温防护交换意见，形成决议如下。", parties),
        actor=actor,
    )  # fmt: skip
    topic = add_topic(meeting, "配送时限过紧与超时扣款", "骑手集中反映恶劣天气下仍按常规时限考核。", actor=actor)
    heat = add_topic(meeting, "高温天气户外劳动保护", actor=actor)
    first = add_resolution(
        meeting, "平台放宽恶劣天气配送时限并公开扣款申诉渠道，人社部门跟踪督办。", topic, actor=actor
    )
    second = add_resolution(meeting, "代理商站点全部开放爱心接力站，工会为骑手办理专属保障。", heat, actor=actor)
    if not items:
        return True
    owners = {p.kind: p for p in meeting.parties.all()}
    today = timezone.localdate()
    for title_, kind, due, done in ITEMS:
        resolution = first if kind in (PartyKind.PLATFORM, PartyKind.GOVERNMENT) else second
        item = add_action_item(
            meeting,
            CleanItem(title_, today + dt.timedelta(days=due)),
            owner=owners[kind],
            resolution=resolution,
            actor=actor,
        )
        if done is not None:
            complete_action_item(
                item, done_on=today + dt.timedelta(days=done), evidence="已落实，书面报告存档", actor=actor
            )
    return True


def _agreement(org: Org, title: str, fields: dict[str, Any], *, actor: Actor) -> bool:
    if Agreement.objects.filter(org=org, title=title).exists():
        return False
    names = fields.pop("enterprises")
    create_agreement(
        org, CleanAgreement(title=title, notes="", **fields), Enterprise.objects.filter(name__in=names), actor=actor
    )
    return True


def seed_voice(*, actor: Actor, today: dt.date | None = None) -> VoiceReport:
    today = today or timezone.localdate()
    report = VoiceReport()
    city = Org.objects.filter(parent__isnull=True, kind=Org.Kind.CITY_FEDERATION).order_by("id").first()
    xuhui = _org(Org.Kind.DISTRICT_FEDERATION, XUHUI)
    xujiahui = _org(Org.Kind.STREET_FEDERATION, XUJIAHUI)
    if city is None or xuhui is None or xujiahui is None:
        return report
    parties = [
        _party(PartyKind.UNION, xujiahui.name, "工会主席、法律顾问"),
        _party(PartyKind.GOVERNMENT, "徐汇区人力资源和社会保障局", "劳动保障监察支队"),
        _party(PartyKind.PLATFORM, "示例外卖平台有限公司", "华东区运营负责人"),
        _party(PartyKind.AFFILIATE, "示例外卖平台徐汇配送代理有限公司", "站长代表"),
        _party(PartyKind.WORKER_REP, "外卖骑手代表", "骑手王师傅、李师傅、张师傅"),
    ]
    report.meetings += _meeting(
        xujiahui, "徐家汇街道外卖骑手权益五方协调会商", today - dt.timedelta(days=60), parties, actor=actor, items=True
    )
    district_parties = [_party(PartyKind.UNION, xuhui.name), *parties[1:]]
    report.meetings += _meeting(
        xuhui,
        "徐汇区新就业形态劳动者季度会商",
        today - dt.timedelta(days=10),
        district_parties,
        actor=actor,
        items=False,
    )

    year = today.replace(month=1, day=1)
    pay = [Subject.PAY, Subject.REWARD_PENALTY, Subject.WORKING_TIME, Subject.LABOUR_QUOTA]
    region = {r.code: r.pk for r in Region.objects.filter(code__in=["310000", XUHUI, XUJIAHUI])}
    specs = [
        (xuhui, "徐汇区网约送餐行业工资集体协议", {"kind": AgreementKind.INDUSTRY, "industry": Industry.FOOD_DELIVERY, "region_id": region[XUHUI], "subjects": pay,
         "employer_side": "徐汇区餐饮配送行业协会", "status": AgreementStatus.SIGNED, "signed_on": year, "effective_from": year,
         "effective_to": year.replace(year=year.year + 2) - dt.timedelta(days=1), "workers_covered": 1800,
         "enterprises": ["示例外卖平台有限公司", "示例外卖平台徐汇配送代理有限公司"]}),
        (city, "上海市快递行业集体合同", {"kind": AgreementKind.INDUSTRY, "industry": Industry.EXPRESS, "region_id": region["310000"], "subjects": pay,
         "employer_side": "上海市快递行业协会", "status": AgreementStatus.SIGNED, "signed_on": year, "effective_from": year, "effective_to": None,
         "workers_covered": 12000, "enterprises": ["示例快递物流有限公司"]}),
        (xujiahui, "徐家汇街道快递配送区域集体合同", {"kind": AgreementKind.REGIONAL, "industry": Industry.EXPRESS, "region_id": region[XUJIAHUI],
         "subjects": [Subject.PAY, Subject.WORKING_TIME], "employer_side": "徐家汇街道快递企业代表", "status": AgreementStatus.NEGOTIATING,
         "signed_on": None, "effective_from": None, "effective_to": None, "workers_covered": 0, "enterprises": []}),
        (xujiahui, "徐家汇街道外卖配送区域集体合同（2023—2024）", {"kind": AgreementKind.REGIONAL, "industry": Industry.FOOD_DELIVERY,
         "region_id": region[XUJIAHUI], "subjects": [Subject.PAY], "employer_side": "徐家汇街道外卖配送企业代表", "status": AgreementStatus.SIGNED,
         "signed_on": dt.date(2023, 1, 1), "effective_from": dt.date(2023, 1, 1), "effective_to": dt.date(2024, 12, 31), "workers_covered": 400,
         "enterprises": []}),
        (xuhui, "徐汇区同城货运劳动定额协商", {"kind": AgreementKind.INDUSTRY, "industry": Industry.FREIGHT, "region_id": region[XUHUI],
         "subjects": [Subject.LABOUR_QUOTA], "employer_side": "示例同城货运平台有限公司", "status": AgreementStatus.FAILED, "signed_on": None,
         "effective_from": None, "effective_to": None, "workers_covered": 0, "enterprises": []}),
    ]  # fmt: skip
    for org, title, fields in specs:
        report.agreements += _agreement(org, title, dict(fields), actor=actor)

    report.notices += _notice(city, "关于开展2026年“夏日送清凉”活动的通知", "各区总工会：请于7月至9月组织开展户外劳动者夏日送清凉活动，做好物资发放登记。",
                              NoticeAudience.KINDS, [Org.Kind.DISTRICT_FEDERATION], to_members=False, actor=actor)  # fmt: skip
    report.notices += _notice(xujiahui, "关于高温天气开放爱心接力站的通知", "各站点工会、小二级工会：高温期间爱心接力站延长开放时间，备足饮用水和防暑药品。",
                              NoticeAudience.ALL, [], to_members=True, actor=actor)  # fmt: skip
    _read_some(actor)
    report.department_tasks += _department_board(city, today, actor=actor)
    station = (
        Org.objects.filter(kind=Org.Kind.STATION_UNION, region__code=XUJIAHUI, status=Org.Status.ACTIVE)
        .order_by("id")
        .first()
    )
    title = "本月骑手意见建议汇总"
    if station is not None and not Report.objects.filter(org=station, title=title).exists():
        send_report(
            station,
            CleanReport(title, "本月收集骑手意见 12 条：配送时限 5 条、站点设施 4 条、保险理赔 3 条，已逐条登记。"),
            actor=actor,
        )
    return report


# The city-level departments' division of labour (seed Annex 2), one task each (two for 人社局),
# with progress (%, what was done) recorded so far, or none; due in days from today.
ANNEX_2: list[tuple[str, str, str, int, list[tuple[int, str]]]] = [
    ("上海市委网络安全和信息化委员会办公室", "健全新就业形态劳动者网络舆情发现研判引导机制",
     "发挥网络主流思想舆论对新就业形态劳动者的引导，持续关注劳动者动态。", 60, [(30, "建立外卖、快递行业舆情周报，每周通报市总工会")]),
    ("上海市经济和信息化委员会", "指导推动互联网、电商、平台企业及其关联企业建会",
     "协同工会组织，加强与各级工会的信息共享。", 90, [(40, "向工会共享 2026 年重点平台企业名单 36 家"), (70, "召开平台企业建会推进会，12 家表态年内建会")]),
    ("上海市人力资源和社会保障局", "畅通新就业形态劳动者举报投诉渠道",
     "督促企业落实权益保障责任，依法维护劳动者权益。", 30, [(100, "12333 热线开设新就业形态劳动者专席，月均受理 420 件")]),
    ("上海市人力资源和社会保障局", "落实职业技能培训补贴",
     "对在就业地参加职业技能培训的，符合条件的按规定给予补贴。", -10, [(50, "已发布补贴目录，首批 3 家培训机构")]),
    ("上海市交通委员会", "推动道路货运企业建会和货车司机入会",
     "完善企业民主管理制度，建立多部门通畅维权渠道。", 120, []),
    ("上海市市场监督管理局", "市场主体登记信息归集到市大数据资源平台",
     "按统一数据规范及时归集，强化与工会的信息共享。", 45, [(80, "平台企业、快递企业登记信息按月推送工会")]),
    ("上海市邮政管理局", "指导建立区、街镇快递行业工会联合会",
     "发挥快递企业总部工会作用，推动分区、站点建会。", 75, [(20, "徐汇、闵行两区快递行业工会联合会筹备")]),
    ("上海市人民检察院", "支持劳动者提起诉讼，参与劳动权益维护",
     "督促相关部门履职、企业担责，支持适格主体和劳动者起诉。", 200, []),
]  # fmt: skip


def _department_board(city: Org, today: dt.date, *, actor: Actor) -> int:
    """The city federation's board of the Annex 2 departments; a task already there is left alone."""
    created = 0
    for name, title, description, due_in, updates in ANNEX_2:
        department = Department.objects.filter(org=city, name=name).first() or add_department(city, name, actor=actor)
        if department.tasks.filter(title=title).exists():
            continue
        task = add_department_task(
            department, CleanTask(title, description, today + dt.timedelta(days=due_in)), actor=actor
        )
        for progress, note in updates:
            record_task_progress(task, CleanProgress(progress, note), actor=actor)
        created += 1
    return created


def _notice(org: Org, title: str, body: str, audience: str, kinds: list[str], *, to_members: bool, actor: Actor) -> int:
    if Notice.objects.filter(org=org, title=title).exists():
        return 0
    send_notice(org, CleanNotice(title, body, audience, kinds, [], to_members), actor=actor)
    return 1


def _read_some(actor: Actor) -> None:
    """The demo staff of 徐汇区总工会 and of the 徐家汇 station union have read what reached them."""
    for profile in StaffProfile.objects.select_related("user", "org").filter(
        org__kind__in=[Org.Kind.DISTRICT_FEDERATION, Org.Kind.STATION_UNION], role=StaffProfile.Role.OFFICER
    ):
        for notice in Notice.objects.filter(receipts__org=profile.org, receipts__read_at__isnull=True):
            mark_notice_read(notice, profile.org, profile.user, actor=Actor.staff(profile.user))
