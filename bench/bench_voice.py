"""Costs added with the Dec 7 2026 console work, on PostgreSQL: an agreement page's roster check
(voice.queries.roster_workers_covered: COUNT DISTINCT over the covered platforms' roster rows in
the agreement's region, then shared for GONGYOU_COVERAGE_SECONDS) on a platform roster of --rows
workers, counted and from the shared copy, and the grouped side menu every console page draws
(console.nav.menu).

    .venv/bin/python bench/bench_voice.py [--rows 100000] [--keep]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_roster import build_platform, make_rows, service_import  # noqa: E402
from common import bench_database, print_machine  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median and p95 of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    with bench_database(keep=args.keep):
        from django.db import connection

        from gongyou.console import nav
        from gongyou.core.actors import COMMAND
        from gongyou.core.models import Enterprise, Org, Region
        from gongyou.core.services import create_org
        from gongyou.voice.inputs import clean_agreement
        from gongyou.voice.queries import roster_workers_covered
        from gongyou.voice.services import create_agreement

        print("Voice and console additions benchmark")
        print_machine()
        platform, streets, stations = build_platform()
        service_import(platform, make_rows(args.rows, streets, stations), 5_000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE members_rosterentry")
        city = Org.objects.filter(parent__isnull=True).first() or create_org(
            name="上海市总工会", kind=Org.Kind.CITY_FEDERATION, region=Region.objects.get(level=Region.Level.CITY), actor=COMMAND
        )
        district = streets[0].parent
        data = {
            "title": "基准外卖行业协议", "kind": "industry", "industry": "food_delivery", "region": str(district.pk),
            "employer_side": "行业协会", "status": "signed", "signed_on": "2026-01-01", "effective_from": "2026-01-01",
            "effective_to": "2026-12-31", "workers_covered": "100",
        }  # fmt: skip
        covered = Enterprise.objects.filter(pk=platform.pk)
        district_wide = create_agreement(city, clean_agreement(data, ["pay"]), covered, actor=COMMAND)
        city_wide = create_agreement(
            city, clean_agreement({**data, "region": str(city.region_id)}, ["pay"]), covered, actor=COMMAND
        )
        from django.core.cache import cache

        def cold(agreement):  # type: ignore[no-untyped-def]
            cache.clear()  # the count itself, not the shared copy
            return roster_workers_covered(agreement)

        for label, agreement in (("district", district_wide), ("city", city_wide)):
            n = cold(agreement)
            median, p95 = timed(lambda a=agreement: cold(a), 20)
            warm, warm_p95 = timed(lambda a=agreement: roster_workers_covered(a), 200)
            print(
                f"  roster check, {label}-wide agreement ({n:,} of {args.rows:,} roster rows): counted median {median:.1f} ms,"
                f" p95 {p95:.1f} ms; shared copy median {warm:.2f} ms, p95 {warm_p95:.2f} ms"
            )

        class Officer:
            is_superuser = False
            staff_profile = type("Profile", (), {"role": "officer"})()

        median, p95 = timed(lambda: nav.menu("/console/cases/warnings/", Officer()), 2_000)
        print(f"  side menu (console.nav.menu) per page: median {median * 1000:.0f} µs, p95 {p95 * 1000:.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
