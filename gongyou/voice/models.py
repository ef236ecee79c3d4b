"""Five-party consultations, collective agreements and notices passed down and reports passed
up (上传下达) — SPEC §6; seed §二(二)9, Annex 3 §三3–5.

A consultation (会商) is convened by an org and has named parties of the five kinds, topics,
resolutions and action items each owned by one party. Collective agreements run from proposal
through negotiation to signing (or failure); one in force covers enterprises and a number of
workers. A notice goes from an org down to the orgs chosen in its scope, one receipt row per
receiving org; a report goes from an org up to its parent."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongyou.cases.models import Case, Warning
from gongyou.core.choices import Industry
from gongyou.core.models import Enterprise, Org, Region
from gongyou.voice.vocab import AgreementKind, AgreementStatus, ItemStatus, NoticeAudience, PartyKind, TaskStatus


class Attachment(models.Model):
    """A file kept outside the web root (VAR_DIR/voice_files), named by its SHA-256; served only
    through the console page of what it is attached to, after the scope check."""

    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


# --- five-party consultations -----------------------------------------------------------------


class Meeting(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("召集工会"))
    title = models.CharField(_("会商名称"), max_length=128)
    held_on = models.DateField(_("会商日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=200)
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("五方协调会商")
        verbose_name_plural = _("五方协调会商")

    def __str__(self) -> str:
        return self.title


class Party(models.Model):
    """One named participant of a meeting: its kind, the organisation's name, the people who
    attended for it, and the registry enterprise it is, where it is one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("参会方类型"), max_length=12, choices=PartyKind.choices)
    name = models.CharField(_("参会单位"), max_length=128)
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    attendees = models.CharField(_("出席人员"), max_length=300, blank=True)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("参会方")
        verbose_name_plural = _("参会方")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    # The workers' cases and the early warnings the topic takes up (SPEC §6 "topics linked to
    # cases/opinions").
    cases = models.ManyToManyField(Case, blank=True, related_name="consultation_topics", verbose_name=_("关联诉求"))
    warnings = models.ManyToManyField(Warning, blank=True, related_name="consultation_topics", verbose_name=_("关联预警"))

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("会商议题")
        verbose_name_plural = _("会商议题")

    def __str__(self) -> str:
        return self.title


class Resolution(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolutions", verbose_name=_("议题")
    )
    text = models.TextField(_("决议内容"))

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("会商决议")
        verbose_name_plural = _("会商决议")

    def __str__(self) -> str:
        return self.text[:40]


class ActionItem(models.Model):
    """A task a resolution gives one party, due on a date. `done_on` records when it was done;
    "overdue" is not stored: an open item whose due date has passed is overdue (`effective_status`)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="items", verbose_name=_("决议")
    )
    owner = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="items", verbose_name=_("责任方"))
    title = models.CharField(_("事项"), max_length=200)
    due_on = models.DateField(_("完成期限"), db_index=True)
    # The due date the meeting first set, kept when an officer moves it (with a reason, audited):
    # a moved deadline stays visible on every list and export. Null while never moved.
    original_due_on = models.DateField(_("原定期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.TextField(_("完成情况与佐证"), blank=True)
    evidence_file = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("佐证材料")
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("落实事项")
        verbose_name_plural = _("落实事项")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ItemStatus.OPEN, done_on__isnull=True)
                | Q(status=ItemStatus.DONE, done_on__isnull=False),
                name="action_item_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def effective_status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.status == ItemStatus.OPEN and self.due_on < today:
            return ItemStatus.OVERDUE
        return self.status

    def get_effective_status_display(self) -> str:
        return str(ItemStatus(self.effective_status()).label)

    @property
    def on_time(self) -> bool:
        return self.done_on is not None and self.done_on <= self.due_on


# --- collective agreements --------------------------------------------------------------------


class Agreement(models.Model):
    """A collective negotiation and, once signed, its agreement (工资集体协商 / 集体合同). The union
    side is `org`; the other side is named in `employer_side` (an industry association, the
    platform, the enterprises' representatives). Coverage counts it only while in force."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("工会方"))
    title = models.CharField(_("名称"), max_length=160)
    kind = models.CharField(_("类型"), max_length=10, choices=AgreementKind.choices)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices)
    # The district or street the agreement applies in; the city for a city-wide one.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("适用区域"))
    subjects = models.JSONField(_("协商内容"), default=list)
    employer_side = models.CharField(_("企业方"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.PROPOSED, db_index=True
    )
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("期满日期"), null=True, blank=True)
    enterprises = models.ManyToManyField(Enterprise, blank=True, related_name="agreements", verbose_name=_("覆盖企业"))
    workers_covered = models.PositiveIntegerField(_("覆盖职工人数"), default=0)
    notes = models.TextField(_("协商情况"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("集体合同")
        verbose_name_plural = _("集体合同")

    def __str__(self) -> str:
        return self.title

    def in_force(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == AgreementStatus.SIGNED
            and self.effective_from is not None
            and self.effective_from <= today
            and (self.effective_to is None or today <= self.effective_to)
        )


def in_force_q(today: dt.date) -> Q:
    """Agreements in force on `today` (signed, started, not expired)."""
    return Q(status=AgreementStatus.SIGNED, effective_from__lte=today) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=today)
    )


# --- notices down, reports up -----------------------------------------------------------------


class Notice(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="notices_sent", verbose_name=_("发文工会"))
    title = models.CharField(_("通知标题"), max_length=160)
    body = models.TextField(_("正文"))
    audience = models.CharField(_("发送范围"), max_length=10, choices=NoticeAudience.choices)
    # The org kinds chosen when audience is "kinds" (kept for the record; the receipts are the truth).
    kinds = models.JSONField(default=list, blank=True)
    to_members = models.BooleanField(_("同时发给会员"), default=False)
    # The document a notice carries (a federation's circular as a PDF, a form to fill in), for
    # every receiving org's staff and, when it goes to members, for them in the portal.
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("附件")
    )
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_by = models.CharField(max_length=80)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """One receiving org of a notice; read when a staff member of that org first opens it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="notice_receipts")
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["org_id"]
        constraints = [models.UniqueConstraint(fields=["notice", "org"], name="one_receipt_per_notice_and_org")]
        indexes = [models.Index(fields=["org", "read_at"])]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.org_id}"


class Report(models.Model):
    """A report sent upward (上报): from an org (a station union, a street union…) to its parent."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="reports_sent", verbose_name=_("报送工会"))
    to_org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="reports_received", verbose_name=_("接收工会")
    )
    title = models.CharField(_("材料标题"), max_length=160)
    body = models.TextField(_("内容"))
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("附件")
    )
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_by = models.CharField(max_length=80)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("上报材料")
        verbose_name_plural = _("上报材料")

    def __str__(self) -> str:
        return self.title


# --- the departments' task board (seed Annex 2) ---------------------------------------------------


class Department(models.Model):
    """A government department a federation works with on gig workers' unionisation (seed
    Annex 2: 网信办, 经信委, 人社局, 交通委, 市场监管局, 邮政管理局, 检察院…): the city federation
    keeps the city-level departments' board, a district federation its district's."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="departments", verbose_name=_("工会"))
    name = models.CharField(_("部门"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org_id", "id"]
        verbose_name = _("协同部门")
        verbose_name_plural = _("协同部门")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class DepartmentTask(models.Model):
    """One of a department's tasks in the division of labour, with its recorded progress. The
    state follows the progress (TaskStatus); the updates are its history and evidence."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("部门"))
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("任务内容"), blank=True)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    updated_at = models.DateTimeField(_("最近更新"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department_id", "id"]
        verbose_name = _("部门任务")
        verbose_name_plural = _("部门任务")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="department_task_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def effective_status(self, today: dt.date) -> str:
        if self.status != TaskStatus.DONE and self.due_on is not None and self.due_on < today:
            return TaskStatus.OVERDUE
        return self.status


class DepartmentTaskUpdate(models.Model):
    """What was done on a task, when, by whom, with what evidence: the board's history."""

    task = models.ForeignKey(DepartmentTask, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    progress = models.PositiveSmallIntegerField(_("进度（%）"))
    note = models.TextField(_("进展情况"), blank=True)
    evidence = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("佐证材料")
    )
    recorded_by = models.CharField(max_length=80)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")

    def __str__(self) -> str:
        return f"{self.task_id} {self.progress}%"
