"""Real-name people, memberships (会籍) and their history, transfers (接转), partner rosters and
the 25-rule founding tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.models import Enterprise, Org, Region, Station
from gongyou.members.notes import STARTED_BY, WITHDRAWN_BY, render_note
from gongyou.members.routing import REASONS, render_reason


class Person(models.Model):
    """A worker known by real name. The resident ID number is the identity: `id_hash` is unique.

    ID number and phone are stored encrypted (core.crypto) with a keyed hash for lookup and a
    masked copy for display, so lists never need to decrypt.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    name = models.CharField(_("姓名"), max_length=64)
    # Hashes are looked up by equality only: plain B-tree indexes declared in Meta, so PostgreSQL
    # does not also build the LIKE-pattern index Django adds for db_index/unique text fields.
    id_hash = models.CharField(max_length=64)
    id_enc = models.TextField()
    id_masked = models.CharField(_("身份证号码"), max_length=18)
    phone_hash = models.CharField(max_length=64)
    phone_enc = models.TextField()
    phone_masked = models.CharField(_("手机号码"), max_length=11)
    # Last four digits only: many people share one, so it narrows a search, never identifies.
    phone_tail_hash = models.CharField(max_length=64, blank=True, default="")
    birth_date = models.DateField(_("出生日期"), null=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    labor_relation = models.CharField(
        _("用工关系"), max_length=12, choices=LaborRelation.choices
    )
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices)
    employer = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("用工单位"),
    )
    platforms = models.ManyToManyField(
        Enterprise, blank=True, related_name="platform_workers", verbose_name=_("服务平台")
    )
    station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, related_name="workers"
    )
    work_street = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="workers", verbose_name=_("工作街镇")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("劳动者")
        verbose_name_plural = _("劳动者")
        indexes = [
            models.Index(fields=["employer", "work_street"]),
            models.Index(fields=["phone_hash"], name="person_phone_hash"),
            models.Index(fields=["phone_tail_hash"], name="person_phone_tail_hash"),
        ]
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="person_unique_id_hash")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("待审批")
        ACTIVE = "active", _("正常")
        TRANSFERRING = "transferring", _("接转中")
        SUSPENDED = "suspended", _("暂停")
        LAPSED = "lapsed", _("失效")
        WITHDRAWN = "withdrawn", _("已退会")
        REJECTED = "rejected", _("未通过")

    # A person holds at most one membership in these states (enforced by a partial unique index).
    OPEN_STATUSES = (Status.APPLIED, Status.ACTIVE, Status.TRANSFERRING, Status.SUSPENDED)

    class Mode(models.TextChoices):
        EMPLOYER = "employer", _("单位入会")
        INDIVIDUAL = "individual", _("个体入会")

    class Channel(models.TextChoices):
        QR = "qr", _("扫码入会")
        ONLINE = "online", _("网上入会")
        STAFF = "staff", _("工作人员录入")
        PARTNER = "partner", _("平台批量")
        IMPORT = "import", _("Excel导入")

    member_no = models.CharField(_("会员编号"), max_length=16, unique=True, null=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices)
    mode = models.CharField(_("入会方式"), max_length=10, choices=Mode.choices)
    channel = models.CharField(_("入会渠道"), max_length=10, choices=Channel.choices)
    # The joining rule's reason, as text in the record language (history, exports) and as a code
    # with the names it mentions, so the portal, console and API can show it in the reader's language.
    routing_reason = models.TextField(_("归属理由"))
    routing_code = models.CharField(max_length=30, blank=True)
    routing_params = models.JSONField(default=dict, blank=True)
    # The recruitment campaign a QR poster was printed for, when the worker joined through one.
    campaign = models.CharField(_("入会活动"), max_length=40, blank=True, db_index=True)
    via_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_version = models.CharField(_("隐私告知版本"), max_length=20)
    consent_at = models.DateTimeField(_("同意时间"))
    applied_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    joined_at = models.DateTimeField(_("入会时间"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(_("最近联系"), db_index=True)
    # The last day paid for (funds.dues.record_dues_payment keeps it: the latest payment's
    # covers_until). Kept on the membership so the arrears list walks an index instead of
    # grouping every payment of a city's members per page.
    dues_paid_until = models.DateField(_("会费缴至"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("会籍")
        verbose_name_plural = _("会籍")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["applied", "active", "transferring", "suspended"]),
                name="one_open_membership_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["org", "status"]),
            # Today's new members on the coverage dashboards (insight: snapshot + delta).
            models.Index(fields=["joined_at"], name="membership_joined_at"),
            # The console's member list, newest application first, pages by walking this index
            # (scanned backwards) instead of sorting a city's million memberships per page.
            models.Index(fields=["applied_at", "id"], name="membership_applied_order"),
            # The arrears list's order (funds.dues.arrears): longest owing first.
            models.Index(fields=["dues_paid_until", "joined_at", "id"], name="membership_dues_order"),
        ]

    def __str__(self) -> str:
        return self.member_no or f"#{self.pk}"

    @property
    def reason_text(self) -> str:
        """Why this union, in the active language (older rows: the stored text)."""
        if self.routing_code in REASONS:
            return render_reason(self.routing_code, self.routing_params)
        return self.routing_reason


class MembershipEvent(models.Model):
    """Dated history of a membership; nothing about a membership is ever deleted."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30)
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14, blank=True)
    from_org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    actor_label = models.CharField(max_length=80)
    # `note` in the record language; what the system wrote also as a code with its names
    # (members.notes), so the reader sees it in their language. Typed notes have no code.
    note = models.TextField(blank=True)
    note_code = models.CharField(max_length=30, blank=True)
    note_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        # The coverage snapshots replay the history by day, and add today's changes (insight).
        indexes = [models.Index(fields=["at"], name="membershipevent_at")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.kind}"

    @property
    def note_text(self) -> str:
        """The note in the active language (typed notes and older rows: as stored)."""
        if self.note_code:
            return render_note(self.note_code, self.note_params, self.note)
        return self.note

    @property
    def party_label(self) -> str:
        """For a transfer started or withdrawn: who did it ("" when not recorded)."""
        labels = {"transfer_requested": (STARTED_BY, "initiator"), "transfer_cancelled": (WITHDRAWN_BY, "by")}
        if self.kind not in labels:
            return ""
        names, key = labels[self.kind]
        party = str(self.note_params.get(key, ""))
        return str(names[party]) if party in names else ""


class Transfer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已接收")
        REJECTED = "rejected", _("已退回")
        CANCELLED = "cancelled", _("已撤回")

    class Initiator(models.TextChoices):
        MEMBER = "member", _("会员申请")
        OLD_ORG = "old_org", _("转出工会发起")
        NEW_ORG = "new_org", _("转入工会发起")
        SYSTEM = "system", _("系统根据名册提出")

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="transfers_out")
    to_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="transfers_in")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    initiator = models.CharField(max_length=10, choices=Initiator.choices)
    reason = models.TextField(blank=True)
    # Where the member now works (street, employer, station, industry, labour relation ids/values)
    # when the move is a change of job; applied to the person when the transfer is accepted.
    new_context = models.JSONField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    auto_accept_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=80, blank=True)
    decision_note = models.TextField(blank=True)
    # Set when the system wrote the note (members.notes), so it shows in the reader's language.
    decision_code = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_membership",
            )
        ]
        indexes = [models.Index(fields=["status", "auto_accept_at"])]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.from_org_id} → {self.to_org_id} ({self.status})"

    @property
    def decision_text(self) -> str:
        return render_note(self.decision_code, {}, self.decision_note) if self.decision_code else self.decision_note


class FoundingTask(models.Model):
    """25 rule: a street federation guides an enterprise with ≥ 25 individual members to found
    its own union (seed §二(一)3)."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已完成")

    federation = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="founding_tasks")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="founding_tasks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    member_count = models.PositiveIntegerField(_("个体会员数"))
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    founded_union = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "enterprise"],
                condition=Q(status="open"),
                name="one_open_founding_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.federation_id}/{self.enterprise_id} ({self.status})"


class FoundingTaskNote(models.Model):
    """One dated entry of a founding task's follow-up log (约谈, 回访…). Append-only: officers
    add entries, nobody edits or deletes one, so two officers' notes never overwrite each other."""

    task = models.ForeignKey(FoundingTask, on_delete=models.PROTECT, related_name="follow_ups")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=80)
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("跟进记录"))

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["task", "at"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.at:%Y-%m-%d}"


class RosterEntry(models.Model):
    """One row of a platform's workforce roster. Not a membership: the denominator of coverage
    and the evidence that a member moved (transfer proposals, at-risk list)."""

    # The (enterprise, external_id) unique index serves enterprise lookups; every extra index
    # here is paid on each of the hundreds of thousands of rows a roster import writes.
    # No foreign-key constraints in the database (db_constraint=False): checked per row they
    # were half of PostgreSQL's work in a roster import (bench/README.md). The only writer,
    # members.roster, takes every street and station from the rows it has just read (a code
    # nobody knows is refused) and the enterprise is the batch's own; enterprises, streets and
    # stations are never deleted (marked instead), and PROTECT still holds for the ORM.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="roster", db_index=False, db_constraint=False
    )
    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=64)
    id_hash = models.CharField(max_length=64)
    id_enc = models.TextField()
    id_masked = models.CharField(max_length=18)
    phone_hash = models.CharField(max_length=64)
    phone_enc = models.TextField()
    phone_masked = models.CharField(max_length=11)
    street = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    labor_relation = models.CharField(max_length=12, choices=LaborRelation.choices)
    industry = models.CharField(max_length=20, choices=Industry.choices)
    active = models.BooleanField()
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "external_id"], name="roster_unique_external_id")
        ]
        indexes = [
            models.Index(fields=["id_hash"], name="roster_id_hash"),
            # Workers who left a roster (members.services.at_risk_memberships): only inactive
            # rows, so an import of active rows does not pay for it.
            models.Index(fields=["id_hash"], condition=Q(active=False), name="roster_left"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.external_id}"


class Outbox(models.Model):
    """Follow-up work recorded in the same transaction as the change that calls for it, done
    right after commit and again by the `process_outbox` sweep until it is done: a crash between
    the two delays the work but never loses it (issue 14, item 7). Today one kind: the transfer
    proposals a roster batch calls for."""

    class Kind(models.TextChoices):
        PROPOSE_TRANSFERS = "propose_transfers", _("按名册提出转会")

    kind = models.CharField(max_length=40, choices=Kind.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["done_at", "id"], name="outbox_pending")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
