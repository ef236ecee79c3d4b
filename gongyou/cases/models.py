"""Voice and rights (SPEC §6): cases with their history, attachments, deadlines and escalations,
early warnings, referrals to departments, hardship relief and legal check-ups of enterprises.

A case belongs to one org at a time (`assigned_org`); escalation moves it up the territorial
tree and leaves a row per overdue period, so "once per period" is a unique constraint rather
than a hope. The name and phone of a worker who is not a member are stored like a member's
(encrypted, keyed hash, masked copy: SPEC §9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongyou.cases.vocab import (
    Action,
    CaseStatus,
    CaseType,
    Channel,
    Department,
    HardshipDecision,
    HardshipReason,
    ReferralOutcome,
    Topic,
    WarningKind,
    WarningLevel,
    WarningStatus,
)
from gongyou.core.models import Enterprise, Org, Region, Station
from gongyou.members.models import Membership, Person


class Case(models.Model):
    case_no = models.CharField(_("诉求编号"), max_length=20, unique=True)
    type = models.CharField(_("类型"), max_length=12, choices=CaseType.choices)
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    channel = models.CharField(_("来源"), max_length=12, choices=Channel.choices)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("情况说明"))
    topic = models.CharField(_("事由"), max_length=16, choices=Topic.choices, default=Topic.OTHER)

    # Who asked: a member (membership and person), or a worker who is not one (name + phone).
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("会员")
    )
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    contact_name_enc = models.TextField(blank=True, default="")
    contact_name_masked = models.CharField(_("姓名"), max_length=64, blank=True, default="")
    contact_phone_enc = models.TextField(blank=True, default="")
    contact_phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    contact_phone_masked = models.CharField(_("手机号码"), max_length=11, blank=True, default="")

    # Where it happened: what the case concerns, and so which street federation it belongs to.
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("涉及企业")
    )
    station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("涉及站点")
    )
    street = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("所在街镇")
    )

    assigned_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="cases", verbose_name=_("承办工会"))
    # The union that received the case (the recording officer's, else the first assigned): it
    # stays in that org's scope after an escalation.
    origin_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("首办工会"))

    # Early warning (disputes above all): what is at stake.
    workers_involved = models.PositiveIntegerField(_("涉及人数"), default=1)
    amount_fen = models.BigIntegerField(_("涉及金额（分）"), default=0)
    collective_action = models.BooleanField(_("群体性行为"), default=False)
    warning_level = models.CharField(
        _("预警等级"), max_length=8, choices=WarningLevel.choices, default=WarningLevel.GREEN, db_index=True
    )

    submitted_at = models.DateTimeField(_("提交时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # The deadline of the current stage (accept, then resolve); null once resolved or refused.
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True, db_index=True)
    # Bumped whenever a new deadline starts (accept, reopen): escalations are counted per round.
    deadline_round = models.PositiveIntegerField(default=1)
    resolution = models.TextField(_("办理结果"), blank=True)
    submitted_by = models.CharField(max_length=80)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        indexes = [
            models.Index(fields=["assigned_org", "status"]),
            models.Index(fields=["origin_org", "status"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["enterprise", "topic", "submitted_at"]),
            models.Index(fields=["station", "topic", "submitted_at"]),
            # The case lists' order and the insight flows' "cases since <day>" (a range on it).
            models.Index(fields=["-submitted_at", "-id"], name="case_submitted_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="case_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.case_no} {self.title}"


class CaseEvent(models.Model):
    """One dated step of a case's history, in words the worker can follow ("我的诉求")."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    # The org that acted (or, for an escalation, the org the case moved to).
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=80)
    note = models.TextField(blank=True)
    # Staff-only remarks are not shown to the worker.
    internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} @ {self.at:%Y-%m-%d %H:%M}"


class CaseAttachment(models.Model):
    """A photo or PDF's checked metadata; the file lies outside the web root, named by its SHA-256
    (gongyou/core/uploads.py), and is served only to the case's worker and staff in scope."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.CharField(max_length=80)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file_name


class Escalation(models.Model):
    """An overdue case moved one org up, once per overdue period of one deadline round."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="escalations")
    deadline_round = models.PositiveIntegerField()
    period = models.PositiveIntegerField()
    from_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "deadline_round", "period"], name="one_escalation_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} round {self.deadline_round} period {self.period}"


class CaseAlert(models.Model):
    """A line in an org's inbox about a case or a warning (escalated in or out, a warning
    raised); the console shows the unread ones."""

    class Kind(models.TextChoices):
        ESCALATED_IN = "escalated_in", _("逾期上报至本会")
        ESCALATED_OUT = "escalated_out", _("本会诉求逾期上报")
        WARNING = "warning", _("预警")
        ASSIGNED = "assigned", _("新诉求")

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="case_alerts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    warning = models.ForeignKey("Warning", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "read_at"])]

    def __str__(self) -> str:
        return self.text


class Warning(models.Model):
    """An early warning (预防预警) on the board of a street federation (or the case's org): a
    yellow or red case by itself, or a cluster of small ones about one enterprise or station and
    one topic within a short window."""

    kind = models.CharField(_("类型"), max_length=10, choices=WarningKind.choices)
    level = models.CharField(_("等级"), max_length=8, choices=WarningLevel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("预警工会"))
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="case_warnings", verbose_name=_("诉求")
    )
    cases = models.ManyToManyField(Case, blank=True, related_name="warnings")
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("事由"), max_length=16, choices=Topic.choices, blank=True)
    summary = models.CharField(_("摘要"), max_length=300)
    raised_at = models.DateTimeField(_("预警时间"), db_index=True)
    window_from = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.TextField(_("处置情况"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return self.summary


class Referral(models.Model):
    """A case handed to a government department (seed Annex 3 §三4–5), with its outcome."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    department = models.CharField(_("转交部门"), max_length=20, choices=Department.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("转交工会"))
    note = models.TextField(_("转交说明"), blank=True)
    referred_at = models.DateTimeField(_("转交时间"))
    outcome = models.CharField(
        _("办理结果"), max_length=10, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING
    )
    outcome_note = models.TextField(_("结果说明"), blank=True)
    outcome_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    referred_by = models.CharField(max_length=80)

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("部门转交")
        verbose_name_plural = _("部门转交")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.department}"


class HardshipRelief(models.Model):
    """The facts of a hardship relief application (困难救助) and its decision; one per case."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="hardship")
    reason = models.CharField(_("困难原因"), max_length=10, choices=HardshipReason.choices)
    household = models.TextField(_("家庭情况"), blank=True)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    monthly_income_fen = models.BigIntegerField(_("家庭月收入（分）"), default=0)
    amount_requested_fen = models.BigIntegerField(_("申请金额（分）"), default=0)
    review_note = models.TextField(_("审核意见"), blank=True)
    decision = models.CharField(
        _("审核结论"), max_length=10, choices=HardshipDecision.choices, default=HardshipDecision.PENDING
    )
    amount_granted_fen = models.BigIntegerField(_("批准金额（分）"), default=0)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.CharField(max_length=80, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("困难救助")
        verbose_name_plural = _("困难救助")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_requested_fen__gte=0, amount_granted_fen__gte=0, monthly_income_fen__gte=0),
                name="hardship_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.decision}"


class LegalCheckup(models.Model):
    """A legal check-up (法律体检) of an enterprise's labour practices, with its findings."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="legal_checkups", verbose_name=_("企业")
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="legal_checkups", verbose_name=_("组织工会"))
    checked_on = models.DateField(_("体检日期"))
    findings = models.TextField(_("发现的问题"))
    issues_found = models.PositiveIntegerField(_("问题数"), default=0)
    recommendations = models.TextField(_("整改建议"), blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    recorded_by = models.CharField(max_length=80)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("法律体检")
        verbose_name_plural = _("法律体检")

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.checked_on}"
