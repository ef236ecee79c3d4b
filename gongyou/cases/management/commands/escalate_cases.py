"""Escalate every case overdue at a moment (default: now) to the next org up, once per overdue
period: one line per escalation, and as the last line exactly `escalated=N`. Run from cron
(e.g. hourly); running it twice for the same moment changes nothing the second time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongyou.cases.escalation import escalate_overdue


def parse_moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise CommandError(f"--now must be ISO-8601 (e.g. 2026-12-01T09:00:00+08:00), got {value!r}") from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Escalate overdue cases to the next org up; prints one line per escalation, then escalated=N."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="the moment to check, ISO-8601 (default: now); naive = Shanghai time")

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_moment(options["now"]) if options.get("now") else timezone.now()
        done = escalate_overdue(now)
        for esc in done:
            self.stdout.write(
                f"{esc.case.case_no} period={esc.period} due={esc.due_at.isoformat()} "
                f"from={esc.from_org_id}:{esc.from_org.name} to={esc.to_org_id}:{esc.to_org.name}"
            )
        self.stdout.write(f"escalated={len(done)}")
