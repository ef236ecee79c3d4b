"""Vocabularies of the cases app (SPEC §6 voice and rights; seed §二(二)9, Annex 3 §二4, §三3–5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    OPINION = "opinion", _("意见建议")
    COMPLAINT = "complaint", _("投诉")
    HARDSHIP = "hardship", _("困难救助")
    LEGAL_AID = "legal_aid", _("法律援助")
    DISPUTE = "dispute", _("劳动争议")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已关闭")
    REJECTED = "rejected", _("不予受理")


# Statuses in which a deadline runs (and so a case can be overdue and escalate).
OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS)


class Action(models.TextChoices):
    """What can happen to a case: the API's `action` values plus what the system does."""

    SUBMIT = "submit", _("提交")
    ACCEPT = "accept", _("受理")
    START = "start", _("开始办理")
    RESOLVE = "resolve", _("办结")
    CLOSE = "close", _("关闭")
    REJECT = "reject", _("不予受理")
    REOPEN = "reopen", _("重新办理")
    REFER = "refer", _("转交部门")
    REFERRAL_OUTCOME = "referral_outcome", _("部门办理结果")
    ESCALATE = "escalate", _("逾期上报")
    ATTACH = "attach", _("补充材料")
    HARDSHIP_REVIEW = "hardship_review", _("救助审核")
    HARDSHIP_PAID = "hardship_paid", _("救助金发放")


# The API's actions (POST /api/v1/cases/{case_no}/actions).
API_ACTIONS = ("accept", "start", "resolve", "close", "reject", "reopen", "refer")


class Channel(models.TextChoices):
    PORTAL = "portal", _("会员自助提交")
    PORTAL_GUEST = "portal_guest", _("非会员提交")
    STAFF = "staff", _("工作人员代录")
    API = "api", _("接口")


class Topic(models.TextChoices):
    """What a case is about, for the cluster signal (several cases on one topic at one place)."""

    PAY = "pay", _("劳动报酬")
    PENALTY = "penalty", _("奖惩规则与罚款")
    WORKING_TIME = "working_time", _("工作时间与休息")
    QUOTA = "quota", _("劳动定额与派单")
    SAFETY = "safety", _("劳动安全")
    INSURANCE = "insurance", _("社会保险与保障")
    ACCOUNT = "account", _("账号封禁与申诉")
    FACILITIES = "facilities", _("驿站与工作条件")
    OTHER = "other", _("其他")


class WarningLevel(models.TextChoices):
    GREEN = "green", _("绿色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")


class WarningKind(models.TextChoices):
    CASE = "case", _("单个诉求")
    CLUSTER = "cluster", _("集中反映")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    HANDLED = "handled", _("已处置")


class Department(models.TextChoices):
    HRSS_COMPLAINT = "hrss_complaint", _("人社部门劳动保障监察投诉")
    LEGAL_AID_CENTRE = "legal_aid_centre", _("法律援助中心")
    PROCURATORATE = "procuratorate", _("检察机关支持起诉")
    MEDIATION = "mediation", _("劳动争议调解委员会")


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("办理中")
    UPHELD = "upheld", _("已解决")
    PARTLY = "partly", _("部分解决")
    DECLINED = "declined", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


class HardshipReason(models.TextChoices):
    ILLNESS = "illness", _("重大疾病")
    INJURY = "injury", _("意外伤害")
    FAMILY = "family", _("家庭变故")
    DISASTER = "disaster", _("灾害事故")
    INCOME = "income", _("收入骤减")
    OTHER = "other", _("其他")


class HardshipDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("批准")
    DECLINED = "declined", _("不予救助")
