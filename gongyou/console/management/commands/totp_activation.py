"""Issue a one-time TOTP activation code for a staff account (first enrolment or a lost phone)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.console.services import ACTIVATION_TTL, issue_totp_activation
from gongyou.core.actors import COMMAND


class Command(BaseCommand):
    help = "为管理员签发动态口令激活码（首次绑定或更换手机时使用；激活码只显示这一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="要绑定动态口令的账号")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"找不到启用中的账号 {username}")
        code = issue_totp_activation(user, actor=COMMAND)
        hours = int(ACTIVATION_TTL.total_seconds() // 3600)
        self.stdout.write(
            f"已为 {username} 签发动态口令激活码（{hours}小时内有效，只能用一次；原有验证器随即失效）。"
            "请通过电话或当面告知本人："
        )
        self.stdout.write(code)
