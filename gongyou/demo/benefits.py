"""Demo benefits (issue 8 §8): the city's seasonal campaigns (one per season, the running one
and the three before it), the running one's quota allocated to 徐汇区, 徐家汇 and (when the
positions are seeded) a service position there, hand-outs of it to part of the members, the
year's gig member insurance with a platform's rostered members enrolled in bulk and one incident
report with a photo, and physical-exam slots in 徐家汇 with a few bookings. Everything goes through the benefits services (audited, counted
as people served). Idempotent: what exists (by title, plan name, place and time) is left alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from gongyou.benefits.appointments import book_appointment, create_slot
from gongyou.benefits.errors import Refused
from gongyou.benefits.inputs import Audience, CleanCampaign, CleanPlan, check_photo
from gongyou.benefits.insurance import create_plan, enrol_platform_members, report_incident, set_plan_status
from gongyou.benefits.models import Allocation, AppointmentSlot, Campaign, Claim, Enrolment, Incident, InsurancePlan
from gongyou.benefits.photos import store_incident_photo
from gongyou.benefits.services import allocate_quota, claim_benefit, create_campaign
from gongyou.benefits.vocab import AppointmentKind, CampaignKind, CampaignStatus, PlanStatus
from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise, Org, Region
from gongyou.members.models import Membership
from gongyou.positions.models import ServicePosition
from gongyou.positions.vocab import Status as PositionStatus

# (first month, kind, title, items); a season lasts three months.
SEASONS = [
    (3, CampaignKind.SAFETY, "春季送安全", "反光背心、头盔"),
    (6, CampaignKind.SUMMER_COOLING, "夏日送清凉", "防暑药品、清凉饮品"),
    (9, CampaignKind.PHYSICAL_EXAM, "金秋送体检", "免费体检一次"),
    (12, CampaignKind.WINTER_WARMTH, "冬季送温暖", "防寒手套、护膝"),
]
FUNDING = "市总工会普惠服务经费（示例）"
CAMPAIGN_QUOTA = 5000
HANDOUT_EVERY = 3  # every third active member has received the running campaign
HANDOUT_MAX = 300
PLAN_NAME = "{year}年度上海工会灵活就业会员专享基本保障（示例）"
INSURER = "示例人寿保险股份有限公司"
PREMIUM_FEN, UNION_FEN, PLATFORM_FEN = 12_000, 6_000, 4_000  # the worker pays the remaining 2,000
EXAM_PLACE = "徐家汇街道社区卫生服务中心（示例）"
EXAM_SLOTS = 6  # 09:00 and 14:00 on the next three days
EXAM_CAPACITY = 10
EXAM_BOOKINGS = 6
BULK_PLATFORM = "示例外卖平台有限公司"
XUJIAHUI = "310104014"
XUHUI = "310104"
# The running campaign's shares: 徐汇区 → 徐家汇街道 → a service position in 徐家汇.
ALLOCATIONS = (1500, 400, 100)


@dataclass
class BenefitsReport:
    campaigns: int = 0
    claims: int = 0
    plans: int = 0
    enrolments: int = 0
    slots: int = 0
    appointments: int = 0


def season_starts(today: dt.date) -> list[dt.date]:
    """The first day of the season `today` is in and of the three seasons before it, oldest first."""
    month = max((m for m, *_ in SEASONS if m <= today.month), default=12)
    year = today.year if month <= today.month else today.year - 1
    starts = []
    for back in range(4):
        m, y = month - 3 * back, year
        if m < 1:
            m, y = m + 12, y - 1
        starts.append(dt.date(y, m, 1))
    return starts[::-1]


def _at(day: dt.date, hour: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _season_end(start: dt.date) -> dt.date:
    month, year = start.month + 3, start.year
    if month > 12:
        month, year = month - 12, year + 1
    return dt.date(year, month, 1)


def _campaigns(city: Org, today: dt.date, actor: Actor, report: BenefitsReport) -> list[Campaign]:
    campaigns = []
    for start in season_starts(today):
        _month, kind, name, items = next(s for s in SEASONS if s[0] == start.month)
        title = f"{start.year}年{name}"
        campaign = Campaign.objects.filter(org=city, title=title).first()
        if campaign is None:
            data = CleanCampaign(
                kind=kind, title=title, description=f"{name}：面向全市新就业形态劳动者会员（示例活动）。", items=items,
                funding_source=FUNDING, starts_at=_at(start), ends_at=_at(_season_end(start)), quota=CAMPAIGN_QUOTA,
                audience=Audience(), status=CampaignStatus.PUBLISHED,
            )  # fmt: skip
            campaign = create_campaign(data, org=city, actor=actor)
            report.campaigns += 1
        campaigns.append(campaign)
    return campaigns


def _handouts(campaign: Campaign, city: Org, now: dt.datetime, actor: Actor, report: BenefitsReport) -> None:
    """Hand-outs of the running campaign by each member's street federation, at the seed's time."""
    if not campaign.starts_at <= now < campaign.ends_at:
        return
    feds = {
        o.region_id: o
        for o in Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, status=Org.Status.ACTIVE).order_by("-id")
    }
    done = set(Claim.objects.filter(campaign=campaign).values_list("person_id", flat=True))
    members = (
        Membership.objects.select_related("person")
        .filter(status=Membership.Status.ACTIVE)
        .order_by("member_no")
        .values_list("member_no", "person_id", "person__work_street_id")
    )
    for i, (member_no, person_id, street_id) in enumerate(members[: HANDOUT_MAX * HANDOUT_EVERY]):
        if i % HANDOUT_EVERY or person_id in done or not member_no:
            continue
        try:
            claim_benefit(campaign, org=feds.get(street_id, city), actor=actor, member_no=member_no, now=now)
        except Refused:
            continue
        report.claims += 1


def _allocations(campaign: Campaign, actor: Actor) -> None:
    """Down the tree once (an existing allocation means this ran before): the district, the
    street, and an open service position in the street when seed_positions has made one."""
    if Allocation.objects.filter(campaign=campaign).exists():
        return
    active = Org.objects.filter(status=Org.Status.ACTIVE).order_by("id")
    district = active.filter(kind=Org.Kind.DISTRICT_FEDERATION, region__code=XUHUI).first()
    street = active.filter(kind=Org.Kind.STREET_FEDERATION, region__code=XUJIAHUI).first()
    if district is None or street is None:
        return
    allocate_quota(campaign, org=district, quota=ALLOCATIONS[0], actor=actor)
    allocate_quota(campaign, org=street, quota=ALLOCATIONS[1], actor=actor)
    position = (
        ServicePosition.objects.filter(street__code=XUJIAHUI, status=PositionStatus.OPEN).order_by("id").first()
    )
    if position is not None:
        allocate_quota(campaign, position=position, quota=ALLOCATIONS[2], actor=actor)


def demo_photo(width: int = 160, height: int = 120) -> bytes:
    """A small PNG (a grey-blue gradient) standing in for a photo of the scene."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (100 + x // 4, 120 + y // 3, 160)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _incident(plan: InsurancePlan, now: dt.datetime, actor: Actor) -> None:
    """One incident report with a photo on the first enrolment, once."""
    enrolment = Enrolment.objects.filter(plan=plan).order_by("id").first()
    if enrolment is None or Incident.objects.filter(enrolment__plan=plan).exists():
        return
    content = demo_photo()
    photo = check_photo("现场照片.png", len(content), content[:16], content)
    occurred = max(now - dt.timedelta(days=2), _at(plan.cover_from, 9))
    report_incident(
        enrolment, occurred_at=occurred, place="漕溪北路与南丹路路口（示例）", description="送餐途中电动车被刮倒，左臂擦伤（示例）",
        photos=[photo], actor=actor, now=now,
    )  # fmt: skip
    store_incident_photo(photo, content)


def _insurance(city: Org, today: dt.date, actor: Actor, report: BenefitsReport) -> None:
    name = PLAN_NAME.format(year=today.year)
    plan = InsurancePlan.objects.filter(org=city, name=name).first()
    if plan is None:
        data = CleanPlan(
            name=name, insurer=INSURER, cover_summary="意外身故伤残、意外医疗、住院津贴（示例条款）",
            premium_fen=PREMIUM_FEN, union_share_fen=UNION_FEN, platform_share_fen=PLATFORM_FEN,
            worker_share_fen=PREMIUM_FEN - UNION_FEN - PLATFORM_FEN,
            enrol_from=dt.date(today.year, 1, 1), enrol_until=dt.date(today.year, 12, 31),
            cover_from=dt.date(today.year, 1, 1), cover_until=dt.date(today.year, 12, 31),
        )  # fmt: skip
        plan = set_plan_status(create_plan(data, org=city, actor=actor), PlanStatus.OPEN, actor=actor)
        report.plans += 1
    platform = Enterprise.objects.filter(name=BULK_PLATFORM).first()
    # The bulk run is audited even when it enrols nobody: run it only while the plan has no one.
    if platform is not None and not Enrolment.objects.filter(plan=plan).exists():
        report.enrolments += enrol_platform_members(plan, platform, actor=actor).enrolled
    _incident(plan, timezone.now(), actor)


def _appointments(today: dt.date, now: dt.datetime, actor: Actor, report: BenefitsReport) -> None:
    street = Region.objects.filter(code=XUJIAHUI).first()
    org = (
        Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, region=street, status=Org.Status.ACTIVE)
        .order_by("id")
        .first()
    )
    if org is None or AppointmentSlot.objects.filter(org=org, place=EXAM_PLACE).exists():
        return
    slots = []
    for n in range(EXAM_SLOTS):
        day = today + dt.timedelta(days=1 + n // 2)
        start = _at(day, 9 if n % 2 == 0 else 14)
        slots.append(create_slot(
            kind=AppointmentKind.PHYSICAL_EXAM, org=org, place=EXAM_PLACE, starts_at=start,
            ends_at=start + dt.timedelta(hours=3), capacity=EXAM_CAPACITY, actor=actor,
        ))  # fmt: skip
        report.slots += 1
    members = Membership.objects.filter(status=Membership.Status.ACTIVE, person__work_street=street).order_by(
        "member_no"
    )
    for i, membership in enumerate(members[:EXAM_BOOKINGS]):
        try:
            book_appointment(slots[i % 2], membership, actor=actor, now=now)
        except Refused:
            continue
        report.appointments += 1


def seed_benefits(*, actor: Actor, now: dt.datetime | None = None) -> BenefitsReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = BenefitsReport()
    city = Org.objects.filter(parent__isnull=True, kind=Org.Kind.CITY_FEDERATION).order_by("id").first()
    if city is None:
        return report
    campaigns = _campaigns(city, today, actor, report)
    if campaigns[-1].starts_at <= now < campaigns[-1].ends_at:
        _allocations(campaigns[-1], actor)
    _handouts(campaigns[-1], city, now, actor, report)
    _insurance(city, today, actor, report)
    _appointments(today, now, actor, report)
    return report
