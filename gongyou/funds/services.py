"""Ledger writes: opening accounts, posting, reversing, programmes, budgets and spending
(SPEC §7; seed §二(三)10).

Every function runs in one transaction and writes its audit row there. A posting locks both
accounts (in id order, so two postings between the same accounts cannot deadlock), checks the
balance it is about to take, inserts the transaction and moves both running balances; a CHECK
constraint holds the balance of an account that may not go negative even against a bug."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, F, When
from django.utils.translation import gettext as _

from gongyou.core import audit
from gongyou.core.actors import Actor
from gongyou.core.models import Org
from gongyou.funds.errors import Refused
from gongyou.funds.inputs import CleanPosting, clean_memo
from gongyou.funds.models import Account, Budget, Programme, Transaction
from gongyou.funds.vocab import INFLOW_SOURCES, Kind, Source

# Counterpart accounts: they keep the ledger closed and are never a budget's source.
NOT_BUDGETABLE = frozenset({Source.OPENING, Source.DUES_PAYERS, Source.EXPENSE})


@dataclass(frozen=True)
class Posted:
    transaction: Transaction
    created: bool


# --- accounts ---------------------------------------------------------------------------------


@transaction.atomic
def open_account(org: Org, source: str, *, may_go_negative: bool | None = None, actor: Actor) -> Account:
    """One account per org and source. Accounts money enters through (finance, HQ and agent
    contributions, dues payers, past balances) may go negative by default: their negative
    balance is what they brought in, so the whole ledger always sums to zero (SPEC §7)."""
    if source not in Source.values:
        raise Refused("invalid_source", _("未知的经费来源"), field="source")
    if Account.objects.filter(org=org, source=source).exists():
        raise Refused("account_exists", _("该工会已有这个来源的账户"), field="source", conflict=True)
    negative = source in INFLOW_SOURCES if may_go_negative is None else may_go_negative
    account = Account.objects.create(org=org, source=source, may_go_negative=negative)
    audit.record(actor, "funds.open_account", account, after={"source": source, "may_go_negative": negative}, org=org)
    return account


def ensure_account(org: Org, source: str, *, actor: Actor) -> Account:
    """The org's account for a source, opened on first use (dues, member service, expense)."""
    account = Account.objects.filter(org=org, source=source).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return open_account(org, source, actor=actor)
    except (IntegrityError, Refused):
        # Opened by a concurrent request between our read and our insert.
        return Account.objects.get(org=org, source=source)


# --- postings ---------------------------------------------------------------------------------


def _lock(*ids: int) -> dict[int, Account]:
    # The orgs come along for the audit row (no second round trip); only the accounts are locked.
    rows = (
        Account.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
    )
    return {a.pk: a for a in rows}


def _existing(key: str | None, from_id: int, to_id: int, amount: int) -> Transaction | None:
    if key is None:
        return None
    found = Transaction.objects.filter(idempotency_key=key).first()
    if found is not None and (found.from_account_id, found.to_account_id, found.amount_fen) != (from_id, to_id, amount):
        raise Refused(
            "idempotency_key_reused", _("这个幂等键已用于另一笔不同的流水"), field="idempotency_key", conflict=True
        )
    return found


def _post(
    from_account: Account,
    to_account: Account,
    posting: CleanPosting,
    *,
    kind: str,
    actor: Actor,
    programme: Programme | None = None,
    reverses: Transaction | None = None,
) -> Posted:
    if from_account.pk == to_account.pk:
        raise Refused("same_account", _("付款账户和收款账户不能相同"), field="to_account")
    key, amount = posting.idempotency_key, posting.amount_fen
    found = _existing(key, from_account.pk, to_account.pk, amount)
    if found is not None:
        return Posted(found, False)
    locked = _lock(from_account.pk, to_account.pk)
    # Checked again under the locks: a retry racing the first attempt waits here and then sees it.
    found = _existing(key, from_account.pk, to_account.pk, amount)
    if found is not None:
        return Posted(found, False)
    source = locked[from_account.pk]
    if not source.may_go_negative and source.balance_fen < amount:
        raise Refused("insufficient_funds", _("账户余额不足"), field="amount_fen", conflict=True)
    target = locked[to_account.pk]
    row = Transaction(
        from_account=source,
        to_account=target,
        amount_fen=amount,
        kind=kind,
        memo=posting.memo,
        value_date=posting.value_date,
        programme=programme,
        idempotency_key=key,
        reverses=reverses,
        posted_by=actor.label[:80],
    )
    if reverses is None:
        # Every statement is a round trip: no savepoint where no IntegrityError is expected (a
        # repeated idempotency key was caught above, under the locks).
        row.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            raise Refused("already_reversed", _("这笔流水已经冲正过"), conflict=True) from None
    txn = row
    # One UPDATE for both sides; F() keeps it in the database, under the row locks taken above.
    Account.objects.filter(pk__in=(source.pk, target.pk)).update(
        balance_fen=Case(When(pk=source.pk, then=F("balance_fen") - amount), default=F("balance_fen") + amount)
    )
    audit.record(
        actor,
        f"funds.{kind}",
        txn,
        after={"from": source.pk, "to": to_account.pk, "amount_fen": amount, "memo": posting.memo},
        org=source.org,
        related_org=target.org if target.org_id != source.org_id else None,
    )
    return Posted(txn, True)


@transaction.atomic
def post_transaction(
    from_account: Account,
    to_account: Account,
    posting: CleanPosting,
    *,
    programme: Programme | None = None,
    actor: Actor,
) -> Posted:
    """Move money from one account to another. The same idempotency key again returns the
    transaction it first made (`created` False); an account that may not go below zero refuses
    to (`insufficient_funds`)."""
    return _post(from_account, to_account, posting, kind=Kind.TRANSFER, programme=programme, actor=actor)


@transaction.atomic
def record_opening_balance(account: Account, posting: CleanPosting, *, actor: Actor) -> Posted:
    """An opening balance is a posting like any other: from the org's "past balances" account
    (street federations may use past balances — SPEC §7)."""
    opening = ensure_account(account.org, Source.OPENING, actor=actor)
    return _post(opening, account, posting, kind=Kind.OPENING, actor=actor)


@transaction.atomic
def reverse_transaction(original: Transaction, *, memo: str = "", actor: Actor) -> Transaction:
    """A posted transaction is never changed: it is undone by a new one the other way, linked
    to it, once (`already_reversed`). Dues postings are undone with their payment, not here."""
    original = Transaction.objects.select_related("from_account", "to_account").get(pk=original.pk)
    if original.reverses_id is not None:
        raise Refused("not_reversible", _("冲正流水不能再冲正"), conflict=True)
    if original.kind in (Kind.DUES_PAYMENT, Kind.DUES_SHARE):
        raise Refused("not_reversible", _("会费流水不能单独冲正"), conflict=True)
    _lock(original.from_account_id, original.to_account_id)
    if Transaction.objects.filter(reverses=original).exists():
        raise Refused("already_reversed", _("这笔流水已经冲正过"), conflict=True)
    posting = CleanPosting(
        amount_fen=original.amount_fen,
        memo=clean_memo(memo) or _("冲正 #%(id)s") % {"id": original.pk},
        value_date=original.value_date,
        idempotency_key=None,
    )
    posted = _post(
        original.to_account,
        original.from_account,
        posting,
        kind=Kind.REVERSAL,
        programme=original.programme,
        reverses=original,
        actor=actor,
    )
    if original.kind == Kind.SPENDING and original.programme_id is not None:
        Budget.objects.filter(programme_id=original.programme_id, account_id=original.from_account_id).update(
            spent_fen=F("spent_fen") - original.amount_fen
        )
    return posted.transaction


# --- programmes and budgets -------------------------------------------------------------------


@transaction.atomic
def create_programme(org: Org, name: str, *, campaign_id: int | None = None, actor: Actor) -> Programme:
    name = name.strip()[:128]
    if not name:
        raise Refused("required", _("请填写项目名称"), field="name")
    programme = Programme.objects.create(org=org, name=name, campaign_id=campaign_id)
    audit.record(actor, "funds.create_programme", programme, after={"name": name, "campaign": campaign_id}, org=org)
    return programme


@transaction.atomic
def set_budget(programme: Programme, account: Account, amount_fen: int, *, actor: Actor) -> Budget:
    """Allot a programme a budget out of an account (one line per account; setting it again
    changes the amount, never below what is already spent). The counterparts that keep the
    ledger closed (past balances, dues payers, expense) hold no money to budget."""
    if account.source in NOT_BUDGETABLE:
        raise Refused("invalid_account", _("这个账户不能安排项目预算"), field="account")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        raise Refused("invalid_amount", _("预算金额必须是不小于零的整数（单位：分）"), field="amount_fen")
    budget = Budget.objects.select_for_update().filter(programme=programme, account=account).first()
    if budget is not None and amount_fen < budget.spent_fen:
        raise Refused("below_spent", _("预算不能低于已支出金额"), field="amount_fen", conflict=True)
    before = None if budget is None else {"amount_fen": budget.amount_fen}
    if budget is None:
        budget = Budget.objects.create(programme=programme, account=account, amount_fen=amount_fen)
    else:
        budget.amount_fen = amount_fen
        budget.save(update_fields=["amount_fen"])
    audit.record(
        actor,
        "funds.set_budget",
        budget,
        before=before,
        after={"account": account.pk, "amount_fen": amount_fen},
        org=programme.org,
    )
    return budget


@transaction.atomic
def spend(programme: Programme, account: Account, posting: CleanPosting, *, actor: Actor) -> Posted:
    """Spend on a programme out of one of its budget lines, into the org's expense account; the
    line's remaining budget and the account's balance both hold (`over_budget`,
    `insufficient_funds`)."""
    budget = Budget.objects.select_for_update().filter(programme=programme, account=account).first()
    if budget is None:
        raise Refused("no_budget", _("该项目没有从这个账户安排预算"), field="account")
    if posting.idempotency_key is not None:
        found = Transaction.objects.filter(idempotency_key=posting.idempotency_key).first()
        if found is not None:
            return _post(account, found.to_account, posting, kind=Kind.SPENDING, programme=programme, actor=actor)
    if budget.spent_fen + posting.amount_fen > budget.amount_fen:
        raise Refused("over_budget", _("超出项目预算"), field="amount_fen", conflict=True)
    expense = ensure_account(account.org, Source.EXPENSE, actor=actor)
    posted = _post(account, expense, posting, kind=Kind.SPENDING, programme=programme, actor=actor)
    if posted.created:
        Budget.objects.filter(pk=budget.pk).update(spent_fen=F("spent_fen") + posting.amount_fen)
    return posted
