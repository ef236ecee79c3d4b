"""Seed the demo: `manage.py seed_demo` (run by `make run`). Deterministic and idempotent: a
second run creates nothing and changes nothing. See gongyou.demo.world for what it builds."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from gongyou.core.actors import COMMAND
from gongyou.core.models import Enterprise, Org, Station
from gongyou.demo.cases import seed_cases
from gongyou.demo.funds import seed_funds
from gongyou.demo.honours import seed_honours
from gongyou.demo.insight import seed_insight
from gongyou.demo.voice import seed_voice
from gongyou.demo.world import DEFAULT_MEMBERS, Report, Seeder
from gongyou.members.models import FoundingTask, Membership, RosterEntry, Transfer
from gongyou.secrets import write_private

DEFAULT_HOST = "127.0.0.1:8000"

LABELS = {
    "regions": "行政区划",
    "orgs": "工会组织",
    "enterprises": "企业",
    "stations": "配送站点",
    "staff": "工作人员账号",
    "members": "会员",
    "transfers": "接转申请",
    "roster_entries": "名册记录",
    "partner_credentials": "平台凭证",
    "campaigns": "服务活动",
    "claims": "福利发放",
    "plans": "保障计划",
    "enrolments": "参保",
    "slots": "预约时段",
    "appointments": "预约",
    "fund_transactions": "经费流水",
    "dues_payments": "会费缴纳",
    "cases": "诉求",
    "meetings": "五方会商",
    "agreements": "集体合同",
    "notices": "通知",
    "department_tasks": "部门任务",
    "honours": "荣誉与竞赛",
    "targets": "考核目标",
    "snapshot_rows": "指标快照",
}


class Command(BaseCommand):
    help = "Create the demo data (real Shanghai districts and streets, fictional platforms, synthetic members)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members", type=int, default=DEFAULT_MEMBERS, help=f"synthetic members (default {DEFAULT_MEMBERS})"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        parser.add_argument(
            "--host",
            default=DEFAULT_HOST,
            help=f"where the site is served, as runserver's addrport or a URL (default {DEFAULT_HOST}); "
            "`make run HOST=...` passes its HOST",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["members"] < 60:
            self.stderr.write("--members must be at least 60 (the 25-rule example needs 30 of them)")
            raise SystemExit(2)
        started = time.monotonic()
        progress = not options["no_progress"] and options["verbosity"] > 0
        report = Seeder(members=options["members"], progress=progress).run()
        # Funding (accounts, opening balances, dues schedule and payments) needs the federations
        # and members above; seed_funds stays a command of its own and is idempotent the same way.
        funds = seed_funds(actor=COMMAND)
        report.created["fund_transactions"] += funds.transactions
        report.created["dues_payments"] += funds.payments
        # Voice and rights: cases around 徐家汇 with their warnings, referral, relief and escalation.
        report.created["cases"] += seed_cases(actor=COMMAND)
        # Consultations, agreements and notices need the federations, platforms and staff above.
        voice = seed_voice(actor=COMMAND)
        report.created["meetings"] += voice.meetings
        report.created["agreements"] += voice.agreements
        report.created["notices"] += voice.notices
        report.created["department_tasks"] += voice.department_tasks
        # Honours and competitions: members of 徐家汇 placed and nominated.
        report.created["honours"] += seed_honours(actor=COMMAND)
        # Coverage dashboards: 13 months of history, the year's targets, the daily snapshots.
        insight = seed_insight(actor=COMMAND)
        report.created["targets"] += insight.targets
        report.created["snapshot_rows"] += insight.snapshot_rows
        self._summary(report, time.monotonic() - started, base_url(options["host"]))

    def _summary(self, report: Report, seconds: float, server: str) -> None:
        w = self.stdout.write
        w("")
        w(self.style.SUCCESS(f"演示数据已就绪（用时 {seconds:.1f} 秒，本次新建 {report.total_created} 条）"))
        w("  本次新建：" + "，".join(f"{LABELS.get(k, k)} {report.created.get(k, 0)}" for k in LABELS))
        w(
            f"  数据库中：工会组织 {Org.objects.count()}，企业 {Enterprise.objects.count()}，"
            f"站点 {Station.objects.count()}，会籍 {Membership.objects.count()}"
            f"（待审批 {Membership.objects.filter(status=Membership.Status.APPLIED).count()}），"
            f"待接收接转 {Transfer.objects.filter(status=Transfer.Status.PENDING).count()}，"
            f"名册记录 {RosterEntry.objects.count()}，"
            f"建会任务 {FoundingTask.objects.filter(status=FoundingTask.Status.OPEN).count()}"
        )
        w("")
        w(f"网站：{server}    管理后台（工作台）：{server}/console/    Django admin：{server}/admin/")
        w("")
        w("演示账号（仅限演示；密码来自环境变量 GONGYOU_DEMO_PASSWORD，未设置时为 gongyou-demo-2026）：")
        rows = [("用户名", "密码", "所在组织（角色）")] + [(u, p, org) for u, p, org, _desc in report.credentials]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        for n, row in enumerate(rows):
            w("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)))
            if n == 0:
                w("  " + "  ".join("-" * width for width in widths))
        w("")
        w(f"平台凭证（{report.partner_enterprise}）：")
        if report.partner_token:
            w("  " + self._show_token(report.partner_token))
        else:
            w(f"  {report.partner_token_note}")
        w("管理员首次登录需要动态口令激活码：manage.py totp_activation city_admin（或 superuser）")

    def _show_token(self, token: str) -> str:
        """A live token goes to the demo's own terminal only: when the output is captured (a log
        file, CI, a process manager) it is written to a private file under var/secrets/ instead."""
        if self.stdout.isatty():
            return f"Authorization: Bearer {token}"
        path = write_private(settings.VAR_DIR / "secrets", "demo_partner_token", token)
        return f"令牌已写入 {path}（仅本机可读；输出不是终端，所以不打印令牌）"


def base_url(host: str) -> str:
    """The address to print for `host`, read the way runserver reads its addrport ("8080",
    "0.0.0.0:8000", "[::1]:8000") or taken as is when it is already a URL."""
    host = host.strip().rstrip("/")
    if "://" in host:
        return host
    if host.isdigit():
        host = f"127.0.0.1:{host}"
    elif ":" not in host.rsplit("]", 1)[-1]:  # no port after the (possibly bracketed IPv6) host
        host = f"{host}:8000"
    return f"http://{host}"


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
