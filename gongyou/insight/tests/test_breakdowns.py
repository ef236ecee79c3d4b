"""The industry and enterprise views read from the rebuild's compact rows (plus the membership
changes since, for members by industry) equal the live count, in every area; the pages say
"as of" the snapshot day and keep to the officer's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.insight.breakdowns import by_enterprise, by_industry, live_by_enterprise, live_by_industry
from gongyou.insight.models import EnterpriseSnapshot, IndustrySnapshot
from gongyou.insight.queries import Area
from gongyou.insight.snapshots import rebuild
from gongyou.insight.tests.conftest import found_union, roster
from gongyou.insight.tests.test_indicators import DISTRICT, OTHER, STREET, at, backdate, months_ago
from gongyou.members.models import Membership, RosterEntry
from gongyou.members.services import withdraw_membership

AREAS = [
    Area(),
    Area(district=DISTRICT),
    Area(district=DISTRICT, street=STREET),
    Area(district=DISTRICT, street=OTHER),
    Area(district="310115"),
    Area(district="310115", street="310115005"),
    Area(nothing=True),
]
FIELDS = ("uscc", "is_head", "roster_workers", "members", "has_union", "station_count", "stations_with_union")


def _enterprises(qs) -> list[tuple]:
    return [tuple(getattr(e, f) for f in FIELDS) + (e.name, e.district, e.street) for e in qs]


@pytest.fixture
def spread(world, gaps):
    """gaps (insight conftest) plus members in several industries and streets, some joined months
    ago (in the snapshot), some today (only in the changes since), one gone, a union founded for
    one registry enterprise and a roster in 浦东."""
    old = [join_worker(700 + n, street_code=STREET if n % 2 else OTHER, industry="food_delivery") for n in range(4)]
    for m in old:
        backdate(m, at(months_ago(2)))
    join_worker(710, street_code=OTHER, industry="ride_hailing")
    withdraw_membership(old[0], reason="离职", actor=COMMAND)
    found_union(gaps.rostered, world.street_fed)
    roster(gaps.other_district, 2)
    # Two workers listed again by an enterprise in the other 徐汇 street: one also in 徐家汇
    # (twice in the district's streets), one also in 浦东 (two districts).
    listed_again(gaps.other_street, [f"{gaps.rostered.pk}-0", f"{gaps.other_district.pk}-0"])
    return gaps


def listed_again(enterprise, id_hashes):
    now = timezone.now()
    RosterEntry.objects.bulk_create(
        RosterEntry(
            enterprise=enterprise, external_id=f"again-{h}", name="某", id_hash=h, id_enc="", id_masked="",
            phone_hash="", phone_enc="", phone_masked="", street_id=enterprise.street_id,
            labor_relation="independent", industry="express", active=True,
            first_seen_at=now, last_seen_at=now, updated_at=now,
        )  # fmt: skip
        for h in id_hashes
    )


@pytest.mark.django_db
def test_snapshot_reads_equal_the_live_count_in_every_area(world, spread):
    live = {area: (live_by_industry(area), _enterprises(live_by_enterprise(area))) for area in AREAS}
    assert by_industry(Area()).as_of is None  # before the first rebuild: counted live
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    rebuild(through=yesterday)
    assert IndustrySnapshot.objects.exists() and EnterpriseSnapshot.objects.exists()
    for area in AREAS:
        view = by_industry(area)
        assert view.as_of == yesterday
        assert view.rows == live[area][0], area
        rows, as_of = by_enterprise(area)
        assert as_of == yesterday and _enterprises(rows) == live[area][1], area
    city = {r["code"]: r for r in by_industry(Area()).rows}
    assert city["food_delivery"]["members_active"] == 3 and city["ride_hailing"]["members_active"] == 1
    # 3 in 徐家汇, 2 in 浦东, and the two listed again in the other street: each person once.
    assert city["express"]["roster_workers"] == 5
    district = {r["code"]: r for r in by_industry(Area(district=DISTRICT)).rows}
    assert district["express"]["roster_workers"] == 4  # 徐家汇's 3 and the 浦东 worker
    other = {r["code"]: r for r in by_industry(Area(district=DISTRICT, street=OTHER)).rows}
    assert other["express"]["roster_workers"] == 2

    # Members joining and leaving after the snapshot count at once; the rest waits for the night.
    join_worker(720, street_code=STREET, industry="food_delivery")
    leaving = Membership.objects.filter(status="active", person__industry="food_delivery").order_by("id").first()
    withdraw_membership(leaving, reason="离职", actor=COMMAND)
    for area in AREAS:
        assert [r["members_active"] for r in by_industry(area).rows] == [
            r["members_active"] for r in live_by_industry(area)
        ], area


@pytest.mark.django_db
def test_the_pages_read_the_snapshot_say_as_of_and_keep_to_the_district(client, world, spread):
    rebuild(through=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(spread.district_user)
    page = client.get("/console/insight/industries/").content.decode()
    assert "每日快照" in page and f"{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d}" in page
    page = client.get("/console/insight/enterprises/").content.decode()
    assert spread.rostered.name in page and spread.other_district.name not in page and "每日快照" in page
    assert client.get("/console/insight/enterprises/?region=310115").status_code == 404
    assert client.get("/console/insight/industries/?region=310115").status_code == 404
    sheet = load_workbook(io.BytesIO(client.get("/console/insight/enterprises/?export=xlsx").content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert spread.rostered.name in names and spread.other_district.name not in names
    sheet = load_workbook(io.BytesIO(client.get("/console/insight/industries/?export=xlsx").content)).active
    assert sheet.max_row == 6  # header + five industries
