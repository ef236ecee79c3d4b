"""Cron, once a day: SMS reminders for appointments that start tomorrow."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongyou.benefits.appointments import send_appointment_reminders
from gongyou.core.actors import COMMAND


class Command(BaseCommand):
    help = "Send the day-before SMS reminder for booked appointments (run daily by cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_appointment_reminders(actor=COMMAND)
        self.stdout.write(f"sent {run.sent}, failed {run.failed}")
