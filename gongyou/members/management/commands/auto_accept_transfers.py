"""Accept pending transfers whose waiting period has passed. Run daily from cron, e.g.
`15 2 * * * cd /srv/gongyou && .venv/bin/python manage.py auto_accept_transfers`."""

from django.core.management.base import BaseCommand

from gongyou.members.transfers import auto_accept_due_transfers


class Command(BaseCommand):
    help = "自动接收超过期限仍未处理的会员组织关系接转"

    def handle(self, *args: object, **options: object) -> None:
        accepted = auto_accept_due_transfers()
        self.stdout.write(f"auto-accepted {accepted} transfer(s)")
