"""Issue a partner API token for an enterprise; the token is printed alone on the last line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.core.actors import COMMAND
from gongyou.core.models import Enterprise
from gongyou.core.validators import validate_uscc
from gongyou.partners.services import issue_partner_token


class Command(BaseCommand):
    help = "为企业签发平台对接令牌（令牌单独打印在最后一行，只显示这一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("uscc", help="企业的统一社会信用代码")
        parser.add_argument("--name", default="", help="凭证名称，例如“名册同步”")

    def handle(self, *args: Any, uscc: str, name: str, **options: Any) -> None:
        try:
            code = validate_uscc(uscc)
        except ValidationError as exc:
            raise CommandError(f"统一社会信用代码无效：{uscc}（{'；'.join(str(m) for m in exc.messages)}）") from exc
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise CommandError(f"找不到统一社会信用代码为 {code} 的企业，请先导入企业（import_enterprises）")
        try:
            token = issue_partner_token(enterprise, actor=COMMAND, name=name)
        except ValidationError as exc:
            raise CommandError("；".join(str(m) for m in exc.messages)) from exc
        self.stdout.write(f"已为“{enterprise.name}”（{code}）签发平台令牌。令牌只显示这一次，请妥善保存：")
        self.stdout.write(token)
