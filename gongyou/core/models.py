"""Regions, organisations (a DAG: territorial tree plus dual management), enterprises, delivery
stations, staff roles and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongyou.core.choices import Industry


class Region(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        STREET = "street", _("街镇")

    code = models.CharField(_("区划代码"), max_length=9, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # WGS-84 reference point. Streets have no published coordinates: `approximate` marks a
    # derived demo point that staff should replace with a real one.
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    approximate = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        if self.level == self.Level.STREET and self.parent is not None:
            return f"{self.parent.name}{self.name}"
        return self.name


class Enterprise(models.Model):
    class Relation(models.TextChoices):
        SUBSIDIARY = "subsidiary", _("子公司")
        BRANCH = "branch", _("分公司")
        FRANCHISEE = "franchisee", _("加盟企业")
        AGENT = "agent", _("代理商")
        LABOUR_DISPATCH = "labour_dispatch", _("劳务派遣公司")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=128)
    # Blank: outside the target industries (a registry row kept but never listed as a gap).
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices, blank=True)
    # The district is always known for an enterprise a union registers; a market-registry row may
    # name its district (登记机关) but an address in no street we can recognise.
    district = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="district_enterprises",
        verbose_name=_("所在区"),
    )
    street = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("所在街镇"),
    )
    is_head = models.BooleanField(_("头部企业"), default=False)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliates",
        verbose_name=_("上级企业"),
    )
    relation = models.CharField(
        _("与上级企业关系"), max_length=20, choices=Relation.choices, blank=True
    )
    # As the market-regulation registry (市场主体登记信息) last reported it; blank when the
    # enterprise was registered by a union and never seen in an extract.
    industry_code = models.CharField(_("国民经济行业代码"), max_length=4, blank=True)
    legal_rep = models.CharField(_("法定代表人"), max_length=64, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    registry_authority = models.CharField(_("登记机关"), max_length=64, blank=True)
    registry_status = models.CharField(_("登记状态"), max_length=20, blank=True)
    registered_on = models.DateField(_("成立日期"), null=True, blank=True)
    # Deregistered, revoked or moved out (注销/吊销/迁出): kept with its history, never a gap.
    left_register = models.BooleanField(_("已退出登记"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["district", "street"])]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name

    def active_union(self) -> Org | None:
        return (
            Org.objects.filter(enterprise=self, status=Org.Status.ACTIVE, kind__in=Org.ENTERPRISE_KINDS)
            .order_by("id")
            .first()
        )


class Station(models.Model):
    """A delivery station or outlet (配送站点) of an enterprise, lying in a street."""

    code = models.CharField(_("站点编码"), max_length=40, unique=True)
    name = models.CharField(_("站点名称"), max_length=128)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="stations", verbose_name=_("所属企业")
    )
    street = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="stations", verbose_name=_("所在街镇"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # WGS-84, where known: coverage measures distance from where a station's workers start their
    # day rather than from one estimated point per street.
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("配送站点")
        verbose_name_plural = _("配送站点")

    def __str__(self) -> str:
        return self.name


class Org(models.Model):
    class Kind(models.TextChoices):
        CITY_FEDERATION = "city_federation", _("市总工会")
        DISTRICT_FEDERATION = "district_federation", _("区总工会")
        STREET_FEDERATION = "street_federation", _("街镇总工会")
        STREET_UNION = "street_union", _('"小二级"工会')
        JOINT_UNION = "joint_union", _("联合工会")
        INDUSTRY_FEDERATION = "industry_federation", _("行业工会联合会")
        ENTERPRISE_UNION = "enterprise_union", _("企业工会")
        HQ_UNION = "hq_union", _("总部工会")
        AGENT_UNION = "agent_union", _("代理商工会")
        STATION_UNION = "station_union", _("站点分工会")
        UNION_GROUP = "union_group", _("工会小组")

    class FoundingMode(models.TextChoices):
        SINGLE = "single", _("单独建会")
        JOINT = "joint", _("联合建会")
        INDUSTRY = "industry", _("行业建会")
        REGIONAL = "regional", _("区域建会")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        DISSOLVED = "dissolved", _("已撤销")

    ENTERPRISE_KINDS = (Kind.ENTERPRISE_UNION, Kind.HQ_UNION, Kind.AGENT_UNION)
    STATION_KINDS = (Kind.STATION_UNION, Kind.UNION_GROUP)

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    # Territorial parent: city → district → street federation → street union → station union.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级工会"),
    )
    # Dual management (双重管理, seed §二(一)2): a station branch union or union group is also
    # managed by its enterprise's (HQ/agent) union. Staff of either manager see it.
    second_manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dual_managed",
        verbose_name=_("双重管理工会"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="orgs", verbose_name=_("所在区划"))
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unions",
        verbose_name=_("所属企业"),
    )
    station = models.ForeignKey(
        Station,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unions",
        verbose_name=_("所在站点"),
    )
    founding_mode = models.CharField(
        _("建会方式"), max_length=10, choices=FoundingMode.choices, default=FoundingMode.SINGLE
    )
    founded_on = models.DateField(_("建会日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    approval_required = models.BooleanField(_("入会需审批"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        indexes = [
            models.Index(fields=["kind", "region"]),
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["station", "status"]),
        ]

    def __str__(self) -> str:
        return self.name


class OrgReach(models.Model):
    """Closure of the org DAG: `descendant` is in `ancestor`'s scope (itself included).

    Kept by core.services whenever an org is created or its managers change, so a scope check is
    one indexed join instead of a recursive walk per request.
    """

    ancestor = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    descendant = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ancestor", "descendant"], name="orgreach_unique")]
        indexes = [models.Index(fields=["descendant"])]

    def __str__(self) -> str:
        return f"{self.ancestor_id} → {self.descendant_id}"


class StaffProfile(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("管理员")
        OFFICER = "officer", _("工作人员")
        VIEWER = "viewer", _("只读")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    # Set when an admin creates the account or resets its password: the console lets the user
    # do nothing else until they choose their own.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return f"{self.user} @ {self.org}"

    @property
    def can_write(self) -> bool:
        return self.role in (self.Role.ADMIN, self.Role.OFFICER)


class AuditQuerySet(models.QuerySet["AuditLog"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditLog(models.Model):
    """Append-only record of every write and every reveal of personal data (kept ≥ 6 months)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted when it was not a staff user: "partner:<USCC>", "worker", "system", "command".
    actor_label = models.CharField(max_length=80)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The other side of a two-org act (a transfer's receiving or sending union): its admins see
    # the entry too.
    related_org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class KeyFingerprint(models.Model):
    """A keyed hash of a constant under the data key this database was first started with; a
    start with another key is refused (gongyou/core/checks.py) instead of silently failing to
    find or decrypt what is stored."""

    name = models.CharField(max_length=40, unique=True)
    fingerprint = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("密钥指纹")
        verbose_name_plural = _("密钥指纹")

    def __str__(self) -> str:
        return self.name


class StaffToken(models.Model):
    """A bearer token acting as one staff user (their org scope and role) on the staff API. As
    with partner credentials, only the prefix (to find the row) and a SHA-256 of the whole token
    are stored; the plain token exists once, when it is issued."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_tokens")
    name = models.CharField(_("名称"), max_length=80, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("工作人员令牌")
        verbose_name_plural = _("工作人员令牌")

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix})"


# Background jobs (gongyou/core/jobs.py) live in their own module; imported here so Django sees them.
from gongyou.core.job_models import BackgroundJob  # noqa: E402, F401
