"""Early-warning levels for disputes (预防预警, seed Annex 3 §三3). Thresholds live in settings
(GONGYOU["WARNING_*"]); the defaults: red for collective action, 30+ workers or ¥100,000+ at
stake; yellow for 10+ workers or ¥20,000+; green otherwise."""

from __future__ import annotations

from django.conf import settings

from gongyou.cases.vocab import WarningLevel


def warning_level(workers_involved: int, amount_fen: int, collective_action: bool) -> str:
    rules = settings.GONGYOU
    if (
        collective_action
        or workers_involved >= rules["WARNING_RED_WORKERS"]
        or amount_fen >= rules["WARNING_RED_AMOUNT_FEN"]
    ):
        return WarningLevel.RED
    if workers_involved >= rules["WARNING_YELLOW_WORKERS"] or amount_fen >= rules["WARNING_YELLOW_AMOUNT_FEN"]:
        return WarningLevel.YELLOW
    return WarningLevel.GREEN
