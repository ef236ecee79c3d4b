"""The coverage indicators (SPEC §8, seed §一(二), §三(一)), each defined once here: its name, its
formula (shown on the dashboards), whether it is a stock (a level at the end of a day) or a flow
(a count during a day), and the queries that produce it per street.

Everything is counted in a street: members and people served where they work (the person's work
street), enterprises and stations where they are registered/located (an enterprise whose street
the registry could not tell counts in its district only), cases where they happened (see
_placed). So streets add up to their district and
the 16 districts add up to the city.

Three ways an indicator is produced, used by insight.snapshots and insight.queries:
- `history(until)`: per day, the count (flow) or the net change (stock) up to `until`, so the
  nightly rebuild can fill any past day exactly;
- `current()`: the level now, for stocks whose past is not recorded (they are snapshotted on
  each rebuild day only);
- `since(start)`: what changed from `start` to now, for the "snapshot + today's delta" reads.
People served is special (distinct persons over a run of months): insight.models.ServedMonth.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, ClassVar

from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gongyou.cases.escalation import overdue
from gongyou.cases.models import Case, CaseEvent
from gongyou.cases.vocab import OPEN_STATUSES, CaseType
from gongyou.core.models import Enterprise, Org, Region, Station
from gongyou.insight.gaps import all_unionless_enterprises
from gongyou.members.models import FoundingTask, Membership, MembershipEvent, RosterEntry, Transfer
from gongyou.members.services import at_risk_memberships
from gongyou.positions.coverage import street_coverage
from gongyou.positions.models import ServicePosition
from gongyou.positions.vocab import Kind as PositionKind
from gongyou.positions.vocab import Status as PositionStatus

Key = tuple[str, str]  # (district code, street code or "" when only the district is known)
Daily = dict[dt.date, Counter[Key]]

# Statuses in which a person is a member (in good standing or not, but not gone): the set whose
# entries and exits the membership history records.
MEMBER_STATUSES = (Membership.Status.ACTIVE, Membership.Status.TRANSFERRING, Membership.Status.SUSPENDED)


def key_of(street_code: str | None, district_code: str | None = None) -> Key | None:
    if street_code:
        return (street_code[:6], street_code)
    if district_code:
        return (district_code, "")
    return None


def _grouped(qs: QuerySet[Any], *paths: str, count: Count | None = None) -> Counter[Key]:
    """Rows of `qs` counted per (district, street) through the given street (and district) paths
    (`count`: what is counted, default the rows)."""
    out: Counter[Key] = Counter()
    for row in qs.order_by().values(*paths).annotate(n=count or Count("pk")).values_list(*paths, "n"):
        key = key_of(*row[:-1])
        if key is not None:
            out[key] += row[-1]
    return out


def _daily(qs: QuerySet[Any], field: str, *paths: str, sign: int = 1, into: Daily | None = None) -> Daily:
    """Rows of `qs` per Shanghai day of `field` and per (district, street)."""
    out: Daily = into if into is not None else defaultdict(Counter)
    is_date = qs.model._meta.get_field(field).get_internal_type() == "DateField"  # type: ignore[union-attr]
    day = field if is_date else "_day"
    if not is_date:
        qs = qs.annotate(_day=TruncDate(field))
    for row in qs.order_by().values(day, *paths).annotate(n=Count("pk")).values_list(day, *paths, "n"):
        key = key_of(*row[1:-1])
        if key is not None:
            out[row[0]][key] += sign * row[-1]
    return out


def moves(events: QuerySet[Any], statuses: Iterable[str]) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """(entered, left): the status-change events (from_status → to_status) that enter the set of
    `statuses` and those that leave it; a stock is the entries less the exits."""
    statuses = list(statuses)
    entered = events.filter(to_status__in=statuses).exclude(from_status__in=statuses)
    left = events.filter(from_status__in=statuses).exclude(to_status__in=statuses)
    return entered, left


def _flat(daily: Daily) -> Counter[Key]:
    total: Counter[Key] = Counter()
    for counts in daily.values():
        total.update(counts)
    return total


class Indicator:
    """One indicator. Subclasses set the class attributes and implement the queries they need."""

    code: ClassVar[str]
    label: ClassVar[Promise]
    formula: ClassVar[Promise]
    kind: ClassVar[str]  # "stock" or "flow"
    has_history: ClassVar[bool] = True
    live: ClassVar[bool] = False  # today's changes are added to the snapshot (snapshot + delta)
    targetable: ClassVar[bool] = True

    def history(self, until: dt.datetime) -> Daily:
        raise NotImplementedError

    def current(self) -> Counter[Key]:
        raise NotImplementedError

    def since(self, start: dt.datetime) -> Counter[Key]:
        return _flat(self.history_between(start))

    def since_batch(self, start: dt.datetime) -> dict[str, Counter[Key]]:
        """`since` of this indicator and of any others one query counts together (the case
        flows), by code: the Reader asks once for all of them."""
        return {self.code: self.since(start)}

    def history_between(self, start: dt.datetime) -> Daily:
        raise NotImplementedError


_MEMBER_STREET = "membership__person__work_street__code"


class MembersActive(Indicator):
    """Members at the end of the day: memberships whose history last entered active, transferring
    or suspended (MEMBER_STATUSES) and has not left it since, counted in the member's work street.
    Live count: `Membership.objects.filter(status__in=MEMBER_STATUSES)`."""

    code = "members_active"
    label = _("在册会员")
    formula = _("会籍状态为正常、接转中或暂停的会员数（按会籍变动记录逐日累计），按工作街镇计")
    kind = "stock"
    live = True

    def _changes(self, events: QuerySet[MembershipEvent]) -> Daily:
        entered, left = moves(events, MEMBER_STATUSES)
        daily = _daily(entered, "at", _MEMBER_STREET)
        return _daily(left, "at", _MEMBER_STREET, sign=-1, into=daily)

    def history(self, until: dt.datetime) -> Daily:
        return self._changes(MembershipEvent.objects.filter(at__lt=until))

    def history_between(self, start: dt.datetime) -> Daily:
        return self._changes(MembershipEvent.objects.filter(at__gte=start))


class NewMembers(Indicator):
    """New members: memberships that became active for the first time that day (`joined_at`),
    counted in the member's work street."""

    code = "new_members"
    label = _("新增会员")
    formula = _("当期首次成为正常会员的会籍数（入会时间在期内），按工作街镇计")
    kind = "flow"
    live = True

    def history(self, until: dt.datetime) -> Daily:
        return _daily(Membership.objects.filter(joined_at__lt=until), "joined_at", "person__work_street__code")

    def history_between(self, start: dt.datetime) -> Daily:
        return _daily(Membership.objects.filter(joined_at__gte=start), "joined_at", "person__work_street__code")


class Transfers(Indicator):
    """Transfers (接转) accepted that day, counted in the member's work street (after the move)."""

    code = "transfers"
    label = _("完成接转")
    formula = _("当期被接收（含到期自动接收）的组织关系接转数，按会员工作街镇计")
    kind = "flow"
    live = True

    def _accepted(self) -> QuerySet[Transfer]:
        return Transfer.objects.filter(status=Transfer.Status.ACCEPTED, decided_at__isnull=False)

    def history(self, until: dt.datetime) -> Daily:
        return _daily(self._accepted().filter(decided_at__lt=until), "decided_at", _MEMBER_STREET)

    def history_between(self, start: dt.datetime) -> Daily:
        return _daily(self._accepted().filter(decided_at__gte=start), "decided_at", _MEMBER_STREET)


class MembersAtRisk(Indicator):
    """Members at risk of being lost (members.services.at_risk_memberships): active members who
    left every roster they were on, or with no contact for GONGYOU_AT_RISK_NO_CONTACT_MONTHS."""

    code = "members_at_risk"
    label = _("流失风险会员")
    formula = _("正常会员中已离开所在全部平台名册、或超过规定月数无联系的人数，按工作街镇计")
    kind = "stock"
    has_history = False
    targetable = False

    def current(self) -> Counter[Key]:
        return _grouped(at_risk_memberships(), "person__work_street__code")


class PeopleServed(Indicator):
    """People served: distinct persons with a service event (benefits.ServiceEvent: hand-outs,
    appointments, insurance, station check-ins…) in the period, counted in the street where they
    work. Over several months a person counts once (insight.models.ServedMonth)."""

    code = "people_served"
    label = _("服务人数")
    formula = _("期内至少获得一次服务（领取、预约到场、参保、驿站签到等服务记录）的不重复人数，按工作街镇计")
    kind = "served"


class RosterWorkers(Indicator):
    """Workers on partner rosters: distinct ID numbers on an active roster row, in the roster's
    street — the real denominator of coverage."""

    code = "roster_workers"
    label = _("平台名册在岗人数")
    formula = _("合作平台名册中在岗的不重复劳动者人数（按身份证号去重），按名册所填街镇计")
    kind = "stock"
    has_history = False

    def current(self) -> Counter[Key]:
        return _grouped(RosterEntry.objects.filter(active=True), "street__code", count=Count("id_hash", distinct=True))


class RosterMembers(Indicator):
    """Roster workers who are members: distinct ID numbers on an active roster row whose person
    holds a membership in MEMBER_STATUSES, in the roster's street."""

    code = "roster_members"
    label = _("名册中的会员")
    formula = _("平台名册在岗人员中已是会员（正常、接转中或暂停）的不重复人数，按名册所填街镇计")
    kind = "stock"
    has_history = False
    targetable = False

    def current(self) -> Counter[Key]:
        member = Membership.objects.filter(person__id_hash=OuterRef("id_hash"), status__in=MEMBER_STATUSES)
        rows = RosterEntry.objects.filter(active=True).filter(Exists(member))
        return _grouped(rows, "street__code", count=Count("id_hash", distinct=True))


_ENTERPRISE = ("street__code", "district__code")


class HeadEnterprises(Indicator):
    """Head enterprises (头部企业) still on the register, where they are registered."""

    code = "head_enterprises"
    label = _("头部企业")
    formula = _("标记为头部企业且未退出登记的企业数，按登记街镇（街镇不详的计入区）")
    kind = "stock"
    has_history = False
    targetable = False

    def current(self) -> Counter[Key]:
        return _grouped(Enterprise.objects.filter(is_head=True, left_register=False), *_ENTERPRISE)


def _first_union(kinds: tuple[str, ...]) -> Any:
    """The founding day of the first active union of these kinds attached (Enterprise or Station)."""
    return Min("unions__founded_on", filter=Q(unions__status=Org.Status.ACTIVE, unions__kind__in=kinds))


class HeadEnterprisesWithUnion(Indicator):
    """Head enterprises with a union: head enterprises on the register with an active enterprise,
    HQ or agent union, from the day the first of those was founded (`founded_on`)."""

    code = "head_enterprises_with_union"
    label = _("已建会头部企业")
    formula = _("头部企业中有正常状态的企业工会（含总部、代理商工会）的企业数，自最早建会日期起计")
    kind = "stock"

    def history(self, until: dt.datetime) -> Daily:
        return self._by_founding(until.date())

    def _by_founding(self, before: dt.date, after: dt.date | None = None) -> Daily:
        rows = (
            Enterprise.objects.filter(is_head=True, left_register=False)
            .annotate(first=_first_union(Org.ENTERPRISE_KINDS))
            .filter(first__lt=before)
            .values_list("first", *_ENTERPRISE)
        )
        return _founded(rows, after)

    def history_between(self, start: dt.datetime) -> Daily:
        return self._by_founding(dt.date.max, start.date())


def _founded(rows: Any, after: dt.date | None) -> Daily:
    out: Daily = defaultdict(Counter)
    for first, street, district in rows:
        key = key_of(street, district)
        if key is not None and (after is None or first >= after):
            out[first][key] += 1
    return out


class Stations(Indicator):
    """Delivery stations (outlets of the platforms), in their street."""

    code = "stations"
    label = _("配送站点")
    formula = _("登记在系统中的配送站点数，按所在街镇计")
    kind = "stock"
    has_history = False
    targetable = False

    def current(self) -> Counter[Key]:
        return _grouped(Station.objects.all(), "street__code")


class StationsWithUnion(Indicator):
    """Stations with a union: delivery stations with an active station branch union or union
    group, from the day the first was founded."""

    code = "stations_with_union"
    label = _("已建会站点")
    formula = _("有正常状态的站点分工会或工会小组的配送站点数，自最早建会日期起计")
    kind = "stock"

    def _by_founding(self, before: dt.date, after: dt.date | None = None) -> Daily:
        rows = (
            Station.objects.annotate(first=_first_union(Org.STATION_KINDS))
            .filter(first__lt=before)
            .values_list("first", "street__code", "street__parent__code")
        )
        return _founded(rows, after)

    def history(self, until: dt.datetime) -> Daily:
        return self._by_founding(until.date())

    def history_between(self, start: dt.datetime) -> Daily:
        return self._by_founding(dt.date.max, start.date())


class UnionlessEnterprises(Indicator):
    """Enterprises in the target industries with no union (insight.gaps: trading, on the register,
    in a mapped industry, no active enterprise union), where registered."""

    code = "unionless_enterprises"
    label = _("目标行业未建会企业")
    formula = _("市场主体登记中存续、属于目标行业、且没有正常状态企业工会的企业数，按登记街镇（不详的计入区）")
    kind = "stock"
    has_history = False
    targetable = False

    def current(self) -> Counter[Key]:
        return _grouped(all_unionless_enterprises(), *_ENTERPRISE)


class RelayStations(Indicator):
    """Relay stations (户外职工爱心接力站) open now, in their street."""

    code = "relay_stations"
    label = _("爱心接力站")
    formula = _("状态为正常开放的户外职工爱心接力站数，按所在街镇计")
    kind = "stock"
    has_history = False

    def current(self) -> Counter[Key]:
        qs = ServicePosition.objects.filter(kind=PositionKind.RELAY_STATION, status=PositionStatus.OPEN)
        return _grouped(qs, "street__code")


class BlindSpots(Indicator):
    """Blind-spot streets (positions.coverage.street_coverage): streets with workers, no open
    relay station inside and their workers on average farther than the radius from one."""

    code = "blind_spots"
    label = _("服务盲区街镇")
    formula = _("有劳动者、街镇内没有开放的接力站、且劳动者到最近接力站的平均距离超过服务半径的街镇数")
    kind = "stock"
    has_history = False
    targetable = False

    def current(self) -> Counter[Key]:
        streets = Region.objects.filter(level=Region.Level.STREET)
        out: Counter[Key] = Counter()
        for row in street_coverage(streets):
            if row.blind:
                out[(row.street.code[:6], row.street.code)] += 1
        return out


_TASK = ("enterprise__street__code", "enterprise__district__code")


class FoundingTasksOpened(Indicator):
    """Founding tasks (25 rule, seed §二(一)3) opened that day, in the enterprise's street."""

    code = "founding_tasks_opened"
    label = _("新开建会任务")
    formula = _("当期新开的建会指导任务数（25人规则及盲区派单），按企业登记街镇计")
    kind = "flow"
    live = True
    targetable = False

    def history(self, until: dt.datetime) -> Daily:
        return _daily(FoundingTask.objects.filter(opened_at__lt=until), "opened_at", *_TASK)

    def history_between(self, start: dt.datetime) -> Daily:
        return _daily(FoundingTask.objects.filter(opened_at__gte=start), "opened_at", *_TASK)


class FoundingTasksClosed(Indicator):
    """Founding tasks closed that day (union founded or otherwise), in the enterprise's street."""

    code = "founding_tasks_closed"
    label = _("完成建会任务")
    formula = _("当期关闭（已建会或其他原因办结）的建会指导任务数，按企业登记街镇计")
    kind = "flow"
    live = True

    def _closed(self) -> QuerySet[FoundingTask]:
        return FoundingTask.objects.filter(status=FoundingTask.Status.CLOSED, closed_at__isnull=False)

    def history(self, until: dt.datetime) -> Daily:
        return _daily(self._closed().filter(closed_at__lt=until), "closed_at", *_TASK)

    def history_between(self, start: dt.datetime) -> Daily:
        return _daily(self._closed().filter(closed_at__gte=start), "closed_at", *_TASK)


# Where a case counts: the street where it happened (Case.street: the station's, else the
# enterprise's, else the one named — the street federation it belongs to), else the street where
# the member works, else the street or district of the union that received it (origin_org, which
# an escalation does not change). A case with none of these (received by the city federation
# about no place) counts in the city only through no district — like every unplaced row here.
_CASE_STREET, _CASE_DISTRICT = "_case_street", "_case_district"


def _placed(qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    """`qs` (cases, or rows with a `case`) annotated with the case's street and district paths."""
    region = f"{prefix}origin_org__region"
    return qs.annotate(
        **{
            _CASE_STREET: Coalesce(
                F(f"{prefix}street__code"),
                F(f"{prefix}person__work_street__code"),
                SqlCase(When(**{f"{region}__level": Region.Level.STREET}, then=F(f"{region}__code"))),
            ),
            _CASE_DISTRICT: SqlCase(When(**{f"{region}__level": Region.Level.DISTRICT}, then=F(f"{region}__code"))),
        }
    )


_CASE_PLACE = _("按事发街镇计（不详的按会员工作街镇，再不详的按首办工会所在街镇或区）")


def _case_formula(what: Any, where: Any) -> Any:
    return format_lazy(_("{what}，{where}"), what=what, where=where)


class CasesSubmitted(Indicator):
    """Cases (诉求, cases.Case) submitted that day, every type, where the case counts (_placed)."""

    code = "cases_submitted"
    label = _("新增诉求")
    formula = _case_formula(_("当期提交的诉求数（意见建议、投诉、困难救助、法律援助、劳动争议）"), _CASE_PLACE)
    kind = "flow"
    live = True
    targetable = False
    case_type: str | None = None

    def _cases(self) -> QuerySet[Case]:
        qs = Case.objects.all() if self.case_type is None else Case.objects.filter(type=self.case_type)
        return _placed(qs)

    def history(self, until: dt.datetime) -> Daily:
        return _daily(self._cases().filter(submitted_at__lt=until), "submitted_at", _CASE_STREET, _CASE_DISTRICT)

    def history_between(self, start: dt.datetime) -> Daily:
        return _daily(self._cases().filter(submitted_at__gte=start), "submitted_at", _CASE_STREET, _CASE_DISTRICT)

    def since_batch(self, start: dt.datetime) -> dict[str, Counter[Key]]:
        """All case flows (every type and the total) since `start` from one grouped query."""
        out: dict[str, Counter[Key]] = {
            code: Counter() for code in ("cases_submitted", *(f"cases_{t}" for t in CaseType))
        }
        rows = (
            _placed(Case.objects.filter(submitted_at__gte=start))
            .order_by()
            .values("type", _CASE_STREET, _CASE_DISTRICT)
            .annotate(n=Count("pk"))
            .values_list("type", _CASE_STREET, _CASE_DISTRICT, "n")
        )
        for case_type, street, district, n in rows:
            key = key_of(street, district)
            if key is not None:
                out["cases_submitted"][key] += n
                out[f"cases_{case_type}"][key] += n
        return out


class CasesOfType(CasesSubmitted):
    """Cases of one type (cases.vocab.CaseType) submitted that day, where the case counts."""

    def __init__(self, case_type: CaseType) -> None:
        self.case_type = case_type.value
        self.code = f"cases_{case_type.value}"  # type: ignore[misc]
        self.label = format_lazy(_("新增诉求（{type}）"), type=case_type.label)  # type: ignore[misc]
        self.formula = _case_formula(  # type: ignore[misc]
            format_lazy(_("当期提交的“{type}”类诉求数"), type=case_type.label), _CASE_PLACE
        )


class CasesOpen(Indicator):
    """Cases open at the end of the day (submitted, accepted or in progress: cases.vocab.
    OPEN_STATUSES, the statuses in which a deadline runs): from the case history, each event that
    moves a case into those statuses (submission, reopening) adds one, each that moves it out
    (resolution, refusal, closing) takes one away. Live count: `Case.objects.filter(status__in=
    OPEN_STATUSES)`."""

    code = "cases_open"
    label = _("在办诉求")
    formula = _case_formula(_("状态为已提交、已受理或办理中的诉求数（按诉求办理记录逐日累计）"), _CASE_PLACE)
    kind = "stock"
    live = True
    targetable = False

    def _changes(self, events: QuerySet[CaseEvent]) -> Daily:
        entered, left = moves(_placed(events, "case__"), OPEN_STATUSES)
        daily = _daily(entered, "at", _CASE_STREET, _CASE_DISTRICT)
        return _daily(left, "at", _CASE_STREET, _CASE_DISTRICT, sign=-1, into=daily)

    def history(self, until: dt.datetime) -> Daily:
        return self._changes(CaseEvent.objects.filter(at__lt=until))

    def history_between(self, start: dt.datetime) -> Daily:
        return self._changes(CaseEvent.objects.filter(at__gte=start))


class CasesOverdue(Indicator):
    """Overdue cases: open cases past the deadline of their current stage (accept, then resolve) —
    exactly the cases `manage.py escalate_cases` escalates (cases.escalation.overdue).
    A deadline's past is not recorded (accepting or reopening replaces it), so this is counted on
    each rebuild day only."""

    code = "cases_overdue"
    label = _("超期诉求")
    formula = _case_formula(_("在办诉求中已超过当前阶段（受理或办结）时限的诉求数（即逾期上报的诉求）"), _CASE_PLACE)
    kind = "stock"
    has_history = False
    targetable = False

    def current(self) -> Counter[Key]:
        return _grouped(_placed(overdue(timezone.now())), _CASE_STREET, _CASE_DISTRICT)


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        MembersActive(),
        NewMembers(),
        Transfers(),
        MembersAtRisk(),
        PeopleServed(),
        RosterWorkers(),
        RosterMembers(),
        HeadEnterprises(),
        HeadEnterprisesWithUnion(),
        Stations(),
        StationsWithUnion(),
        UnionlessEnterprises(),
        RelayStations(),
        BlindSpots(),
        FoundingTasksOpened(),
        FoundingTasksClosed(),
        CasesSubmitted(),
        *(CasesOfType(t) for t in CaseType),
        CasesOpen(),
        CasesOverdue(),
    )
}

# Shares shown beside their parts: (code, label, numerator, denominator).
SHARES: tuple[tuple[str, Promise, str, str], ...] = (
    ("member_share", _("名册人员入会率"), "roster_members", "roster_workers"),
    ("head_union_share", _("头部企业建会率"), "head_enterprises_with_union", "head_enterprises"),
    ("station_union_share", _("站点建会率"), "stations_with_union", "stations"),
)


def share(values: dict[str, int], numerator: str, denominator: str) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide by."""
    below = values.get(denominator, 0)
    return round(100 * values.get(numerator, 0) / below, 1) if below else None


def targetable() -> list[Indicator]:
    return [i for i in INDICATORS.values() if i.targetable]
