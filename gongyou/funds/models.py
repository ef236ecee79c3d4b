"""The ledger (accounts, transactions), programmes with budgets, and fixed dues (SPEC §3 "Dues",
§7; seed §二(三)10).

Money is integer fen everywhere. Money moves only as a Transaction from one account to another;
a posted transaction is never edited or deleted (refused by the ORM and by a database trigger),
only reversed by a new transaction linked to it, once. `Account.balance_fen` is a running balance
changed only under select_for_update in the posting's own transaction and held by a CHECK
constraint; `funds.ledger.reconcile` recomputes it from the transactions."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongyou.core.models import Org, Region
from gongyou.funds.vocab import Kind, PaymentChannel, Period, Source
from gongyou.members.models import Membership


class Account(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="fund_accounts", verbose_name=_("所属工会"))
    source = models.CharField(_("经费来源"), max_length=20, choices=Source.choices)
    may_go_negative = models.BooleanField(_("允许负余额"), default=False)
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org_id", "source"]
        verbose_name = _("经费账户")
        verbose_name_plural = _("经费账户")
        constraints = [
            models.UniqueConstraint(fields=["org", "source"], name="one_account_per_org_and_source"),
            models.CheckConstraint(
                condition=Q(may_go_negative=True) | Q(balance_fen__gte=0), name="account_not_overdrawn"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org.name} · {self.get_source_display()}"


class Programme(models.Model):
    """A programme or campaign that money is allocated to and spent on."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="fund_programmes", verbose_name=_("主办工会"))
    name = models.CharField(_("项目名称"), max_length=128)
    # The benefits campaign it funds, when it is one (benefits sits above funds: a plain key).
    campaign_id = models.PositiveIntegerField(_("服务活动"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("经费项目")
        verbose_name_plural = _("经费项目")

    def __str__(self) -> str:
        return self.name


class Budget(models.Model):
    """The amount a programme may spend out of one account; spending is held to it."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="budgets")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="budgets")
    amount_fen = models.BigIntegerField(_("预算（分）"))
    spent_fen = models.BigIntegerField(_("已支出（分）"), default=0)

    class Meta:
        verbose_name = _("项目预算")
        verbose_name_plural = _("项目预算")
        constraints = [
            models.UniqueConstraint(fields=["programme", "account"], name="one_budget_per_programme_and_account"),
            models.CheckConstraint(condition=Q(spent_fen__lte=F("amount_fen")), name="budget_not_overspent"),
            models.CheckConstraint(condition=Q(spent_fen__gte=0), name="budget_spent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.account}"


class TransactionQuerySet(models.QuerySet["Transaction"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("posted transactions are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("posted transactions are never deleted")


class Transaction(models.Model):
    from_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="outgoing", verbose_name=_("付款账户")
    )
    to_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="incoming", verbose_name=_("收款账户")
    )
    amount_fen = models.BigIntegerField(_("金额（分）"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.TRANSFER)
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    value_date = models.DateField(_("业务日期"), db_index=True)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("项目")
    )
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # A reversal names what it reverses; one-to-one, so the database itself allows one reversal.
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    posted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    posted_by = models.CharField(max_length=80)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name = _("经费流水")
        verbose_name_plural = _("经费流水")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="transaction_amount_positive"),
            models.CheckConstraint(condition=~Q(from_account=F("to_account")), name="transaction_two_accounts"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount_fen}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("posted transactions are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("posted transactions are never deleted")


class DuesSchedule(models.Model):
    """The fixed dues (会费定额) for a region from a date: set by the city, overridable for a
    district or a street; the most specific region wins, then the latest start."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("适用区域"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    period = models.CharField(_("周期"), max_length=10, choices=Period.choices)
    effective_from = models.DateField(_("生效日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region__code", "-effective_from"]
        verbose_name = _("会费标准")
        verbose_name_plural = _("会费标准")
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="one_dues_schedule_per_region_and_date"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="dues_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.amount_fen}/{self.period}"


class DuesPayment(models.Model):
    """One payment of dues for whole periods [covers_from, covers_until], posted into the
    member's org `dues` account (income) and shared on to its `member_service` account."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="dues_payments")
    reference = models.CharField(_("缴费流水号"), max_length=80, unique=True)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    paid_on = models.DateField(_("缴费日期"))
    channel = models.CharField(_("缴费方式"), max_length=10, choices=PaymentChannel.choices)
    covers_from = models.DateField(_("缴至起始"))
    covers_until = models.DateField(_("缴至"), db_index=True)
    income = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="+")
    share = models.OneToOneField(Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("会费缴纳")
        verbose_name_plural = _("会费缴纳")
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="dues_payment_positive")]

    def __str__(self) -> str:
        return self.reference


class DuesReminder(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="dues_reminders")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    due_since = models.DateField()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.sent_at:%Y-%m-%d}"
