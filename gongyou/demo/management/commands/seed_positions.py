"""`manage.py seed_positions`: demo service positions (≥ 1,000 relay stations, marked demo),
approximate street reference points and the public-holiday dates. Idempotent; run after
seed_demo so the street federations that manage the positions exist."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongyou.core.actors import COMMAND
from gongyou.demo.positions import seed_positions
from gongyou.positions.models import ServicePosition


class Command(BaseCommand):
    help = "Load demo service positions, approximate street points and public holidays (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_positions(actor=COMMAND)
        if report.skipped_no_org:
            self.stderr.write(f"{report.skipped_no_org} 个示例阵地没有可管理的工会，已跳过：请先运行 seed_demo")
        total = ServicePosition.objects.count()
        demo = ServicePosition.objects.filter(is_demo=True).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"服务阵地示例数据已就绪：本次新建阵地 {report.positions}，更新街镇参考点 {report.street_points}，"
                f"节假日 {report.holidays}；库中阵地 {total}（其中示例 {demo}）"
            )
        )
