"""Generate the demo points committed next to this file (run once; the output is committed).

    python gongyou/demo/generate_positions.py [path/to/shanghai_districts.geojson]

Reads the district boundaries (GCJ-02, no stated licence: used here only to place points, never
shipped) and writes, in WGS-84:
  street_points.csv  one approximate reference point per street, inside its district
  positions.csv      ≥ 1,000 relay stations and ≥ 100 other positions, all marked demo

Street points: the data has no street coordinates, so each district is split into as many
evenly spread cells as it has streets (k-means over random points inside the polygon); urban
subdistricts (街道, 7th code digit 0) take the cells nearest the district seat, towns the rest.
Positions cluster around their street's point, more in the central districts and where the demo
workforce is (demo.world puts stations and members in 徐汇, 浦东, 闵行, 黄浦, 宝山, 嘉定), and
about twenty streets get no relay station at all so the coverage page has blind spots to show.
Deterministic: the same input gives byte-identical output.
"""

from __future__ import annotations

import csv
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from gongyou.core.geo import gcj02_to_wgs84  # noqa: E402

DIVISIONS = REPO / "gongyou" / "core" / "data" / "shanghai_divisions.csv"
DEFAULT_GEOJSON = REPO.parent / "shared" / "data" / "shanghai_districts.geojson"
RELAY_STATIONS = 1120
OTHERS = {
    "health_point": 40,
    "worker_service_station": 30,
    "union_service_station_building": 15,
    "union_service_station_business_district": 10,
    "union_service_station_street": 16,
    "union_service_station_complex": 9,
}
PREFIX = {
    "health_point": "HP",
    "worker_service_station": "WS",
    "union_service_station_building": "USB",
    "union_service_station_business_district": "USD",
    "union_service_station_street": "USS",
    "union_service_station_complex": "USC",
}
CENTRAL = {"310101", "310104", "310105", "310106", "310107", "310109", "310110"}
WORKFORCE = {"310104": 1.6, "310115": 1.5, "310112": 1.4, "310101": 1.3, "310113": 1.3, "310114": 1.2, "310105": 1.2}
BLIND_STREETS = 20
SIX = ["air_conditioning", "fridge", "microwave", "water_heater", "power_strip", "tables_chairs"]
EXTRAS = {
    "water": 0.9, "hot_water": 0.7, "charging": 0.8, "toilet": 0.4, "seats": 0.8, "first_aid": 0.6,
    "aed": 0.1, "umbrella": 0.5, "repair_kit": 0.3, "wifi": 0.3,
}  # fmt: skip
HOSTS = [
    "银行网点",
    "社区党群服务中心",
    "便利店",
    "药房",
    "社区卫生服务中心",
    "加油站",
    "物业服务中心",
    "邮政网点",
    "环卫休息点",
    "工会服务中心",
]
RELAY_HOURS = [
    (0.55, "每天 08:00-20:00", False, False),
    (0.15, "", True, False),
    (0.10, "周一至周五 09:00-18:00", False, True),
    (0.10, "每天 07:00-22:00", False, False),
    (0.10, "每天 10:00-02:00", False, False),
]
OTHER_HOURS = {
    "health_point": ("周一至周五 08:30-16:30", False, True),
    "worker_service_station": ("周一至周六 09:00-18:00", False, False),
}


def inside_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def inside(x: float, y: float, polygons: list) -> bool:
    return any(inside_ring(x, y, poly[0]) and not any(inside_ring(x, y, h) for h in poly[1:]) for poly in polygons)


def bbox(polygons: list) -> tuple[float, float, float, float]:
    xs = [p[0] for poly in polygons for p in poly[0]]
    ys = [p[1] for poly in polygons for p in poly[0]]
    return min(xs), min(ys), max(xs), max(ys)


def sample_inside(rng: random.Random, polygons: list, n: int) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = bbox(polygons)
    out: list[tuple[float, float]] = []
    while len(out) < n:
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if inside(x, y, polygons):
            out.append((x, y))
    return out


def kmeans(points: list[tuple[float, float]], k: int, rng: random.Random) -> list[tuple[float, float]]:
    centres = rng.sample(points, k)
    for _ in range(30):
        groups: list[list[tuple[float, float]]] = [[] for _ in range(k)]
        for x, y in points:
            best = min(range(k), key=lambda i: (x - centres[i][0]) ** 2 + (y - centres[i][1]) ** 2)
            groups[best].append((x, y))
        centres = [
            (sum(p[0] for p in g) / len(g), sum(p[1] for p in g) / len(g)) if g else centres[i]
            for i, g in enumerate(groups)
        ]
    return centres


def metres(dx_deg: float, dy_deg: float, lat: float) -> float:
    return math.hypot(dx_deg * 111_320 * math.cos(math.radians(lat)), dy_deg * 110_574)


def main(geojson_path: Path) -> None:
    rng = random.Random(20261128)
    features = {f["properties"]["code"]: f for f in json.loads(geojson_path.read_text(encoding="utf-8"))["features"]}
    with DIVISIONS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    districts = {r["code"]: r["name"] for r in rows if r["level"] == "district"}
    streets = sorted((r for r in rows if r["level"] == "street"), key=lambda r: r["code"])

    street_points: dict[str, tuple[float, float]] = {}  # GCJ-02 while generating
    spread: dict[str, float] = {}  # typical distance between streets of the district, degrees
    polygons_of: dict[str, list] = {}
    for code in sorted(districts):
        feature = features[code]
        polygons = feature["geometry"]["coordinates"]
        polygons_of[code] = polygons
        mine = [s for s in streets if s["parent_code"] == code]
        samples = sample_inside(rng, polygons, 80 * len(mine))
        centres = kmeans(samples, len(mine), rng)
        # Snap a centre that fell outside a concave boundary to the nearest sample inside.
        centres = [
            c if inside(*c, polygons) else min(samples, key=lambda p: (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2)
            for c in centres
        ]
        seat = feature["properties"]["center"]
        centres.sort(key=lambda c: (c[0] - seat[0]) ** 2 + (c[1] - seat[1]) ** 2)
        ordered = sorted(mine, key=lambda s: (s["code"][6] != "0", s["code"]))  # 街道 first, nearest the seat
        for street, centre in zip(ordered, centres, strict=True):
            street_points[street["code"]] = centre
        x0, y0, x1, y1 = bbox(polygons)
        spread[code] = math.sqrt((x1 - x0) * (y1 - y0) / len(mine)) / 2

    def weight(street: dict) -> float:
        district = street["parent_code"]
        w = 3.0 if district in CENTRAL else 1.6 if district == "310115" else 0.8
        w *= WORKFORCE.get(district, 1.0)
        return w * (1.3 if street["code"][6] == "0" else 1.0)

    blind = set(rng.sample([s["code"] for s in streets if s["code"] != "310104014"], BLIND_STREETS))
    eligible = [s for s in streets if s["code"] not in blind]
    total_w = sum(weight(s) for s in eligible)
    quota = {s["code"]: max(1, round(RELAY_STATIONS * weight(s) / total_w)) for s in eligible}

    def place(street: dict, scale: float) -> tuple[float, float]:
        cx, cy = street_points[street["code"]]
        sd = spread[street["parent_code"]] * scale
        polygons = polygons_of[street["parent_code"]]
        for _ in range(200):
            x, y = rng.gauss(cx, sd), rng.gauss(cy, sd)
            if inside(x, y, polygons):
                return x, y
        return cx, cy

    out: list[dict[str, Any]] = []
    for street in eligible:
        district = districts[street["parent_code"]]
        stem = street["name"].removesuffix("街道").removesuffix("镇").removesuffix("乡")
        for n in range(1, quota[street["code"]] + 1):
            x, y = place(street, 0.6)
            hours, h24, closed = rng.choices(
                [(h, a, c) for _w, h, a, c in RELAY_HOURS], weights=[w for w, *_ in RELAY_HOURS]
            )[0]
            amenities = list(SIX) if rng.random() > 0.1 else [a for a in SIX if a not in ("microwave", "fridge")]
            amenities += [a for a, p in EXTRAS.items() if rng.random() < p]
            host = HOSTS[rng.randrange(len(HOSTS))]
            out.append(
                {
                    "code": f"DEMO-RS-{street['code']}-{n:02d}",
                    "name": f"{stem}{host}爱心接力站{n}号（示例）",
                    "kind": "relay_station",
                    "street": street["code"],
                    "address": f"上海市{district}{street['name']}{stem}示例路{rng.randrange(1, 999)}号（示例地址）",
                    "point": (x, y),
                    "weekly_hours": hours,
                    "open_24h": h24,
                    "closed_on_holidays": closed,
                    "amenities": amenities,
                    "status": "temporarily_closed" if rng.random() < 0.03 else "open",
                }
            )
    labels = {
        "health_point": "健康服务点",
        "worker_service_station": "职工服务站",
        "union_service_station_building": "楼宇工会服务站",
        "union_service_station_business_district": "商圈工会服务站",
        "union_service_station_street": "街镇工会服务站",
        "union_service_station_complex": "园区工会服务站",
    }
    weights = [weight(s) for s in streets]
    for kind, count in OTHERS.items():
        for n in range(1, count + 1):
            street = rng.choices(streets, weights=weights)[0]
            district = districts[street["parent_code"]]
            stem = street["name"].removesuffix("街道").removesuffix("镇").removesuffix("乡")
            x, y = place(street, 0.4)
            hours, h24, closed = OTHER_HOURS.get(kind, ("周一至周五 09:00-17:00", False, True))
            amenities = ["air_conditioning", "water", "hot_water", "seats", "toilet", "charging"]
            if kind == "health_point":
                amenities += ["first_aid", "aed"]
            out.append(
                {
                    "code": f"DEMO-{PREFIX[kind]}-{n:03d}",
                    "name": f"{stem}{labels[kind]}（示例）",
                    "kind": kind,
                    "street": street["code"],
                    "address": f"上海市{district}{street['name']}{stem}示例路{rng.randrange(1, 999)}号（示例地址）",
                    "point": (x, y),
                    "weekly_hours": hours,
                    "open_24h": h24,
                    "closed_on_holidays": closed,
                    "amenities": amenities,
                    "status": "open",
                }
            )

    with (HERE / "data" / "street_points.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "lng", "lat"])
        for code in sorted(street_points):
            lng, lat = gcj02_to_wgs84(*street_points[code])
            writer.writerow([code, f"{lng:.6f}", f"{lat:.6f}"])
    with (HERE / "data" / "positions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "code",
                "name",
                "kind",
                "street",
                "address",
                "lng",
                "lat",
                "weekly_hours",
                "open_24h",
                "closed_on_holidays",
                "amenities",
                "status",
            ]
        )
        for p in out:
            lng, lat = gcj02_to_wgs84(*p["point"])
            writer.writerow(
                [p["code"], p["name"], p["kind"], p["street"], p["address"], f"{lng:.6f}", f"{lat:.6f}", p["weekly_hours"],
                 int(p["open_24h"]), int(p["closed_on_holidays"]), "|".join(p["amenities"]), p["status"]]
            )  # fmt: skip
    relay = sum(1 for p in out if p["kind"] == "relay_station")
    print(f"{len(street_points)} street points, {relay} relay stations, {len(out) - relay} other positions")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_GEOJSON)
