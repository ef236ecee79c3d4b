"""Issue a staff API token for a staff account; the token is printed alone on the last line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.core.actors import COMMAND
from gongyou.core.services import issue_staff_token


class Command(BaseCommand):
    help = "为工作人员账号签发接口令牌（令牌单独打印在最后一行，只显示这一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="工作人员的用户名")
        parser.add_argument("--name", default="", help="令牌名称，例如“发放扫码”")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"找不到用户名为 {username} 的账号")
        try:
            token = issue_staff_token(user, actor=COMMAND, name=name)  # type: ignore[arg-type]
        except ValidationError as exc:
            raise CommandError("；".join(str(m) for m in exc.messages)) from exc
        self.stdout.write(
            f"已为“{username}”签发接口令牌，它与该账号的范围和角色完全相同。令牌只显示这一次，请妥善保存："
        )
        self.stdout.write(token)
