"""Demo funding (issue 11 §6): accounts for the demo federations with opening balances and
appropriations, the city's fixed-dues schedule with one district override, a few months of dues
payments, and a programme with a budget and spending. Idempotent: postings carry idempotency
keys, payments references, and what exists is left alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from gongyou.benefits.models import Campaign
from gongyou.benefits.vocab import CampaignKind
from gongyou.core.actors import Actor
from gongyou.core.models import Org
from gongyou.funds.dues import record_dues_payment, schedule_for, set_dues_schedule
from gongyou.funds.errors import Refused
from gongyou.funds.inputs import CleanPosting
from gongyou.funds.models import Budget, DuesPayment, DuesSchedule, Programme, Transaction
from gongyou.funds.services import (
    create_programme,
    ensure_account,
    post_transaction,
    record_opening_balance,
    set_budget,
    spend,
)
from gongyou.funds.vocab import PaymentChannel, Period, Source
from gongyou.members.models import Membership

DUES_MEMBERS = 40
SCHEDULE_FROM = dt.date(2025, 1, 1)


@dataclass
class FundsReport:
    transactions: int = 0
    payments: int = 0


def _posting(amount: int, memo: str, key: str, on: dt.date) -> CleanPosting:
    return CleanPosting(amount_fen=amount, memo=memo, value_date=on, idempotency_key=key)


def seed_funds(*, actor: Actor, today: dt.date | None = None) -> FundsReport:
    today = today or timezone.localdate()
    start_txns, start_payments = Transaction.objects.count(), DuesPayment.objects.count()
    city = Org.objects.filter(parent__isnull=True, kind=Org.Kind.CITY_FEDERATION).order_by("id").first()
    if city is None:
        return FundsReport()
    year_start = today.replace(month=1, day=1)

    city_finance = ensure_account(city, Source.CITY_FINANCE, actor=actor)
    city_fund = ensure_account(city, Source.UNION_CITY, actor=actor)
    record_opening_balance(city_fund, _posting(5_000_000, "上年结余", "demo:opening:city", year_start), actor=actor)
    post_transaction(
        city_finance, city_fund, _posting(2_000_000, "市财政专项拨款", "demo:approp:city", year_start), actor=actor
    )

    districts = Org.objects.filter(kind=Org.Kind.DISTRICT_FEDERATION, status=Org.Status.ACTIVE).order_by("id")
    for d in districts:
        finance = ensure_account(d, Source.DISTRICT_FINANCE, actor=actor)
        fund = ensure_account(d, Source.UNION_DISTRICT, actor=actor)
        post_transaction(finance, fund, _posting(500_000, "区财政拨款", f"demo:approp:{d.pk}", year_start), actor=actor)
        post_transaction(
            city_fund, fund, _posting(100_000, "市总下拨", f"demo:city-to:{d.pk}", year_start), actor=actor
        )
    streets = Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, status=Org.Status.ACTIVE).order_by("id")
    for s in streets:
        fund = ensure_account(s, Source.UNION_STREET, actor=actor)
        record_opening_balance(fund, _posting(80_000, "往年结余", f"demo:opening:{s.pk}", year_start), actor=actor)
    for hq in Org.objects.filter(kind=Org.Kind.HQ_UNION, status=Org.Status.ACTIVE).order_by("id"):
        contribution = ensure_account(hq, Source.HQ_UNION, actor=actor)
        service = ensure_account(hq, Source.MEMBER_SERVICE, actor=actor)
        post_transaction(
            contribution, service, _posting(300_000, "总部工会经费投入", f"demo:hq:{hq.pk}", year_start), actor=actor
        )

    if not DuesSchedule.objects.filter(region=city.region).exists():
        set_dues_schedule(city.region, 500, Period.MONTH, effective_from=SCHEDULE_FROM, actor=actor)
    first_district = districts.first()
    if first_district is not None and not DuesSchedule.objects.filter(region=first_district.region).exists():
        set_dues_schedule(first_district.region, 1200, Period.QUARTER, effective_from=SCHEDULE_FROM, actor=actor)

    members = Membership.objects.filter(status=Membership.Status.ACTIVE).select_related("org__region").order_by("pk")
    for n, m in enumerate(members[:DUES_MEMBERS]):
        # Most come from the platforms' withholding files; some were paid at the union's desk
        # (recorded by staff) or reported by the worker on the portal.
        channel = PaymentChannel.STAFF if n % 3 == 1 else PaymentChannel.WORKER if n % 5 == 2 else PaymentChannel.IMPORT
        for months_ago in (3, 2, 1):
            paid_on = today - dt.timedelta(days=30 * months_ago)
            schedule = schedule_for(m.org.region, paid_on)
            if schedule is None:
                continue
            try:
                record_dues_payment(
                    m,
                    schedule.amount_fen,
                    reference=f"demo:dues:{m.member_no}:{months_ago}",
                    paid_on=paid_on,
                    channel=channel,
                    actor=actor,
                )
            except Refused:
                continue

    programme = Programme.objects.filter(org=city, name="夏日送清凉经费").first()
    if programme is None:
        # It funds the city's summer-cooling campaign when the benefits demo made one.
        campaign = Campaign.objects.filter(org=city, kind=CampaignKind.SUMMER_COOLING).order_by("-starts_at").first()
        programme = create_programme(city, "夏日送清凉经费", campaign_id=campaign.pk if campaign else None, actor=actor)
    if not Budget.objects.filter(programme=programme, account=city_fund).exists():
        set_budget(programme, city_fund, 1_000_000, actor=actor)
    for i, amount in enumerate((180_000, 95_000, 120_000)):
        spend(
            programme,
            city_fund,
            _posting(amount, "清凉物资采购", f"demo:spend:{i}", today - dt.timedelta(days=20 - i)),
            actor=actor,
        )
    return FundsReport(
        transactions=Transaction.objects.count() - start_txns, payments=DuesPayment.objects.count() - start_payments
    )
