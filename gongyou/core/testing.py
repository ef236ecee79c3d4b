"""Builders shared by tests and the benchmarks: a small, complete org world and join-form data.
Test code only: production code (and the demo) takes synthetic identifiers from core.synthetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gongyou.core.actors import COMMAND
from gongyou.core.choices import Industry
from gongyou.core.models import Enterprise, Org, Region, Station
from gongyou.core.services import create_org, create_station, upsert_enterprise
from gongyou.core.synthetic import make_id_number, make_phone, make_uscc

__all__ = ["World", "build_world", "make_id_number", "make_phone", "make_uscc", "worker_data"]


@dataclass
class World:
    city: Org
    district: Org
    street: Region
    other_street: Region
    street_fed: Org
    other_street_fed: Org
    street_union_food: Org
    street_union_express: Org
    other_street_union: Org
    platform: Enterprise
    platform_union: Org
    agent: Enterprise
    agent_union: Org
    no_union_enterprise: Enterprise
    station: Station
    station_union: Org
    bare_station: Station


def build_world() -> World:
    """A district with two streets, their federations and unions, a platform with an HQ union,
    an agent with its union, a station with a dual-managed station union, and an enterprise
    without a union. Regions must be loaded first (core.services.load_regions)."""
    a = COMMAND
    d_region = Region.objects.get(code="310104")  # 徐汇区
    street = Region.objects.get(code="310104014")  # 徐家汇街道
    other_street = Region.objects.get(code="310104004")
    city_region = Region.objects.get(code="310000")
    today = dt.date(2022, 1, 1)
    city = create_org(name="上海市总工会", kind=Org.Kind.CITY_FEDERATION, region=city_region, founded_on=today, actor=a)
    district = create_org(
        name="徐汇区总工会", kind=Org.Kind.DISTRICT_FEDERATION, region=d_region, parent=city, founded_on=today, actor=a
    )
    street_fed = create_org(
        name="徐家汇街道总工会",
        kind=Org.Kind.STREET_FEDERATION,
        region=street,
        parent=district,
        founded_on=today,
        actor=a,
    )
    other_fed = create_org(
        name=f"{other_street.name}总工会",
        kind=Org.Kind.STREET_FEDERATION,
        region=other_street,
        parent=district,
        founded_on=today,
        actor=a,
    )
    su_food = create_org(
        name="徐家汇街道外卖行业工会",
        kind=Org.Kind.STREET_UNION,
        region=street,
        parent=street_fed,
        industry=Industry.FOOD_DELIVERY,
        founding_mode=Org.FoundingMode.INDUSTRY,
        founded_on=today,
        actor=a,
    )
    su_express = create_org(
        name="徐家汇街道快递行业工会",
        kind=Org.Kind.STREET_UNION,
        region=street,
        parent=street_fed,
        industry=Industry.EXPRESS,
        founding_mode=Org.FoundingMode.INDUSTRY,
        founded_on=today,
        actor=a,
    )
    other_su = create_org(
        name=f"{other_street.name}联合工会",
        kind=Org.Kind.STREET_UNION,
        region=other_street,
        parent=other_fed,
        industry=Industry.EXPRESS,
        founding_mode=Org.FoundingMode.REGIONAL,
        founded_on=today,
        actor=a,
    )
    platform, _ = upsert_enterprise(
        uscc=make_uscc(1),
        name="示例外卖平台有限公司",
        industry=Industry.FOOD_DELIVERY,
        street=street,
        is_head=True,
        actor=a,
    )
    platform_union = create_org(
        name="示例外卖平台总部工会",
        kind=Org.Kind.HQ_UNION,
        region=street,
        parent=street_fed,
        enterprise=platform,
        founded_on=today,
        actor=a,
    )
    agent, _ = upsert_enterprise(
        uscc=make_uscc(2),
        name="示例配送代理有限公司",
        industry=Industry.FOOD_DELIVERY,
        street=street,
        parent=platform,
        relation=Enterprise.Relation.AGENT,
        actor=a,
    )
    agent_union = create_org(
        name="示例配送代理工会",
        kind=Org.Kind.AGENT_UNION,
        region=street,
        parent=street_fed,
        enterprise=agent,
        founded_on=today,
        actor=a,
    )
    no_union, _ = upsert_enterprise(
        uscc=make_uscc(3), name="无工会快递有限公司", industry=Industry.EXPRESS, street=street, actor=a
    )
    station = create_station(code="ST-001", name="徐家汇站", enterprise=agent, street=street, actor=a)
    bare_station = create_station(code="ST-002", name="漕河泾站", enterprise=no_union, street=street, actor=a)
    station_union = create_org(
        name="徐家汇站分工会",
        kind=Org.Kind.STATION_UNION,
        region=street,
        parent=su_food,
        second_manager=agent_union,
        station=station,
        founded_on=today,
        actor=a,
    )
    return World(
        city,
        district,
        street,
        other_street,
        street_fed,
        other_fed,
        su_food,
        su_express,
        other_su,
        platform,
        platform_union,
        agent,
        agent_union,
        no_union,
        station,
        station_union,
        bare_station,
    )


def worker_data(seq: int, **overrides: object) -> dict[str, object]:
    """Join-form data for synthetic worker number `seq`."""
    data: dict[str, object] = {
        "name": f"测试{seq}号",
        "id_number": make_id_number(seq),
        "phone": make_phone(seq),
        "street_code": "310104014",
        "industry": "food_delivery",
        "labor_relation": "independent",
        "consent_version": "2026-11",
    }
    data.update(overrides)
    return data
