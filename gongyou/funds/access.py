"""Scoped reads of the ledger: accounts, transactions and programmes of the orgs in the staff
member's scope (core.access decides the scope; out of scope answers like missing)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongyou.core.access import AnyUser, get_in_scope, get_or_404, scope_org_ids, scoped
from gongyou.funds.models import Account, DuesPayment, Programme, Transaction


def accounts_in_scope(user: AnyUser) -> QuerySet[Account]:
    return scoped(user, Account.objects.select_related("org"))


def account_in_scope(user: AnyUser, pk: object) -> Account:
    return get_in_scope(user, Account.objects.select_related("org"), pk=pk)


def transactions_in_scope(user: AnyUser) -> QuerySet[Transaction]:
    """Transactions touching an account in scope (either side)."""
    qs = Transaction.objects.select_related("from_account__org", "to_account__org", "programme")
    ids = scope_org_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(from_account__org__in=ids) | Q(to_account__org__in=ids))


def transaction_in_scope(user: AnyUser, pk: object) -> Transaction:
    return get_or_404(transactions_in_scope(user), pk=pk)


def programmes_in_scope(user: AnyUser) -> QuerySet[Programme]:
    return scoped(user, Programme.objects.select_related("org"))


def programme_in_scope(user: AnyUser, pk: object) -> Programme:
    return get_in_scope(user, Programme.objects.select_related("org"), pk=pk)


def dues_payments_in_scope(user: AnyUser) -> QuerySet[DuesPayment]:
    return scoped(user, DuesPayment.objects.select_related("membership", "membership__person"), "membership__org")
