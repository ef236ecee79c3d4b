"""Join data of the synthetic workers bench_load.py seeds and locustfile.py sends (one shape, the
partner API tests'). Free of locust and of Django, so both the seeding process and the locust
process can import it."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongyou.core.synthetic import make_id_number, make_phone  # noqa: E402


def worker(seq: int) -> dict[str, object]:
    """Synthetic worker `seq`, independent, food delivery, in 徐家汇街道 (the test world's street)."""
    return {
        "name": f"测试{seq}号",
        "id_number": make_id_number(seq),
        "phone": make_phone(seq),
        "street_code": "310104014",
        "industry": "food_delivery",
        "labor_relation": "independent",
        "consent_version": "2026-11",
        "external_id": f"bench-{seq}",
    }
