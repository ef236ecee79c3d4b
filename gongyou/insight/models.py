"""A record of each market-registry upload: who loaded which file, what changed, and the rows
that were refused with their reasons (downloadable beside the summary)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=200)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # RowError dicts (core.errors): the sheet's row number, the USCC as written, the errors.
    rejected = models.JSONField(default=list)
    # A background job imports the file in chunks (insight.tasks.run_registry_import): the rows
    # still to import as read from the file ([[row number, {field: text}], …], dropped when done),
    # rows the file repeats ({row number: the earlier row with that USCC}), and how far it got.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.JSONField(default=list)
    duplicates = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("登记信息导入")
        verbose_name_plural = _("登记信息导入")

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.position * 100 / self.total)

    @property
    def summary(self) -> str:
        return f"created={self.created} updated={self.updated} unchanged={self.unchanged} rejected={len(self.rejected)}"


class Snapshot(models.Model):
    """One indicator's value (insight.indicators) in one street on one day: a stock at the end of
    the day or a flow during it. A district's rows with `street_code` "" hold what is known only
    by district (an enterprise whose street the registry could not tell). Districts and the city
    are sums of these rows, so the 16 districts add up to the city. Written only by
    `rebuild_snapshots` (insight.snapshots), never edited by hand."""

    day = models.DateField()
    indicator = models.CharField(max_length=40)
    district_code = models.CharField(max_length=6)
    street_code = models.CharField(max_length=9, blank=True)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "day", "district_code", "street_code"], name="one_snapshot_per_indicator_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.day} {self.street_code or self.district_code}={self.value}"


class ServedMonth(models.Model):
    """People served, by the month they were served and the last month before it they had been
    served (None: never before), counted in the street where they work. Distinct persons over
    any run of months [a, b] is then the sum over months m in [a, b] of rows with prev_month
    before a (or none) — exact, and additive across streets (insight.indicators.people_served)."""

    month = models.DateField()
    prev_month = models.DateField(null=True, blank=True)
    district_code = models.CharField(max_length=6)
    street_code = models.CharField(max_length=9, blank=True)
    people = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "district_code"], name="servedmonth_month_district")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.street_code or self.district_code} ← {self.prev_month}: {self.people}"


class SnapshotRun(models.Model):
    """One run of `rebuild_snapshots`: snapshots hold every day up to `built_through` (inclusive);
    the dashboards add live changes after it (snapshot + delta)."""

    built_from = models.DateField()
    built_through = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"{self.built_from}…{self.built_through}"


class Target(models.Model):
    """A target for one indicator in one district (set by the city federation) or one street (set
    by its district federation) for a calendar year (考核年度)."""

    indicator = models.CharField(_("指标"), max_length=40)
    period = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    value = models.BigIntegerField(_("目标值"))
    set_by = models.ForeignKey("core.Org", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "region"], name="one_target_per_indicator_region")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period} {self.region_id}={self.value}"


class IndustrySnapshot(models.Model):
    """The industry view's figures (insight.breakdowns) per industry and street, written by each
    `rebuild_snapshots` for its last day; only the last build's rows are kept. `members` is the
    level at the end of `day` (the view adds the membership changes since); the rest is what the
    rebuild counted ("as of" that day on the page). Rows with both codes "" hold what has no
    place (a member without a work street, an enterprise without a district): the city counts
    them, no district does — as the live count does."""

    day = models.DateField()
    industry = models.CharField(max_length=20, blank=True)
    district_code = models.CharField(max_length=6, blank=True)
    street_code = models.CharField(max_length=9, blank=True)
    members = models.IntegerField(default=0)
    roster_workers = models.IntegerField(default=0)
    enterprises = models.IntegerField(default=0)
    enterprises_with_union = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["district_code", "street_code"], name="industrysnap_place")]

    def __str__(self) -> str:
        return f"{self.industry} {self.street_code or self.district_code} @ {self.day}"


class EnterpriseSnapshot(models.Model):
    """One row of the enterprise view (insight.breakdowns.by_enterprise) as the last
    `rebuild_snapshots` counted it: enterprises on the register that are head enterprises or have
    a roster, stations or employed members. Only the last build's rows are kept."""

    day = models.DateField()
    enterprise = models.OneToOneField("core.Enterprise", on_delete=models.CASCADE, related_name="+")
    uscc = models.CharField(max_length=18)  # copied for the view's order without a join
    district_code = models.CharField(max_length=6, blank=True)
    street_code = models.CharField(max_length=9, blank=True)
    is_head = models.BooleanField(default=False)
    roster_workers = models.IntegerField(default=0)
    members = models.IntegerField(default=0)
    # What the gap list (insight.gaps) ranks unionless enterprises by, beside roster_workers.
    individual_members = models.IntegerField(default=0)
    has_union = models.BooleanField(default=False)
    station_count = models.IntegerField(default=0)
    stations_with_union = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["district_code", "street_code"], name="enterprisesnap_place"),
            # The view's order, so a page of the city is read off the index.
            models.Index(fields=["-is_head", "-roster_workers", "-members", "uscc"], name="enterprisesnap_order"),
        ]

    def __str__(self) -> str:
        return f"{self.uscc} @ {self.day}"

    # The enterprise view's template and export read these like an annotated Enterprise.
    @property
    def name(self) -> str:
        return self.enterprise.name

    @property
    def district(self) -> Any:
        return self.enterprise.district

    @property
    def street(self) -> Any:
        return self.enterprise.street
