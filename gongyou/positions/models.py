"""Service positions (服务阵地, seed §二(二)7, SPEC §4): the registry, visitor check-ins and
feedback, and the public-holiday dates that "closed on public holidays" refers to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongyou.core.models import Org, Region
from gongyou.positions.photos import photo_storage
from gongyou.positions.vocab import Amenity, FeedbackStatus, Kind, ProblemKind, Status


class ServicePosition(models.Model):
    code = models.CharField(_("阵地编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=48, choices=Kind.choices, db_index=True)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="service_positions", verbose_name=_("管理工会"))
    street = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_positions", verbose_name=_("所在街镇")
    )
    address = models.CharField(_("地址"), max_length=200)
    # WGS-84, as GPS reports it; GCJ-02 only at the edges (input from map apps, AMap output).
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    weekly_hours = models.JSONField(_("每周开放时间"), default=dict, blank=True)
    open_24h = models.BooleanField(_("24小时开放"), default=False)
    closed_on_holidays = models.BooleanField(_("法定节假日闭站"), default=False)
    # Delimited ",fridge,microwave," so one portable LIKE finds an amenity on SQLite and PostgreSQL.
    amenity_codes = models.CharField(_("设施"), max_length=400, blank=True, default="")
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    photo = models.FileField(_("照片"), storage=photo_storage, upload_to="positions/", blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        indexes = [models.Index(fields=["org", "kind"]), models.Index(fields=["street", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def amenities(self) -> list[str]:
        return [code for code in self.amenity_codes.split(",") if code]

    def amenity_items(self) -> list[tuple[str, str]]:
        labels = dict(Amenity.choices)
        return [(code, str(labels.get(code, code))) for code in self.amenities]


class PublicHoliday(models.Model):
    """A date of the State Council's yearly holiday arrangement: a statutory public holiday
    (法定节假日; positions flagged closed_on_holidays close, case deadlines skip it), or, with
    `workday`, a weekend day that is a working day in exchange (调休上班; case deadlines count it,
    positions ignore it)."""

    date = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("节日"), max_length=40)
    workday = models.BooleanField(_("调休上班日"), default=False)

    class Meta:
        ordering = ["date"]
        verbose_name = _("法定节假日")
        verbose_name_plural = _("法定节假日")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CheckIn(models.Model):
    """A visit recorded by scanning the station's QR code. Anonymous visits count; a logged-in
    member's visit is linked to the membership."""

    position = models.ForeignKey(ServicePosition, on_delete=models.PROTECT, related_name="checkins")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    membership = models.ForeignKey(
        "members.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["position", "at"])]

    def __str__(self) -> str:
        return f"{self.position_id} @ {self.at:%Y-%m-%d %H:%M}"


class Feedback(models.Model):
    """A rating and/or a reported problem; it lands with the position's managing org."""

    position = models.ForeignKey(ServicePosition, on_delete=models.PROTECT, related_name="feedback")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理工会"))
    checkin = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        "members.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    problem = models.CharField(_("问题类型"), max_length=24, choices=ProblemKind.choices, blank=True)
    text = models.TextField(_("说明"), blank=True)
    # Who sent it, for telling a double tap from a second report: "member:<pk>" or a hash of the
    # anonymous visitor's session key (never the key itself). Blank when the caller has neither.
    sender = models.CharField(max_length=72, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    reply = models.TextField(_("处理说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status"]),
            models.Index(fields=["position", "sender", "created_at"], name="positions_feedback_repeat"),
        ]
        verbose_name = _("阵地反馈")
        verbose_name_plural = _("阵地反馈")

    def __str__(self) -> str:
        return f"{self.position_id}: {self.score or ''} {self.problem}"


class WorkerCount(models.Model):
    """The coverage page's worker counts for the whole city, as the `count_workers` job (every
    ten minutes) last made them: counted live they scan every roster row and open membership —
    seconds at a million — so pages read these and say when they were counted. Only the latest
    row is kept; before the first run the page counts live."""

    counted_at = models.DateTimeField(_("统计时间"))
    # [[street id, station id or null, distinct workers], …]: positions.coverage._worker_groups.
    groups = models.JSONField(_("按街镇和站点的劳动者"), default=list)
    # {street id: n} as JSON objects keep them (string keys).
    roster_workers = models.JSONField(_("各街镇名册在岗"), default=dict)
    members = models.JSONField(_("各街镇会员"), default=dict)

    class Meta:
        verbose_name = _("劳动者人数统计")
        verbose_name_plural = _("劳动者人数统计")

    def __str__(self) -> str:
        return f"{self.counted_at:%Y-%m-%d %H:%M}"
