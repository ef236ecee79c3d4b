"""Dues payments from a platform's withholding file or a payment export (.xlsx or .csv, read by
core.excel's one reader). Every row is recorded or refused on its own, with the row number, the
column and the reason; the reference makes a replayed file change nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongyou.core.actors import Actor
from gongyou.core.excel import Sheet, find_header, read_table, records, workbook_bytes
from gongyou.funds.dues import record_dues_payment
from gongyou.funds.errors import Refused
from gongyou.funds.inputs import clean_amount_fen, clean_date
from gongyou.funds.vocab import PaymentChannel
from gongyou.members.models import Membership

# Header text (as platforms write it) → field.
HEADERS = {
    "会员编号": "member_no",
    "member_no": "member_no",
    "金额（分）": "amount_fen",
    "金额(分)": "amount_fen",
    "代扣金额（分）": "amount_fen",
    "amount_fen": "amount_fen",
    "缴费日期": "paid_on",
    "代扣日期": "paid_on",
    "paid_on": "paid_on",
    "流水号": "reference",
    "缴费流水号": "reference",
    "代扣流水号": "reference",
    "reference": "reference",
}
REQUIRED = ("member_no", "amount_fen", "paid_on", "reference")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    code: str
    message: str


@dataclass
class DuesImport:
    created: int = 0
    replayed: int = 0
    reinstated: int = 0
    errors: list[RowError] = field(default_factory=list)


def _first_error(exc: ValidationError) -> tuple[str, str, str]:
    if isinstance(exc, Refused):
        return exc.field, str(exc.code), exc.text
    for name, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [("", exc.error_list)]:
        first = errors[0]
        return name, str(first.code or "invalid"), str(first.message % (first.params or {}))
    return "", "invalid", str(exc)


def import_dues_payments(
    source: IO[bytes] | bytes, filename: str, *, memberships: QuerySet[Membership], actor: Actor
) -> DuesImport:
    """`memberships`: the members the importer may record for (their scope); others are
    reported as not found, like missing ones."""
    table = read_table(source, filename)
    header_index = find_header(table, lambda cell: cell.strip() in HEADERS)
    result = DuesImport()
    if header_index is None:
        result.errors.append(RowError(1, "", "no_header", _("找不到表头：需要会员编号、金额（分）、缴费日期、流水号")))
        return result
    recs = records(table, header_index)
    columns = {HEADERS[h.strip()]: i for i, h in enumerate(recs.header) if h.strip() in HEADERS}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        result.errors.append(
            RowError(
                recs.header_row, missing[0], "missing_column", _("缺少列：%(cols)s") % {"cols": "、".join(missing)}
            )
        )
        return result
    for number, row in recs.rows:
        cell = {name: (row[i] if i < len(row) else "").strip() for name, i in columns.items()}
        try:
            membership = memberships.filter(member_no=cell["member_no"]).first() if cell["member_no"] else None
            if membership is None:
                raise Refused("member_not_found", _("找不到这个会员编号"), field="member_no")
            outcome = record_dues_payment(
                membership,
                clean_amount_fen(cell["amount_fen"]),
                reference=cell["reference"],
                paid_on=_paid_on(cell["paid_on"]),
                channel=PaymentChannel.IMPORT,
                actor=actor,
            )
        except ValidationError as exc:
            name, code, message = _first_error(exc)
            result.errors.append(RowError(number, name, code, message))
            continue
        if outcome.created:
            result.created += 1
            result.reinstated += int(outcome.reinstated)
        else:
            result.replayed += 1
    return result


def _paid_on(text: str) -> dt.date:
    if not text:
        raise Refused("required", _("请填写缴费日期"), field="paid_on")
    return clean_date(text, field="paid_on")


def error_file(result: DuesImport) -> bytes:
    """The refused rows as an .xlsx for the uploader: row, column, code, reason."""
    rows = [(e.row, e.field, e.code, e.message) for e in result.errors]
    return workbook_bytes([Sheet(_("导入错误"), [_("行号"), _("列"), _("错误代码"), _("原因")], rows)])
