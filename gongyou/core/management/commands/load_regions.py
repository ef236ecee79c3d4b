"""Load Shanghai's districts and streets (NBS statistical codes); safe to run again."""

from django.core.management.base import BaseCommand

from gongyou.core.services import load_regions


class Command(BaseCommand):
    help = "载入上海市16个区、215个街镇的统计用区划代码"

    def handle(self, *args: object, **options: object) -> None:
        created = load_regions()
        self.stdout.write(f"regions created: {created}")
