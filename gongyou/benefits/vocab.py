"""Vocabularies of the benefits app (SPEC §5, glossary: five deliveries, inclusive benefits)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    PHYSICAL_EXAM = "physical_exam", _("送体检")
    INSURANCE = "insurance", _("送保障")
    SUMMER_COOLING = "summer_cooling", _("夏日送清凉")
    WINTER_WARMTH = "winter_warmth", _("冬季送温暖")
    SAFETY = "safety", _("送安全")
    INCLUSIVE = "inclusive", _("普惠服务")
    TRAINING = "training", _("技能培训")
    COMPETITION = "competition", _("技能竞赛")
    RECUPERATION = "recuperation", _("疗休养")
    COUNSELLING = "counselling", _("心理咨询")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")


class AppointmentKind(models.TextChoices):
    PHYSICAL_EXAM = "physical_exam", _("体检")
    COUNSELLING = "counselling", _("心理咨询")
    RECUPERATION = "recuperation", _("疗休养")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已到场")
    NO_SHOW = "no_show", _("未到场")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("开放投保")
    CLOSED = "closed", _("已停止")


class EnrolmentChannel(models.TextChoices):
    WORKER = "worker", _("本人投保")
    STAFF = "staff", _("工作人员代办")
    BULK = "bulk", _("平台批量")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已投保")
    CANCELLED = "cancelled", _("已退保")


class PaymentStatus(models.TextChoices):
    DUE = "due", _("待缴")
    PAID = "paid", _("已缴")
    NONE = "none", _("无需缴纳")


class InsurerStatus(models.TextChoices):
    PENDING = "pending", _("待承保")
    ACCEPTED = "accepted", _("已承保")
    REJECTED = "rejected", _("拒保")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("已报案")
    ACCEPTED = "accepted", _("已受理")
    PAID = "paid", _("已赔付")
    REJECTED = "rejected", _("不予赔付")
    CLOSED = "closed", _("已结案")


class ServiceKind(models.TextChoices):
    HANDOUT = "handout", _("福利发放")
    APPOINTMENT = "appointment", _("预约服务")
    INSURANCE = "insurance", _("保障投保")
    CHECKIN = "checkin", _("驿站服务")
    CASE = "case", _("诉求办理")
