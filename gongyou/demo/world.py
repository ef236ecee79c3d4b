"""The demo world behind `manage.py seed_demo`: Shanghai's real districts and streets with
federations, fictional platforms ("示例…", never real company names), their agents, stations and
unions, synthetic members and rosters, and demo staff accounts.

Everything is derived from fixed sequences (no randomness, no clock in the choices), and every
step first looks for what it would create, so a second run creates nothing and changes nothing.
All writes go through the service layer so the demo also shows a realistic audit log.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from tqdm import tqdm

from gongyou.core import crypto
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.models import Enterprise, Org, Region, StaffProfile, Station
from gongyou.core.services import create_org, create_staff, create_station, load_regions, upsert_enterprise
from gongyou.core.synthetic import make_id_number, make_phone, make_uscc
from gongyou.demo.benefits import seed_benefits
from gongyou.members.inputs import Lookups, clean_worker
from gongyou.members.models import Membership, Person, Transfer
from gongyou.members.roster import upsert_roster
from gongyou.members.services import find_person, join
from gongyou.members.transfers import request_transfer
from gongyou.partners.models import PartnerCredential
from gongyou.partners.services import issue_partner_token

K = Org.Kind
FM = Org.FoundingMode
I = Industry  # noqa: E741
L = LaborRelation
DEMO_PASSWORD = "gongyou-demo-2026"
CITY_NAME = "上海市总工会"
XUJIAHUI = "310104014"
XUHUI = "310104"
FOUNDED = dt.date(2022, 3, 1)
# make_id_number/make_phone sequences of demo people start here, far from the small numbers tests use.
PERSON_SEQ = 500_000
BATCH = 200


@dataclass(frozen=True)
class PlatformPlan:
    key: str
    uscc_seq: int
    name: str
    short: str
    industry: str
    street: str  # where the enterprise (and its HQ union) is registered
    hq_union: bool
    stations: int


@dataclass(frozen=True)
class AgentPlan:
    key: str
    platform: str
    uscc_seq: int
    name: str
    short: str
    street: str
    district: str  # the agent's stations lie in this district's streets
    union: bool
    stations: int


PLATFORMS = [
    PlatformPlan("food", 9001, "示例外卖平台有限公司", "示例外卖", I.FOOD_DELIVERY, "310105002", True, 60),
    PlatformPlan("express", 9002, "示例快递物流有限公司", "示例快递", I.EXPRESS, "310118002", True, 50),
    PlatformPlan("freight", 9003, "示例同城货运平台有限公司", "示例货运", I.FREIGHT, "310112112", True, 20),
    PlatformPlan("ride", 9004, "示例网约车出行有限公司", "示例出行", I.RIDE_HAILING, "310115013", False, 0),
]
AGENTS = [
    AgentPlan("food_xh", "food", 9101, "示例外卖平台徐汇配送代理有限公司", "示例外卖徐汇", XUJIAHUI, XUHUI, True, 25),
    AgentPlan("food_pd", "food", 9102, "示例外卖平台浦东配送代理有限公司", "示例外卖浦东", "310115013", "310115", True, 30),
    AgentPlan("food_mh", "food", 9103, "示例外卖平台闵行配送代理有限公司", "示例外卖闵行", "310112009", "310112", False, 15),
    # No union and 30 employee members in 徐家汇街道: the 25 rule opens a founding task there.
    AgentPlan("food_js", "food", 9104, "示例即时配送服务有限公司", "示例即时配送", XUJIAHUI, XUHUI, False, 10),
    AgentPlan("exp_hp", "express", 9201, "示例快递物流黄浦分拨代理有限公司", "示例快递黄浦", "310101002", "310101", True, 15),
    AgentPlan("exp_bs", "express", 9202, "示例快递物流宝山网点代理有限公司", "示例快递宝山", "310113104", "310113", False, 15),
    AgentPlan("frt_jd", "freight", 9301, "示例同城货运嘉定代理有限公司", "示例货运嘉定", "310114004", "310114", False, 10),
]
FOUNDING_AGENT = "food_js"
FOUNDING_MEMBERS = 30
DEFAULT_MEMBERS = 2400
ROSTER_ONLY_WORKERS = 600  # on a platform roster but not (yet) members: the coverage denominator

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红春梅海波鹏飞宇浩晨阳凯东亮斌"
CHANNELS = ["qr", "online", "staff", "partner", "import"]


@dataclass
class Report:
    created: Counter[str] = field(default_factory=Counter)
    partner_token: str = ""
    partner_token_note: str = ""
    partner_enterprise: str = ""
    credentials: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def demo_password() -> str:
    return os.environ.get("GONGYOU_DEMO_PASSWORD") or DEMO_PASSWORD


def person_name(seq: int) -> str:
    given = GIVEN[seq % len(GIVEN)]
    if seq % 3:
        given += GIVEN[(seq // len(GIVEN) + seq * 7) % len(GIVEN)]
    return SURNAMES[(seq // 3) % len(SURNAMES)] + given


class Seeder:
    def __init__(self, *, members: int = DEFAULT_MEMBERS, progress: bool = True, out: Callable[[str], None] = print):
        self.members = members
        self.progress = progress
        self.out = out
        self.report = Report()
        self.actor: Actor = COMMAND
        self.orgs: dict[tuple[str, str], Org] = {}

    # --- helpers -------------------------------------------------------------------------

    def _org(self, name: str, kind: str, region: Region, **kwargs: Any) -> Org:
        """Found the org unless an org of that kind and name already exists."""
        found = self.orgs.get((kind, name))
        if found is None:
            kwargs.setdefault("founded_on", FOUNDED + dt.timedelta(days=len(self.orgs) % 900))
            found = create_org(name=name, kind=kind, region=region, actor=self.actor, **kwargs)
            self.orgs[(kind, name)] = found
            self.report.created["orgs"] += 1
        return found

    # --- the world -----------------------------------------------------------------------

    def run(self) -> Report:
        self.report.created["regions"] += load_regions()
        self.orgs = {(o.kind, o.name): o for o in Org.objects.select_related("region")}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.streets = [r for r in self.regions.values() if r.level == Region.Level.STREET]
        self.streets.sort(key=lambda r: r.code)
        self.districts = sorted(
            (r for r in self.regions.values() if r.level == Region.Level.DISTRICT), key=lambda r: r.code
        )
        with transaction.atomic():
            self._federations()
            self._street_unions()
        with transaction.atomic():
            self._enterprises()
            self._stations()
            self._station_unions()
        with transaction.atomic():
            self._staff()
        self._members()
        self._transfers()
        self._rosters()
        self._partner_token()
        self._benefits()
        return self.report

    def _federations(self) -> None:
        self.city = self._org(CITY_NAME, K.CITY_FEDERATION, self.regions["310000"])
        self.district_feds: dict[str, Org] = {}
        for d in self.districts:
            self.district_feds[d.code] = self._org(f"{d.name}总工会", K.DISTRICT_FEDERATION, d, parent=self.city)
        self.street_feds: dict[str, Org] = {}
        for s in self.streets:
            self.street_feds[s.code] = self._org(
                f"{s.name}总工会", K.STREET_FEDERATION, s, parent=self.district_feds[s.code[:6]]
            )

    def _street_union_plan(self, index: int, street: Region) -> list[tuple[str, str, str]]:
        """(name, industry, founding mode) of the street unions of the index-th street. Most
        streets have a food-delivery and an express union; every third also a regional joint
        one; one in eight only an express union (so food workers take "any street union"); one
        in ten none at all (the street federation takes them in, 兜底)."""
        if street.code == XUJIAHUI:
            return [(f"{street.name}外卖行业工会", I.FOOD_DELIVERY, FM.INDUSTRY), (f"{street.name}快递行业工会", I.EXPRESS, FM.INDUSTRY)]
        if index % 10 == 9:
            return []
        plan: list[tuple[str, str, str]] = [(f"{street.name}快递行业工会", I.EXPRESS, FM.INDUSTRY)]
        if index % 8 != 5:
            plan.insert(0, (f"{street.name}外卖行业工会", I.FOOD_DELIVERY, FM.INDUSTRY))
        if index % 3 == 0:
            plan.append((f"{street.name}新就业形态联合工会", "", FM.REGIONAL))
        return plan

    def _street_unions(self) -> None:
        self.street_unions: dict[str, list[Org]] = {}
        for index, s in enumerate(self.streets):
            unions = []
            for name, industry, mode in self._street_union_plan(index, s):
                # A few unions approve each application by hand, so the approval queue is not empty.
                approval = index % 23 == 4 and industry == I.FOOD_DELIVERY
                unions.append(
                    self._org(
                        name, K.STREET_UNION, s, parent=self.street_feds[s.code], industry=industry,
                        founding_mode=mode, approval_required=approval,
                    )
                )
            self.street_unions[s.code] = unions

    def _enterprise(self, uscc_seq: int, name: str, industry: str, street: str, **kwargs: Any) -> Enterprise:
        enterprise, outcome = upsert_enterprise(
            uscc=make_uscc(uscc_seq), name=name, industry=industry, street=self.regions[street], actor=self.actor, **kwargs
        )
        if outcome == "created":
            self.report.created["enterprises"] += 1
        return enterprise

    def _enterprises(self) -> None:
        self.platforms: dict[str, Enterprise] = {}
        self.agents: dict[str, Enterprise] = {}
        self.enterprise_unions: dict[int, Org] = {}
        for p in PLATFORMS:
            ent = self._enterprise(p.uscc_seq, p.name, p.industry, p.street, is_head=True)
            self.platforms[p.key] = ent
            if p.hq_union:
                self.enterprise_unions[ent.pk] = self._org(
                    f"{p.short}平台总部工会", K.HQ_UNION, self.street_feds[p.street].region, parent=self.street_feds[p.street], enterprise=ent
                )
        for a in AGENTS:
            platform = self.platforms[a.platform]
            ent = self._enterprise(
                a.uscc_seq, a.name, platform.industry, a.street, parent=platform, relation=Enterprise.Relation.AGENT
            )
            self.agents[a.key] = ent
            if a.union:
                self.enterprise_unions[ent.pk] = self._org(
                    f"{a.short}代理商工会", K.AGENT_UNION, self.street_feds[a.street].region, parent=self.street_feds[a.street], enterprise=ent
                )

    def _station_owners(self) -> list[tuple[Enterprise, str, list[Region], int]]:
        """(enterprise, short name, streets it serves, station count) for every station owner."""
        owners = []
        for p in PLATFORMS:
            if p.stations:
                owners.append((self.platforms[p.key], p.short, self.streets, p.stations))
        for a in AGENTS:
            streets = [s for s in self.streets if s.code.startswith(a.district)]
            # The agent's first station lies in its own street, so 徐家汇 has stations to show.
            streets.sort(key=lambda s: (s.code != a.street, s.code))
            owners.append((self.agents[a.key], a.short, streets, a.stations))
        return owners

    def _stations(self) -> None:
        existing = {s.code: s for s in Station.objects.all()}
        self.stations: list[Station] = []
        self.local_index: dict[int, int] = {}
        number = 0
        names: Counter[str] = Counter()
        for enterprise, short, streets, count in self._station_owners():
            for k in range(count):
                number += 1
                code = f"DEMO-{number:04d}"
                # Platform stations spread over the whole city; agents' over their district.
                street = streets[(k * 37) % len(streets)] if len(streets) > 40 else streets[k % len(streets)]
                base = f"{short}{street.name}"
                names[base] += 1
                name = f"{base}站" if names[base] == 1 else f"{base}{names[base]}号站"
                station = existing.get(code)
                if station is None:
                    station = create_station(
                        code=code, name=name, enterprise=enterprise, street=street,
                        address=f"上海市{street.parent.name if street.parent else ''}{street.name}示例路{number}号",
                        actor=self.actor,
                    )
                    self.report.created["stations"] += 1
                self.stations.append(station)
                self.local_index[station.pk] = k

    def _union_of(self, enterprise: Enterprise) -> Org | None:
        """The union that co-manages the enterprise's stations: its own, else its platform's."""
        union = self.enterprise_unions.get(enterprise.pk)
        if union is None and enterprise.parent_id is not None:
            union = self.enterprise_unions.get(enterprise.parent_id)
        return union

    def _station_unions(self) -> None:
        """A station branch union at every fourth station of each owner (its first one
        included) and a union group at a few others, dual-managed by the street union
        (territorial parent) and the enterprise's union."""
        self.station_unions: dict[int, Org] = {}
        for station in self.stations:
            k = self.local_index[station.pk]
            manager = self._union_of(station.enterprise)
            if manager is None:
                continue
            street_code = station.street.code
            candidates = self.street_unions[street_code]
            matching = [u for u in candidates if u.industry == station.enterprise.industry]
            if k % 4 == 0:
                parent = (matching or candidates or [self.street_feds[street_code]])[0]
                union = self._org(
                    f"{station.name}分工会", K.STATION_UNION, station.street, parent=parent, second_manager=manager,
                    station=station, approval_required=(k == 8 and station.enterprise.is_head),
                )
            elif k % 9 == 1:
                parent = (matching or candidates or [self.street_feds[street_code]])[0]
                union = self._org(
                    f"{station.name}工会小组", K.UNION_GROUP, station.street, parent=parent, second_manager=manager,
                    station=station,
                )
            else:
                continue
            self.station_unions[station.pk] = union

    # --- staff ---------------------------------------------------------------------------

    def _staff_plan(self) -> list[tuple[str, str, Org, str]]:
        """(username, description, org, role)."""
        xujiahui_station = next(
            u for u in self.station_unions.values() if u.kind == K.STATION_UNION and u.region.code == XUJIAHUI
        )
        food_hq = self.enterprise_unions[self.platforms["food"].pk]
        return [
            ("city_admin", "市总工会管理员", self.city, StaffProfile.Role.ADMIN),
            ("city_officer", "市总工会工作人员", self.city, StaffProfile.Role.OFFICER),
            ("xuhui_officer", "徐汇区总工会工作人员", self.district_feds[XUHUI], StaffProfile.Role.OFFICER),
            ("xujiahui_officer", "徐家汇街道总工会工作人员", self.street_feds[XUJIAHUI], StaffProfile.Role.OFFICER),
            ("station_leader", f"{xujiahui_station.name}负责人", xujiahui_station, StaffProfile.Role.OFFICER),
            ("hq_officer", f"{food_hq.name}工作人员", food_hq, StaffProfile.Role.OFFICER),
            ("xuhui_viewer", "徐汇区总工会只读账号", self.district_feds[XUHUI], StaffProfile.Role.VIEWER),
        ]

    def _staff(self) -> None:
        password = demo_password()
        user_model = get_user_model()
        taken = set(user_model.objects.values_list("username", flat=True))
        for username, description, org, role in self._staff_plan():
            if username not in taken:
                create_staff(username=username, password=password, org=org, role=role, name=description, actor=self.actor)
                self.report.created["staff"] += 1
            self.report.credentials.append((username, password, f"{org.name}（{StaffProfile.Role(role).label}）", description))
        if "superuser" not in taken:
            # Django's own admin site: not a core model, so no service exists for it.
            user_model.objects.create_superuser("superuser", "superuser@example.invalid", password)
            self.report.created["staff"] += 1
        self.report.credentials.append(("superuser", password, "Django 超级用户（/admin/）", "系统超级管理员"))

    # --- members -------------------------------------------------------------------------

    def worker_specs(self) -> list[dict[str, Any]]:
        """Join data for every synthetic member, in a fixed order."""
        specs = []
        founding = self.agents[FOUNDING_AGENT]
        founding_stations = [s for s in self.stations if s.enterprise_id == founding.pk and s.street.code == XUJIAHUI]
        for i in range(FOUNDING_MEMBERS):
            station = founding_stations[i % len(founding_stations)]
            specs.append(self._spec(i, station.street, founding.industry, L.EMPLOYEE, employer=founding, station=station))
        industries = [I.FOOD_DELIVERY, I.EXPRESS, I.FREIGHT, I.RIDE_HAILING, I.OTHER]
        platform_by_industry = {p.industry: self.platforms[p.key] for p in PLATFORMS}
        for i in range(FOUNDING_MEMBERS, self.members):
            if i % 20 < 12:
                # A station worker: employees of a unionised owner join that union (rule 1),
                # the others join individually by station/street and industry (rule 2).
                station = self.stations[(i * 13) % len(self.stations)]
                owner = station.enterprise
                relation = [L.EMPLOYEE, L.PARTIAL, L.INDEPENDENT][i % 3]
                specs.append(
                    self._spec(
                        i, station.street, owner.industry, relation,
                        employer=owner if relation == L.EMPLOYEE else None, station=station,
                        platform=self.platforms[next(p.key for p in PLATFORMS if p.industry == owner.industry)],
                    )
                )
            else:
                street = self.streets[(i * 7) % len(self.streets)]
                industry = industries[i % len(industries)]
                specs.append(
                    self._spec(i, street, industry, L.INDEPENDENT, platform=platform_by_industry.get(industry))
                )
        return specs

    def _spec(
        self, i: int, street: Region, industry: str, relation: str, *,
        employer: Enterprise | None = None, station: Station | None = None, platform: Enterprise | None = None,
    ) -> dict[str, Any]:
        seq = PERSON_SEQ + i
        channel = CHANNELS[i % len(CHANNELS)]
        if channel == "partner" and platform is None:
            channel = "online"
        return {
            "seq": seq,
            "channel": channel,
            "via": platform if channel == "partner" else None,
            "platform": platform,
            "data": {
                "name": person_name(seq),
                "id_number": make_id_number(seq),
                "phone": make_phone(seq),
                "street_code": street.code,
                "industry": industry,
                "labor_relation": relation,
                "employer_uscc": employer.uscc if employer else "",
                "station_code": station.code if station else "",
                "consent_version": "2026-11",
            },
        }

    def _members(self) -> None:
        self.specs = self.worker_specs()
        known = set(Person.objects.values_list("id_hash", flat=True))
        lookups = Lookups()
        lookups.prefetch({s.code for s in self.stations}, {e.uscc for e in [*self.platforms.values(), *self.agents.values()]})
        todo = [s for s in self.specs if crypto.id_hash(s["data"]["id_number"]) not in known]
        bar = tqdm(total=len(todo), desc="会员入会", unit="人", file=sys.stderr, disable=not self.progress)
        for chunk in _chunks(todo, BATCH):
            with transaction.atomic():
                for spec in chunk:
                    worker = clean_worker(spec["data"], lookups=lookups)
                    actor = Actor.partner(spec["via"]) if spec["via"] else Actor.worker()
                    if spec["channel"] in ("staff", "import"):
                        actor = self.actor
                    result = join(worker, channel=spec["channel"], actor=actor, via_enterprise=spec["via"])
                    self.report.created["members"] += int(result.created)
            bar.update(len(chunk))
        bar.close()

    def _transfers(self) -> None:
        """A few members asked to move to a neighbouring street's union; those requests wait
        for the new union to accept."""
        initiators = [Transfer.Initiator.MEMBER, Transfer.Initiator.OLD_ORG, Transfer.Initiator.NEW_ORG]
        with transaction.atomic():
            for n, spec in enumerate(s for k, s in enumerate(self.specs) if k % 50 == 37):
                person = find_person(spec["data"]["id_number"])
                membership = Membership.objects.filter(person=person, status=Membership.Status.ACTIVE).first()
                if membership is None or Transfer.objects.filter(membership=membership).exists():
                    continue
                street_index = next(i for i, s in enumerate(self.streets) if s.code == spec["data"]["street_code"])
                target = self._neighbour_union(street_index, membership.org_id)
                if target is None:
                    continue
                request_transfer(
                    membership, target, initiator=initiators[n % 3], actor=self.actor,
                    reason=f"会员搬家，改在{target.region.name}跑单",
                )
                self.report.created["transfers"] += 1

    def _neighbour_union(self, street_index: int, current_org_id: int) -> Org | None:
        for step in range(1, len(self.streets)):
            street = self.streets[(street_index + step) % len(self.streets)]
            for union in self.street_unions[street.code]:
                if union.pk != current_org_id and not union.approval_required:
                    return union
        return None

    def roster_rows(self) -> dict[int, list[dict[str, Any]]]:
        """Each station owner's roster: its station workers (members or not). One in twenty-five
        members has left (active false → at risk of being lost); a few show a new street, from
        which the system proposes a transfer."""
        rows: dict[int, list[dict[str, Any]]] = {}
        for k, spec in enumerate(self.specs):
            data = spec["data"]
            if not data["station_code"]:
                continue
            station = next(s for s in self.stations if s.code == data["station_code"])
            row = {
                "external_id": f"W{spec['seq']}",
                "name": data["name"],
                "id_number": data["id_number"],
                "phone": data["phone"],
                "street_code": data["street_code"],
                "station_code": data["station_code"],
                "labor_relation": data["labor_relation"],
                "industry": data["industry"],
                "active": k % 25 != 3,
            }
            if k % 97 == 50 and data["labor_relation"] != L.EMPLOYEE:
                moved = self.streets[(k * 11 + 5) % len(self.streets)]
                row.update(street_code=moved.code, station_code=None)
            rows.setdefault(station.enterprise_id, []).append(row)
        for j in range(ROSTER_ONLY_WORKERS):
            seq = PERSON_SEQ + 100_000 + j
            station = self.stations[(j * 17) % len(self.stations)]
            rows.setdefault(station.enterprise_id, []).append(
                {
                    "external_id": f"W{seq}",
                    "name": person_name(seq),
                    "id_number": make_id_number(seq),
                    "phone": make_phone(seq),
                    "street_code": station.street.code,
                    "station_code": station.code,
                    "labor_relation": [L.PARTIAL, L.INDEPENDENT][j % 2],
                    "industry": station.enterprise.industry,
                    "active": True,
                }
            )
        return rows

    def _rosters(self) -> None:
        enterprises = {e.pk: e for e in Enterprise.objects.all()}
        for enterprise_id, rows in sorted(self.roster_rows().items()):
            enterprise = enterprises[enterprise_id]
            result = upsert_roster(enterprise, rows, actor=Actor.partner(enterprise))
            if result.rejected:
                raise RuntimeError(f"demo roster rows rejected for {enterprise.name}: {result.rejected[:3]}")
            self.report.created["roster_entries"] += result.created
            self.report.created["transfers"] += result.proposed_transfers

    # --- partner token -------------------------------------------------------------------

    def _partner_token(self) -> None:
        platform = self.platforms["food"]
        self.report.partner_enterprise = f"{platform.name}（{platform.uscc}）"
        if PartnerCredential.objects.filter(enterprise=platform, revoked_at__isnull=True).exists():
            # Only a hash of the token is stored, so it can be shown once only.
            self.report.partner_token_note = (
                f"该平台已有凭证（令牌只在生成时显示一次）；需要新令牌请运行 manage.py partner_token {platform.uscc}"
            )
            return
        self.report.partner_token = issue_partner_token(platform, name="演示令牌", actor=self.actor)
        self.report.created["partner_credentials"] += 1


    # --- benefits ------------------------------------------------------------------------

    def _benefits(self) -> None:
        done = seed_benefits(actor=self.actor)
        for key in ("campaigns", "claims", "plans", "enrolments", "slots", "appointments"):
            self.report.created[key] += getattr(done, key)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
