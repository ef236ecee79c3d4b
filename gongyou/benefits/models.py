"""Campaigns and their quotas, hand-outs (claims), appointments, gig member basic insurance and
service events — the "people served" ledger (seed §一(二), §二(二)8; SPEC §5, §8).

Money is integer fen everywhere. Counters that guard a limit (a pool's `used`/`allocated`, a
slot's `booked`) are changed only under select_for_update and are also held by CHECK
constraints, so a bug can fail a write but never over-spend."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongyou.benefits.vocab import (
    AppointmentKind,
    AppointmentStatus,
    CampaignKind,
    CampaignStatus,
    EnrolmentChannel,
    EnrolmentStatus,
    IncidentStatus,
    InsurerStatus,
    PaymentStatus,
    PlanStatus,
    ServiceKind,
)
from gongyou.core.models import Enterprise, Org, Region
from gongyou.members.models import Membership, Person
from gongyou.positions.models import ServicePosition


class Campaign(models.Model):
    """A campaign (五送, inclusive benefits, training…). The campaign itself is the root quota
    pool: `allocated` went to allocations below it, `used` was handed out against the total."""

    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("主办工会"))
    title = models.CharField(_("名称"), max_length=128)
    description = models.TextField(_("说明"), blank=True)
    items = models.CharField(_("发放物品"), max_length=200, blank=True)
    funding_source = models.CharField(_("经费来源"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(_("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    # Audience: an empty list means "no restriction". Region codes are district (6) or street (9).
    industries = models.JSONField(_("行业"), default=list, blank=True)
    region_codes = models.JSONField(_("区域"), default=list, blank=True)
    labor_relations = models.JSONField(_("用工关系"), default=list, blank=True)
    min_member_days = models.PositiveIntegerField(_("最短入会天数"), default=0)
    quota = models.PositiveIntegerField(_("总名额"))
    allocated = models.PositiveIntegerField(default=0)
    used = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("服务活动")
        verbose_name_plural = _("服务活动")
        indexes = [models.Index(fields=["status", "ends_at"]), models.Index(fields=["org", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated__lte=F("quota") - F("used")), name="campaign_quota_not_overspent"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="campaign_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> int:
        return self.quota - self.allocated - self.used


class Allocation(models.Model):
    """A share of a campaign's quota carved out for an org or a service position, from the
    nearest allocation above it (or from the campaign's total when there is none)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="allocations")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(ServicePosition, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("名额"))
    allocated = models.PositiveIntegerField(default=0)
    used = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated__lte=F("quota") - F("used")), name="allocation_quota_not_overspent"
            ),
            models.CheckConstraint(
                condition=Q(org__isnull=False, position__isnull=True) | Q(org__isnull=True, position__isnull=False),
                name="allocation_org_xor_position",
            ),
            models.UniqueConstraint(fields=["campaign", "org"], name="allocation_unique_org"),
            models.UniqueConstraint(fields=["campaign", "position"], name="allocation_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.org_id or ''}{self.position_id or ''} ({self.used}/{self.quota})"

    @property
    def remaining(self) -> int:
        return self.quota - self.allocated - self.used


class Claim(models.Model):
    """A hand-out (发放). One per person per campaign across the whole city, held by the
    database (campaign, person) unique index — not by a check that two stations could both pass."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="claims", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("发放工会"))
    position = models.ForeignKey(
        ServicePosition, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("发放阵地")
    )
    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(_("领取时间"))
    actor_label = models.CharField(max_length=80)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("福利发放")
        verbose_name_plural = _("福利发放")
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="one_claim_per_person_per_campaign")]
        indexes = [models.Index(fields=["org", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.person_id}"


class AppointmentSlot(models.Model):
    kind = models.CharField(_("类型"), max_length=20, choices=AppointmentKind.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("工会"))
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="slots")
    position = models.ForeignKey(ServicePosition, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    booked = models.PositiveIntegerField(default=0)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        indexes = [models.Index(fields=["org", "starts_at"]), models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.starts_at:%Y-%m-%d %H:%M}"


class Appointment(models.Model):
    HOLDS_PLACE = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)

    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    booked_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "person"],
                condition=Q(status__in=["booked", "attended", "no_show"]),
                name="one_booking_per_person_per_slot",
            )
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.slot_id}/{self.person_id} ({self.status})"


class InsurancePlan(models.Model):
    """灵活就业会员专享基本保障: premium per year in fen, split union / platform / worker so that
    the three shares sum exactly to the premium (a CHECK constraint as well as the input rule)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办工会"))
    name = models.CharField(_("名称"), max_length=128)
    insurer = models.CharField(_("承保机构"), max_length=128)
    cover_summary = models.TextField(_("保障内容"))
    premium_fen = models.PositiveIntegerField(_("年保费（分）"))
    union_share_fen = models.PositiveIntegerField(_("工会承担（分）"))
    platform_share_fen = models.PositiveIntegerField(_("平台承担（分）"))
    worker_share_fen = models.PositiveIntegerField(_("个人承担（分）"))
    enrol_from = models.DateField(_("投保开始"))
    enrol_until = models.DateField(_("投保截止"))
    cover_from = models.DateField(_("保障开始"))
    cover_until = models.DateField(_("保障截止"))
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-enrol_from", "-id"]
        verbose_name = _("保障方案")
        verbose_name_plural = _("保障方案")
        constraints = [
            models.CheckConstraint(
                condition=Q(premium_fen=F("union_share_fen") + F("platform_share_fen") + F("worker_share_fen")),
                name="plan_shares_sum_to_premium",
            ),
            models.CheckConstraint(condition=Q(enrol_until__gte=F("enrol_from")), name="plan_window_ordered"),
            models.CheckConstraint(condition=Q(cover_until__gte=F("cover_from")), name="plan_cover_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """One person insured under one plan. Shares are copied from the plan when enrolling, so a
    later correction of the plan never rewrites what someone owed."""

    plan = models.ForeignKey(InsurancePlan, on_delete=models.PROTECT, related_name="enrolments", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    platform = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("平台企业")
    )
    channel = models.CharField(_("投保渠道"), max_length=10, choices=EnrolmentChannel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED)
    consent_version = models.CharField(_("授权告知版本"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("授权时间"), null=True, blank=True)
    union_share_fen = models.PositiveIntegerField()
    platform_share_fen = models.PositiveIntegerField()
    worker_share_fen = models.PositiveIntegerField()
    union_payment = models.CharField(max_length=6, choices=PaymentStatus.choices)
    platform_payment = models.CharField(max_length=6, choices=PaymentStatus.choices)
    worker_payment = models.CharField(max_length=6, choices=PaymentStatus.choices)
    insurer_status = models.CharField(
        _("承保状态"), max_length=10, choices=InsurerStatus.choices, default=InsurerStatus.PENDING
    )
    policy_no = models.CharField(_("保单号"), max_length=40, blank=True)
    insurer_note = models.CharField(_("承保说明"), max_length=200, blank=True)
    enrolled_at = models.DateTimeField(_("投保时间"))
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at", "-id"]
        verbose_name = _("投保记录")
        verbose_name_plural = _("投保记录")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "person"], condition=Q(status="enrolled"), name="one_enrolment_per_person_per_plan"
            ),
        ]
        indexes = [models.Index(fields=["plan", "status"]), models.Index(fields=["platform", "plan"])]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.person_id}"


class Incident(models.Model):
    """出险报案 by the insured worker; the insurer's handling comes back by import."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField(_("出险时间"))
    place = models.CharField(_("出险地点"), max_length=200)
    description = models.TextField(_("经过"))
    status = models.CharField(_("状态"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED)
    insurer_ref = models.CharField(_("保险公司案件号"), max_length=40, blank=True)
    insurer_note = models.CharField(_("处理说明"), max_length=200, blank=True)
    paid_fen = models.PositiveIntegerField(_("赔付金额（分）"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报案时间"))

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("出险报案")
        verbose_name_plural = _("出险报案")

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.occurred_at:%Y-%m-%d}"


class IncidentPhoto(models.Model):
    """A photo's checked metadata (the file itself is stored by the channel that received it)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="photos")
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=20)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.file_name


class ServiceEvent(models.Model):
    """One service one person received: the ledger behind "people served" (seed §一(二):
    服务覆盖新就业形态劳动者100万人次以上). Written in the same transaction as the service itself,
    so the figure is right by construction; `source_id` makes a replay impossible to double count.

    Built for ~5M rows: the two covering indexes let "distinct persons in a period" (city-wide or
    for a scope of orgs) run as index-only scans on PostgreSQL."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("服务类型"), max_length=12, choices=ServiceKind.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    position = models.ForeignKey(ServicePosition, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    street = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(_("时间"))
    source_id = models.BigIntegerField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        constraints = [models.UniqueConstraint(fields=["kind", "source_id"], name="one_event_per_source")]
        indexes = [
            models.Index(fields=["at", "person"], name="serviceevent_at_person"),
            models.Index(fields=["org", "at", "person"], name="serviceevent_org_at_person"),
            models.Index(fields=["person", "at"], name="serviceevent_person_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} @ {self.at:%Y-%m-%d}"


class FirstService(models.Model):
    """The first service a person received in a calendar year (Shanghai days): over all kinds
    (kind "") and per kind. Kept with every service event, so "people served from 1 January to
    a day" is the number of first services up to that day — no DISTINCT over millions of events."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, blank=True)
    first_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year", "kind"], name="one_first_service_per_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.kind or '*'}"


class ServedDay(models.Model):
    """City-wide tallies per Shanghai day and kind ("" = every kind): events recorded that day,
    and people whose first service of the year (of that kind) fell on that day. Summing a year's
    rows (≤ 366 × kinds) answers the city's people-served figure from 1 January in a few ms."""

    day = models.DateField()
    kind = models.CharField(max_length=12, blank=True)
    events = models.PositiveIntegerField(default=0)
    new_people = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="one_tally_per_day_and_kind")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind or '*'}: {self.new_people}/{self.events}"
