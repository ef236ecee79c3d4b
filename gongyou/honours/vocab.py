"""The words of honours and competitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HonourKind(models.TextChoices):
    """What a union nominates workers (or a team) for (SPEC §5; seed Annex 3 §一1: 选树先进典型)."""

    MODEL_WORKER = "model_worker", _("劳动模范")
    MAY_DAY_MEDAL = "may_day_medal", _("五一劳动奖章")
    WORKER_PIONEER = "worker_pioneer", _("工人先锋号")
    SKILLED_CRAFTSMAN = "craftsman", _("技术能手")


# Honours given to a team (a station, a crew), not to one person.
COLLECTIVE = frozenset({HonourKind.WORKER_PIONEER})


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("已推荐")
    AWARDED = "awarded", _("已授予")
    NOT_AWARDED = "not_awarded", _("未获评")
