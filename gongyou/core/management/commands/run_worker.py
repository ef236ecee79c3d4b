"""One background-task worker for the configured queue (settings.TASKS, gongyou/core/jobs.py):
the database backend's `db_worker`, or django-rq's `rqworker --with-scheduler` on Redis, plus the
periodic schedule beside it (`--no-schedule` leaves that to another process): a thread next to
the database worker, a child process next to RQ (which forks a process per job, and a fork taken
while a schedule thread held a lock would leave the job's process waiting on it forever). Run as many as the
load needs, on any machine that reaches the database (and Redis): they share work through the
queue only. SIGTERM finishes the current task first; SIGKILL loses nothing either (jobs.recover)."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.core.management.commands.run_schedule import INTERVAL, loop


class Command(BaseCommand):
    help = "运行后台任务处理进程（数据库队列或 Redis 上的 RQ），并在同一进程中运行定时任务表"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-schedule", action="store_true", help="do not run the periodic schedule here")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit (db backend)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle (db backend)")

    def handle(self, *args: Any, no_schedule: bool, batch: bool, interval: float, **options: Any) -> None:
        backend = settings.GONGYOU_TASK_BACKEND
        if backend == "immediate":
            raise CommandError("GONGYOU_TASK_BACKEND=immediate runs tasks inside requests: there is nothing to work on")
        stop = threading.Event()
        beside: subprocess.Popen[bytes] | None = None
        if not no_schedule and not batch:
            if backend == "db":
                threading.Thread(target=loop, args=(stop, INTERVAL), name="schedule", daemon=True).start()
            else:
                command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_schedule"]
                beside = subprocess.Popen(command)  # noqa: S603 (our own manage.py, fixed arguments)
        verbosity = int(options.get("verbosity", 1))
        try:
            if backend == "db":
                worker_args = ["--queue-name=*", "--no-reload", f"--interval={interval}"]
                call_command("db_worker", *worker_args, *(["--batch"] if batch else []), verbosity=verbosity)
            else:
                call_command(
                    "rqworker", "default", *(["--burst"] if batch else ["--with-scheduler"]), verbosity=verbosity
                )
        finally:
            stop.set()
            if beside is not None:
                beside.terminate()
                try:
                    beside.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    beside.kill()
