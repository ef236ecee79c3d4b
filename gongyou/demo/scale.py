"""A city-sized dataset on PostgreSQL (`manage.py seed_scale --members 1000000`), for measuring the
console and the APIs at the scale the seed sets (issue 13 part 7: "every console list and search
stays under 300 ms on it").

It builds on the demo world (seed_demo: the city, 16 districts, 215 streets, their federations and
"小二级" unions, the demo platforms and stations) and adds synthetic workers by `COPY`, not through
the service layer: a million joins through `join()` would take hours, and what is measured here is
reading, not joining. Rows still carry what the service path would write — real AES-GCM
ciphertexts, keyed hashes and masks under the current data key — so lookups, reveals and rotation
work on them like on any member.

Spread: workers are dealt round-robin over all 215 streets (so every district and street list is
large, not one), joined to one of that street's "小二级" unions (the street federation where a
street has none), with the platforms' industries and labour relations mixed; every fifth is also on
a platform roster. Memberships are marked with `campaign = "seed_scale"`, which makes the command
resumable and idempotent: a second run tops the set up to `--members`, never duplicates.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from tqdm import tqdm

from gongyou.core import crypto
from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.models import Enterprise, Org, Region, Station
from gongyou.core.synthetic import make_id_number, make_phone
from gongyou.core.validators import validate_id_number
from gongyou.members.models import Membership
from gongyou.members.numbers import legacy_member_no

MARK = "seed_scale"
# Synthetic ID sequence numbers of scale people: far from the demo's (500,000) and the tests'.
SEQ0 = 20_000_000
CHUNK = 50_000
INDUSTRIES = [Industry.FOOD_DELIVERY, Industry.FOOD_DELIVERY, Industry.EXPRESS, Industry.FREIGHT, Industry.RIDE_HAILING]
RELATIONS = [LaborRelation.INDEPENDENT, LaborRelation.INDEPENDENT, LaborRelation.PARTIAL, LaborRelation.EMPLOYEE]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红春梅海波鹏飞宇浩晨阳凯东亮斌"

PERSON_COLUMNS = (
    "name, id_hash, id_enc, id_masked, phone_hash, phone_enc, phone_masked, phone_tail_hash, birth_date, sex,"
    " labor_relation, industry, employer_id, station_id, work_street_id, created_at, updated_at"
)
MEMBERSHIP_COLUMNS = (
    "member_no, person_id, org_id, status, mode, channel, routing_reason, routing_code, routing_params,"
    " campaign, consent_version, consent_at, applied_at, joined_at, last_contact_at"
)
ROSTER_COLUMNS = (
    "enterprise_id, external_id, name, id_hash, id_enc, id_masked, phone_hash, phone_enc, phone_masked,"
    " street_id, station_id, labor_relation, industry, active, first_seen_at, last_seen_at, updated_at"
)


class ScaleError(Exception):
    """The dataset cannot be built here (wrong database, no demo world)."""


@dataclass
class ScaleReport:
    existing: int = 0
    created: int = 0
    roster: int = 0


@dataclass(frozen=True)
class _Street:
    pk: int
    union: int
    stations: list[int]


def _streets() -> list[_Street]:
    unions: dict[int, int] = {}
    for org in Org.objects.filter(kind=Org.Kind.STREET_UNION, status=Org.Status.ACTIVE).order_by("pk"):
        if org.region_id is not None:
            unions.setdefault(org.region_id, org.pk)
    for org in Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, status=Org.Status.ACTIVE).order_by("pk"):
        if org.region_id is not None:
            unions.setdefault(org.region_id, org.pk)
    stations: dict[int, list[int]] = {}
    for station in Station.objects.order_by("pk").values("pk", "street_id"):
        stations.setdefault(station["street_id"], []).append(station["pk"])
    streets = Region.objects.filter(level=Region.Level.STREET, pk__in=unions).order_by("code")
    return [_Street(s.pk, unions[s.pk], stations.get(s.pk, [])) for s in streets]


def _name(seq: int) -> str:
    return SURNAMES[seq % len(SURNAMES)] + GIVEN[(seq // 7) % len(GIVEN)] + GIVEN[(seq // 53) % len(GIVEN)]


def _rows(start: int, stop: int, streets: list[_Street], employer: int | None, now: str) -> Iterator[tuple[int, tuple[object, ...]]]:
    for seq in range(start, stop):
        number = make_id_number(SEQ0 + seq)
        phone = make_phone(SEQ0 + seq)
        info = validate_id_number(number)
        street = streets[seq % len(streets)]
        station = street.stations[seq % len(street.stations)] if street.stations and seq % 3 else None
        relation = RELATIONS[seq % len(RELATIONS)]
        yield seq, (
            _name(seq), crypto.id_hash(number), crypto.encrypt(number), crypto.mask_id_number(number),
            crypto.phone_hash(phone), crypto.encrypt(phone), crypto.mask_phone(phone), crypto.phone_tail_hash(phone),
            info.birth_date, info.sex, relation, INDUSTRIES[seq % len(INDUSTRIES)],
            employer if relation == LaborRelation.EMPLOYEE else None, station, street.pk, now, now,
        )  # fmt: skip


def seed_scale(members: int, *, progress: Callable[..., Any] = tqdm) -> ScaleReport:
    """Top the scale set up to `members` synthetic members (PostgreSQL only, resumable)."""
    if connection.vendor != "postgresql":
        raise ScaleError("seed_scale 只在 PostgreSQL 上运行（用 COPY 批量写入）；请设置 DATABASE_URL。")
    streets = _streets()
    if not streets:
        raise ScaleError("没有街镇工会：请先运行 manage.py seed_demo。")
    platform = Enterprise.objects.filter(is_head=True).order_by("pk").first()
    report = ScaleReport(existing=Membership.objects.filter(campaign=MARK).count())
    bar = progress(total=max(members - report.existing, 0), desc="scale members", unit="row", file=sys.stderr, mininterval=2)
    start = report.existing
    while start < members:
        stop = min(start + CHUNK, members)
        _copy_chunk(start, stop, streets, platform, report)
        bar.update(stop - start)
        start = stop
    bar.close()
    with connection.cursor() as cursor:
        for table in ("members_person", "members_membership", "members_rosterentry"):
            cursor.execute(f"ANALYZE {table}")
    return report


def _copy_chunk(start: int, stop: int, streets: list[_Street], platform: Enterprise | None, report: ScaleReport) -> None:
    """One chunk in one transaction: people, their memberships, every fifth on the roster."""
    now = dt.datetime.now(dt.UTC).isoformat()
    rows = list(_rows(start, stop, streets, platform.pk if platform else None, now))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM members_person")
        before = cursor.fetchone()[0]
        with cursor.cursor.copy(f"COPY members_person ({PERSON_COLUMNS}) FROM STDIN") as copy:
            for _seq, row in rows:
                copy.write_row(row)
        cursor.execute("SELECT id FROM members_person WHERE id > %s ORDER BY id", [before])
        person_ids = [r[0] for r in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY members_membership ({MEMBERSHIP_COLUMNS}) FROM STDIN") as copy:
            for (seq, _row), person_id in zip(rows, person_ids, strict=True):
                street = streets[seq % len(streets)]
                copy.write_row(
                    (
                        legacy_member_no(SEQ0 + seq), person_id, street.union, "active", "individual", "import",
                        "规模数据批量导入", "", "{}", MARK, "2026-11", now, now, now, now,
                    )
                )
        if platform is not None:
            with cursor.cursor.copy(f"COPY members_rosterentry ({ROSTER_COLUMNS}) FROM STDIN") as copy:
                for seq, row in rows:
                    if seq % 5:
                        continue
                    copy.write_row(
                        (platform.pk, f"scale-{seq}", row[0], *row[1:7], row[14], None, row[10], row[11], True, now, now, now)
                    )
                    report.roster += 1
    report.created += stop - start
