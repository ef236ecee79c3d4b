"""Fixed dues (会费定额): the schedule, payments, arrears, reminders, lapse and reinstatement
(SPEC §3 "Dues", §7; seed §二(三)10).

The city sets an amount per month, quarter or year; a district or street may override it (the
most specific region wins, then the latest start). A payment pays whole periods, one after the
other from the month the member joined; it posts dues income from the org's dues payers into
its `dues` account, and the share rule moves it on to the org's `member_service` account. A
member whose dues are unpaid past the grace period lapses (members.services.lapse_membership);
a later payment that brings them up to date reinstates the same membership, member number and
history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.core import audit, crypto
from gongyou.core.actors import Actor
from gongyou.core.models import Region
from gongyou.core.sms import SmsBackend, SmsError, get_backend
from gongyou.funds.errors import Refused
from gongyou.funds.inputs import CleanPosting
from gongyou.funds.models import DuesPayment, DuesReminder, DuesSchedule
from gongyou.funds.services import _post, ensure_account
from gongyou.funds.vocab import PERIOD_MONTHS, Kind, PaymentChannel, Period, Source
from gongyou.members.models import Membership
from gongyou.members.services import lapse_membership, open_membership, reinstate_membership

S = Membership.Status
# Who owes dues: members in good standing or suspended (lapse applies to both).
OWING = (S.ACTIVE, S.SUSPENDED)


# --- schedule ---------------------------------------------------------------------------------


@transaction.atomic
def set_dues_schedule(
    region: Region, amount_fen: int, period: str, *, effective_from: dt.date, actor: Actor
) -> DuesSchedule:
    """Set the fixed dues for a region (the city, a district or a street) from a date on; an
    earlier schedule stays as history."""
    if period not in Period.values:
        raise Refused("invalid_period", _("缴费周期应为每月、每季度或每年"), field="period")
    before = None
    schedule = DuesSchedule.objects.select_for_update().filter(region=region, effective_from=effective_from).first()
    if schedule is None:
        schedule = DuesSchedule.objects.create(
            region=region, amount_fen=amount_fen, period=period, effective_from=effective_from
        )
    else:
        before = {"amount_fen": schedule.amount_fen, "period": schedule.period}
        DuesSchedule.objects.filter(pk=schedule.pk).update(amount_fen=amount_fen, period=period)
        schedule.refresh_from_db()
    audit.record(
        actor,
        "funds.set_dues_schedule",
        schedule,
        before=before,
        after={"region": region.code, "amount_fen": amount_fen, "period": period, "from": effective_from.isoformat()},
        org=audit.place_federation(region),
    )
    return schedule


def _chain(region: Region) -> list[Region]:
    chain = [region]
    while chain[-1].parent_id is not None and len(chain) < 3:
        chain.append(chain[-1].parent)  # type: ignore[arg-type]
    return chain


def schedule_for(region: Region, on: dt.date) -> DuesSchedule | None:
    """The schedule in force for a region on a date: the most specific region's latest one."""
    chain = _chain(region)
    found = {
        s.region_id: s
        for s in DuesSchedule.objects.filter(region__in=chain, effective_from__lte=on).order_by("effective_from")
    }
    for r in chain:
        if r.pk in found:
            return found[r.pk]
    return None


# --- payments ---------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def paid_until(membership: Membership) -> dt.date | None:
    return DuesPayment.objects.filter(membership=membership).aggregate(m=Max("covers_until"))["m"]


def _start(membership: Membership, fallback: dt.date) -> dt.date:
    joined = timezone.localdate(membership.joined_at) if membership.joined_at else fallback
    return joined.replace(day=1)


@dataclass(frozen=True)
class PaymentResult:
    payment: DuesPayment
    created: bool
    reinstated: bool = False


def service_share_fen(amount_fen: int) -> int:
    """The share rule: this part of each payment goes on to the member-service fund."""
    percent = min(int(settings.GONGYOU["DUES_SERVICE_SHARE_PERCENT"]), 100)
    return amount_fen * percent // 100


@transaction.atomic
def record_dues_payment(
    membership: Membership,
    amount_fen: int,
    *,
    reference: str,
    paid_on: dt.date,
    channel: str,
    actor: Actor,
) -> PaymentResult:
    """Record a dues payment, idempotently by its reference (a replayed file or a retry gets the
    payment it first made). It pays whole periods of the schedule in force on the day paid."""
    reference = reference.strip()
    if not reference:
        raise Refused("required", _("请填写缴费流水号"), field="reference")
    locked = Membership.objects.select_for_update().select_related("org", "org__region").get(pk=membership.pk)
    existing = DuesPayment.objects.filter(reference=reference).first()
    if existing is not None:
        if (existing.membership_id, existing.amount_fen) != (locked.pk, amount_fen):
            raise Refused("reference_reused", _("这个缴费流水号已用于另一笔缴费"), field="reference", conflict=True)
        return PaymentResult(existing, False)
    if locked.status not in (*OWING, S.LAPSED):
        raise Refused("bad_status", _("该会籍当前不需要缴纳会费"), field="member_no", conflict=True)
    schedule = schedule_for(locked.org.region, paid_on)
    if schedule is None:
        raise Refused("no_schedule", _("该会员所在区域尚未设定会费标准"), field="member_no")
    if amount_fen % schedule.amount_fen:
        raise Refused(
            "amount_not_multiple",
            _("金额应为会费标准 %(amount)s 分的整数倍") % {"amount": schedule.amount_fen},
            field="amount_fen",
        )
    periods = amount_fen // schedule.amount_fen
    last = paid_until(locked)
    covers_from = last + dt.timedelta(days=1) if last else _start(locked, paid_on)
    covers_until = _add_months(covers_from, periods * PERIOD_MONTHS[Period(schedule.period)]) - dt.timedelta(days=1)

    payers = ensure_account(locked.org, Source.DUES_PAYERS, actor=actor)
    dues = ensure_account(locked.org, Source.DUES, actor=actor)
    memo = _("会费 %(member_no)s") % {"member_no": locked.member_no}
    income = _post(
        payers,
        dues,
        CleanPosting(amount_fen, memo, paid_on, f"dues:{reference}"[:80]),
        kind=Kind.DUES_PAYMENT,
        actor=actor,
    ).transaction
    share = None
    share_fen = service_share_fen(amount_fen)
    if share_fen:
        service = ensure_account(locked.org, Source.MEMBER_SERVICE, actor=actor)
        share = _post(
            dues,
            service,
            CleanPosting(share_fen, memo, paid_on, f"dues-share:{reference}"[:80]),
            kind=Kind.DUES_SHARE,
            actor=actor,
        ).transaction
    payment = DuesPayment.objects.create(
        membership=locked,
        reference=reference,
        amount_fen=amount_fen,
        paid_on=paid_on,
        channel=channel,
        covers_from=covers_from,
        covers_until=covers_until,
        income=income,
        share=share,
    )
    # Payments only ever extend the paid period (covers_from follows the last covers_until).
    Membership.objects.filter(pk=locked.pk).update(dues_paid_until=covers_until)
    locked.dues_paid_until = covers_until
    audit.record(
        actor,
        "funds.record_dues_payment",
        payment,
        after={
            "member_no": locked.member_no,
            "amount_fen": amount_fen,
            "until": covers_until.isoformat(),
            "channel": channel,
        },
        org=locked.org,
    )
    reinstated = False
    if locked.status == S.LAPSED and covers_until >= timezone.localdate() and open_membership(locked.person) is None:
        # Paid up again: the same membership (number, history) comes back (SPEC §3).
        reinstate_membership(locked, actor=actor)
        reinstated = True
    return PaymentResult(payment, True, reinstated)


# --- paid by the worker ----------------------------------------------------------------------


class PaymentGateway:
    """Where a real payment provider would plug in: confirm a worker's payment and return the
    provider's reference. Gongyou takes no money itself (issue 11)."""

    def confirm(self, membership: Membership, amount_fen: int, reference: str) -> str:
        raise NotImplementedError


class ManualGateway(PaymentGateway):
    """Record only: the worker paid by other means and tells us the reference."""

    def confirm(self, membership: Membership, amount_fen: int, reference: str) -> str:
        if not reference.strip():
            raise Refused("required", _("请填写缴费流水号"), field="reference")
        return f"manual:{reference.strip()}"


def pay_dues_by_worker(
    membership: Membership,
    amount_fen: int,
    *,
    reference: str,
    gateway: PaymentGateway | None = None,
    actor: Actor,
) -> PaymentResult:
    confirmed = (gateway or ManualGateway()).confirm(membership, amount_fen, reference)
    return record_dues_payment(
        membership,
        amount_fen,
        reference=confirmed,
        paid_on=timezone.localdate(),
        channel=PaymentChannel.WORKER,
        actor=actor,
    )


# --- arrears, reminders, lapse ----------------------------------------------------------------


def _covered(on: dt.date) -> Q:
    """Memberships whose org lies in a region that has a dues schedule in force."""
    regions = list(DuesSchedule.objects.filter(effective_from__lte=on).values_list("region_id", flat=True).distinct())
    return Q(org__region__in=regions) | Q(org__region__parent__in=regions) | Q(org__region__parent__parent__in=regions)


def arrears(
    memberships: QuerySet[Membership], *, on: dt.date | None = None, behind_since: dt.date | None = None
) -> QuerySet[Membership]:
    """Members who owe dues on `on` (today): their paid periods end before it, or they never
    paid since the month they joined. Each row carries `paid_until` and `due_since`.
    `behind_since` keeps only those owing since that day or earlier (the lapse rule)."""
    on = on or timezone.localdate()
    cutoff = behind_since or on
    # The paid period is kept on the membership (record_dues_payment), so this is an index walk in
    # the list's order, not a grouping of every payment in the scope.
    qs = memberships.filter(_covered(on), status__in=OWING, joined_at__isnull=False).annotate(
        paid_until=F("dues_paid_until"), joined_on=TruncDate("joined_at")
    )
    # Never paid: owing since the first of the month they joined.
    next_month = _add_months(cutoff.replace(day=1), 1)
    joined_before = timezone.make_aware(dt.datetime.combine(next_month, dt.time.min))
    never = Q(dues_paid_until__isnull=True, joined_at__lt=joined_before)
    behind = Q(dues_paid_until__lt=cutoff)
    return qs.filter(never | behind).select_related("person", "org").order_by("dues_paid_until", "joined_at", "pk")


def lapse_unpaid_dues(*, on: dt.date | None = None, actor: Actor) -> list[Membership]:
    """Lapse every membership owing dues for longer than the grace period (cron, daily)."""
    on = on or timezone.localdate()
    grace = int(settings.GONGYOU["DUES_GRACE_DAYS"])
    behind_since = on - dt.timedelta(days=grace)
    lapsed = []
    for membership in arrears(Membership.objects.all(), on=on, behind_since=behind_since):
        lapsed.append(
            lapse_membership(membership, reason=_("会费逾期未缴超过 %(days)s 天") % {"days": grace}, actor=actor)
        )
    return lapsed


def owing_since(membership: Any) -> dt.date:
    """For a row of `arrears`: the first day not paid for."""
    if membership.paid_until is not None:
        return membership.paid_until + dt.timedelta(days=1)  # type: ignore[no-any-return]
    return membership.joined_on.replace(day=1)  # type: ignore[no-any-return]


def send_dues_reminders(
    *,
    on: dt.date | None = None,
    backend: SmsBackend | None = None,
    memberships: QuerySet[Membership] | None = None,
    actor: Actor,
) -> int:
    """Text every member in arrears who was not reminded in the last interval; returns how many
    were sent. A failed send is logged in the audit and retried on the next run. `memberships`:
    only these (a staff member's scope); all by default (the cron command)."""
    on = on or timezone.localdate()
    backend = backend or get_backend()
    interval = int(settings.GONGYOU["DUES_REMINDER_INTERVAL_DAYS"])
    recent = DuesReminder.objects.filter(sent_at__date__gt=on - dt.timedelta(days=interval)).values("membership_id")
    sent = 0
    pool = Membership.objects.all() if memberships is None else memberships
    for membership in arrears(pool.exclude(pk__in=recent), on=on):
        since = owing_since(membership)
        message = _("【工友】您的工会会费自 %(since)s 起尚未缴纳，请及时缴纳以保留会籍。会员编号 %(member_no)s") % {
            "since": since.isoformat(),
            "member_no": membership.member_no,
        }
        try:
            backend.send(crypto.decrypt(membership.person.phone_enc), message, purpose="dues_reminder", code="")
        except SmsError as exc:
            audit.record(actor, "funds.dues_reminder_failed", membership, reason=exc.code, org=membership.org)
            continue
        with transaction.atomic():
            reminder = DuesReminder.objects.create(membership=membership, due_since=since)
            audit.record(
                actor,
                "funds.send_dues_reminder",
                reminder,
                after={"member_no": membership.member_no},
                org=membership.org,
            )
        sent += 1
    return sent


@dataclass(frozen=True)
class DuesStatus:
    """What the portal shows a member: the schedule that applies, paid through when, and since
    when they owe (None when paid up or when no schedule applies)."""

    schedule: DuesSchedule | None
    paid_until: dt.date | None
    owing_since: dt.date | None


def dues_status(membership: Membership, *, on: dt.date | None = None) -> DuesStatus:
    on = on or timezone.localdate()
    schedule = schedule_for(membership.org.region, on)
    until = paid_until(membership)
    if schedule is None or membership.status not in OWING or membership.joined_at is None:
        return DuesStatus(schedule, until, None)
    since = until + dt.timedelta(days=1) if until else _start(membership, on)
    return DuesStatus(schedule, until, since if since <= on else None)
