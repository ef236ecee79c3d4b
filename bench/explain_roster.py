"""Which of members_rosterentry's indexes do the product's queries use? Fills a bench database
with a city-shaped roster by SQL (300,000 rows over 30 enterprises and all 215 streets, 100,000
people with an active membership, a third of the roster rows naming one of them; hashes are
random hex, which is all the planner sees), ANALYZEs, and prints PostgreSQL's plan for every
query of gongyou/ that reads the roster (issue 13 part 5; the plans are in bench/README.md).

    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/gongyou_bench_<you> .venv/bin/python bench/explain_roster.py [--keep]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_database, print_machine  # noqa: E402

ROSTER_ROWS = 300_000
PEOPLE = 100_000
ENTERPRISES = 30
_LONG_ARRAY = re.compile(r"\{[^{}]{60,}\}")  # a 5,000-item array parameter, shortened in the output


def fill() -> Any:
    from django.db import connection

    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Enterprise, Region
    from gongyou.core.services import load_regions, upsert_enterprise
    from gongyou.core.testing import build_world, make_uscc

    load_regions()
    world = build_world()
    streets = list(Region.objects.filter(level=Region.Level.STREET).order_by("code").values_list("pk", flat=True))
    for k in range(ENTERPRISES):
        upsert_enterprise(
            uscc=make_uscc(8000 + k), name=f"基准平台{k}有限公司", industry="food_delivery",
            street=Region.objects.get(pk=streets[k]), actor=COMMAND,
        )
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    unions = [world.street_union_food.pk, world.other_street_union.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO members_person (name, id_hash, id_enc, id_masked, phone_hash, phone_enc, phone_masked,
                   phone_tail_hash, birth_date, sex, labor_relation, industry, work_street_id, created_at, updated_at)
               SELECT 'p' || g, md5('id' || g) || md5('x' || g), 'x', 'x', md5('ph' || g) || md5('y' || g), 'x', 'x',
                   '', '1990-01-01', 'M', 'independent', 'food_delivery', (%s::int[])[1 + g %% %s], now(), now()
               FROM generate_series(1, %s) g""",
            [streets, len(streets), PEOPLE],
        )
        cursor.execute(
            """INSERT INTO members_membership (member_no, person_id, org_id, status, mode, channel, routing_reason,
                   routing_code, routing_params, campaign, consent_version, consent_at, applied_at, joined_at, last_contact_at)
               SELECT 'B' || id, id, (%s::int[])[1 + id %% 2], 'active', 'individual', 'import', 'bench', '', '{}', '',
                   '2026-11', now(), now(), now(), now() - (id %% 400) * interval '1 day'
               FROM members_person""",
            [unions],
        )
        # A third of the roster rows name a member (hash g % PEOPLE); the rest are strangers.
        cursor.execute(
            """INSERT INTO members_rosterentry (enterprise_id, external_id, name, id_hash, id_enc, id_masked,
                   phone_hash, phone_enc, phone_masked, street_id, station_id, labor_relation, industry, active,
                   first_seen_at, last_seen_at, updated_at)
               SELECT (%s::int[])[1 + g %% %s], 'R' || g, 'w' || g,
                   CASE WHEN g %% 3 = 0 THEN md5('id' || (1 + g %% %s)) || md5('x' || (1 + g %% %s))
                        ELSE md5('r' || g) || md5('s' || g) END,
                   'x', 'x', md5('rp' || g) || md5('t' || g), 'x', 'x', (%s::int[])[1 + (g / 7) %% %s],
                   CASE WHEN g %% 5 = 0 THEN %s ELSE NULL END, 'partial', 'food_delivery', g %% 10 <> 0,
                   now(), now(), now()
               FROM generate_series(1, %s) g""",
            [enterprises, len(enterprises), PEOPLE, PEOPLE, streets, len(streets), world.station.pk, ROSTER_ROWS],
        )
        for table in ("members_person", "members_membership", "members_rosterentry"):
            cursor.execute(f"ANALYZE {table}")
    return world, enterprises


def queries(world: Any, enterprises: list[int]) -> list[tuple[str, str, list[Any]]]:
    """(where in gongyou/, SQL, params) of every roster read."""
    from django.db import connection
    from django.db.models import Count, Exists, OuterRef

    from gongyou.benefits.insurance import work_proof
    from gongyou.core.models import Enterprise, Region
    from gongyou.insight import breakdowns, gaps
    from gongyou.insight.queries import Area
    from gongyou.members import roster
    from gongyou.members.models import Membership, RosterEntry
    from gongyou.members.services import at_risk_memberships
    from gongyou.partners.access import visible_memberships

    platform = Enterprise.objects.get(pk=enterprises[-1])
    some_hash = RosterEntry.objects.filter(enterprise=platform).values_list("id_hash", flat=True).first()
    district = Region.objects.filter(level=Region.Level.DISTRICT).order_by("code").first()
    street_ids = list(Region.objects.filter(parent=district).values_list("pk", flat=True))
    assert work_proof  # its query is written out below (it takes a membership object)

    def sql(qs: Any) -> tuple[str, list[Any]]:
        text, params = qs.query.sql_with_params()
        return text, list(params)

    found: list[tuple[str, str, list[Any]]] = []

    def add(where: str, qs: Any) -> None:
        found.append((where, *sql(qs)))

    externals = [f"R{g}" for g in range(30, 30 + 5000 * ENTERPRISES, ENTERPRISES)]
    found.append(("members/roster.py _EXISTING_SQL (every batch)", roster._EXISTING_SQL, [platform.pk, externals]))
    found.append(
        ("members/roster.py _update: in_bulk(pk) of changed rows", "SELECT * FROM members_rosterentry WHERE id = ANY(%s)", [list(range(1, 5001, 7))])
    )
    add(
        "members/roster.py propose_transfers: still on the old employer's roster?",
        RosterEntry.objects.filter(enterprise_id=platform.pk, id_hash=some_hash, active=True).values("pk")[:1],
    )
    add("members/services.py at_risk_memberships (console at-risk list)", at_risk_memberships())
    add("partners/access.py visible_memberships (partner API member lookup)", visible_memberships(platform)[:20])
    add(
        "benefits/insurance.py work_proof",
        RosterEntry.objects.select_related("enterprise").filter(id_hash=some_hash, active=True).order_by("-last_seen_at", "id")[:1],
    )
    add(
        "benefits/insurance.py enrol_platform_members",
        Membership.objects.filter(
            person__id_hash__in=RosterEntry.objects.filter(enterprise=platform, active=True).values("id_hash"), status="active"
        ),
    )
    add(
        "console/views/insurance_plans.py _platforms",
        Enterprise.objects.filter(pk__in=RosterEntry.objects.filter(active=True).values("enterprise_id")).order_by("name"),
    )
    add(
        "insight/indicators.py RosterWorkers",
        RosterEntry.objects.filter(active=True).values("street__code").annotate(n=Count("id_hash", distinct=True)),
    )
    member = Membership.objects.filter(person__id_hash=OuterRef("id_hash"), status="active")
    add(
        "insight/indicators.py RosterMembers",
        RosterEntry.objects.filter(active=True).filter(Exists(member)).values("street__code").annotate(n=Count("id_hash", distinct=True)),
    )
    area = Area(district=district.code)
    add(
        "insight/breakdowns.py by_industry (district)",
        RosterEntry.objects.filter(active=True).filter(breakdowns.street_q(area, "street")).values("industry").annotate(
            n=Count("id_hash", distinct=True)
        ),
    )
    add("insight/breakdowns.py by_enterprise (district)", breakdowns.by_enterprise(area))
    add(
        "insight/gaps.py unionless enterprises: roster workers per enterprise",
        Enterprise.objects.annotate(roster_workers=gaps._count(RosterEntry.objects.filter(enterprise=OuterRef("pk"), active=True), "enterprise")),
    )
    add(
        "positions/coverage.py _source_counts (a district's streets)",
        RosterEntry.objects.filter(active=True, street_id__in=street_ids).values("street_id").annotate(n=Count("id_hash", distinct=True)),
    )
    add(
        "positions/coverage.py _source_counts (one street)",
        RosterEntry.objects.filter(active=True, street_id__in=street_ids[:1]).values("street_id").annotate(n=Count("id_hash", distinct=True)),
    )
    found.append(
        (
            "PROTECT / FK check when a street is deleted (regions are reference data, never deleted by the product)",
            "SELECT 1 FROM members_rosterentry WHERE street_id = %s LIMIT 1",
            [street_ids[0]],
        )
    )
    assert connection.vendor == "postgresql"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with bench_database(keep=args.keep):
        from django.db import connection

        print("Roster query plans")
        print_machine()
        world, enterprises = fill()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_rosterentry' ORDER BY indexname"
            )
            print("\nIndexes on members_rosterentry:")
            for name, definition in cursor.fetchall():
                print(f"  {name}: {definition}")
            for where, text, params in queries(world, enterprises):
                cursor.execute("EXPLAIN " + text, params)
                print(f"\n-- {where}")
                for (line,) in cursor.fetchall():
                    print(f"   {_LONG_ARRAY.sub(lambda m: m.group(0)[:40] + ',…}', line)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
