"""The words of the ledger: account sources, transaction kinds, dues periods and channels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    CITY_FINANCE = "city_finance", _("市财政")
    DISTRICT_FINANCE = "district_finance", _("区财政")
    UNION_CITY = "union_city", _("市总工会经费")
    UNION_DISTRICT = "union_district", _("区总工会经费")
    UNION_STREET = "union_street", _("街镇工会经费")
    HQ_UNION = "hq_union", _("企业总部工会经费")
    AGENT = "agent", _("代理商经费")
    DUES = "dues", _("会费收入")
    MEMBER_SERVICE = "member_service", _("会员服务经费")
    # Counterparts that keep the ledger closed (every posting has two sides, the city sums to 0):
    # past years' balances brought in, the dues payers, and money spent out of the ledger.
    OPENING = "opening", _("期初结余")
    DUES_PAYERS = "dues_payers", _("会员缴费")
    EXPENSE = "expense", _("支出")


# Where money enters the ledger: their negative balance is what they brought in, so they may go
# below zero by default. Every other account may not unless it is opened that way.
INFLOW_SOURCES = frozenset(
    {Source.CITY_FINANCE, Source.DISTRICT_FINANCE, Source.HQ_UNION, Source.AGENT, Source.OPENING, Source.DUES_PAYERS}
)


class Kind(models.TextChoices):
    TRANSFER = "transfer", _("转账")
    OPENING = "opening", _("期初余额")
    SPENDING = "spending", _("支出")
    DUES_PAYMENT = "dues_payment", _("会费缴纳")
    DUES_SHARE = "dues_share", _("会费划转会员服务")
    REVERSAL = "reversal", _("冲正")


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


PERIOD_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


class PaymentChannel(models.TextChoices):
    STAFF = "staff", _("工作人员登记")
    IMPORT = "import", _("平台代扣导入")
    WORKER = "worker", _("会员自助缴纳")
