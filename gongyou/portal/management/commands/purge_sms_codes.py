"""Delete SMS challenges that expired more than a day ago (run daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongyou.portal.sms import purge_expired


class Command(BaseCommand):
    help = "Delete SMS verification challenges that expired more than a day ago."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        self.stdout.write(f"deleted {deleted} expired SMS challenges")
