"""Do the follow-up work that requests recorded but a crash kept from finishing (members.Outbox):
transfer proposals of roster batches. Idempotent; run every few minutes from cron, e.g.
`*/5 * * * * cd /srv/gongyou && .venv/bin/python manage.py process_outbox`."""

from django.core.management.base import BaseCommand

from gongyou.members.roster import process_outbox


class Command(BaseCommand):
    help = "处理尚未完成的后续任务（按名册提出的转会）"

    def handle(self, *args: object, **options: object) -> None:
        proposed = process_outbox()
        self.stdout.write(f"proposed {proposed} transfer(s)")
