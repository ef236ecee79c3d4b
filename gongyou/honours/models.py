"""Honours and competitions (SPEC §5; seed Annex 3 §一1 组织开展行业性劳动和技能竞赛、挖掘选树先进典型).

A competition is held by an org; its results name members and their awards. A nomination puts a
member (or, for a collective honour such as 工人先锋号, a team) forward for an honour in a year;
it is then awarded or not. Statistics count honours by kind, year and industry, so gig workers
show in the honours a federation reports."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongyou.core.choices import Industry
from gongyou.core.models import Org
from gongyou.honours.vocab import HonourKind, NominationStatus
from gongyou.members.models import Membership


class Competition(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="competitions", verbose_name=_("主办工会"))
    title = models.CharField(_("竞赛名称"), max_length=160)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices, blank=True)
    held_on = models.DateField(_("举办日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    description = models.TextField(_("竞赛内容"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("劳动和技能竞赛")
        verbose_name_plural = _("劳动和技能竞赛")

    def __str__(self) -> str:
        return self.title


class CompetitionResult(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="results")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("会员"))
    award = models.CharField(_("名次或奖项"), max_length=60)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["competition_id", "id"]
        verbose_name = _("竞赛成绩")
        verbose_name_plural = _("竞赛成绩")
        constraints = [
            models.UniqueConstraint(fields=["competition", "membership"], name="competition_result_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}: {self.award}"


class Nomination(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("推荐工会"))
    kind = models.CharField(_("荣誉"), max_length=20, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    # One member, or (collective honours) a team by name; the industry is the member's or the team's.
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("会员")
    )
    team = models.CharField(_("集体名称"), max_length=120, blank=True)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices)
    citation = models.TextField(_("主要事迹"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    decided_on = models.DateField(_("评定日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("荣誉推荐")
        verbose_name_plural = _("荣誉推荐")
        constraints = [
            models.CheckConstraint(
                condition=Q(membership__isnull=False, team="") | Q(membership__isnull=True) & ~Q(team=""),
                name="nomination_one_member_or_a_team",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "membership"],
                condition=Q(membership__isnull=False),
                name="nomination_once_per_member_kind_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}"

    @property
    def nominee(self) -> str:
        return self.team or (self.membership.person.name if self.membership else "")
