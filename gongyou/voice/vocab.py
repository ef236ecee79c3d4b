"""The words of consultations, collective agreements and notices."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    """The five parties of a 五方协调会商 (seed Annex 3 §三4)."""

    UNION = "union", _("工会（市、区）")
    GOVERNMENT = "government", _("政府部门")
    PLATFORM = "platform", _("平台企业")
    AFFILIATE = "affiliate", _("平台关联企业 / 代理商")
    WORKER_REP = "worker_rep", _("劳动者代表")


# The kinds whose party is an enterprise: it may be linked to one in the registry.
ENTERPRISE_PARTIES = frozenset({PartyKind.PLATFORM, PartyKind.AFFILIATE})


class ItemStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    # Never stored: an open item past its due date is shown (and filtered) as overdue.
    OVERDUE = "overdue", _("已逾期")


class AgreementKind(models.TextChoices):
    INDUSTRY = "industry", _("行业集体合同")
    REGIONAL = "regional", _("区域集体合同")


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", _("提出要约")
    NEGOTIATING = "negotiating", _("协商中")
    SIGNED = "signed", _("已签订")
    FAILED = "failed", _("协商未成")


# Which status may follow which: a negotiation moves forward; signed and failed are final.
AGREEMENT_NEXT = {
    AgreementStatus.PROPOSED: {AgreementStatus.NEGOTIATING, AgreementStatus.FAILED},
    AgreementStatus.NEGOTIATING: {AgreementStatus.SIGNED, AgreementStatus.FAILED},
    AgreementStatus.SIGNED: set(),
    AgreementStatus.FAILED: set(),
}


class Subject(models.TextChoices):
    """What a collective agreement settles (seed Annex 3 §三5)."""

    PAY = "pay", _("工资报酬")
    REWARD_PENALTY = "reward_penalty", _("奖惩规则")
    WORKING_TIME = "working_time", _("工作时间")
    LABOUR_QUOTA = "labour_quota", _("劳动定额")


class NoticeAudience(models.TextChoices):
    ALL = "all", _("所辖全部组织")
    KINDS = "kinds", _("指定类型的组织")
    CHOSEN = "chosen", _("指定组织")


class TaskStatus(models.TextChoices):
    """A department task's state, from its recorded progress: 0 % not started, 100 % done."""

    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    # Never stored: a task not done past its due date is shown (and filtered) as overdue.
    OVERDUE = "overdue", _("已逾期")
