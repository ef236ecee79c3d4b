"""Shared vocabularies (SPEC glossary). Labels are Chinese; English comes from the catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    FOOD_DELIVERY = "food_delivery", _("网约送餐")
    EXPRESS = "express", _("快递物流")
    FREIGHT = "freight", _("货车司机")
    RIDE_HAILING = "ride_hailing", _("网约车")
    OTHER = "other", _("其他平台灵活就业")


class LaborRelation(models.TextChoices):
    # The three categories of 人社部发〔2021〕56号.
    EMPLOYEE = "employee", _("劳动关系")
    PARTIAL = "partial", _("不完全符合确立劳动关系")
    INDEPENDENT = "independent", _("依托平台自主经营")


# The codes as sets, made once: `Industry.values` builds a list (and the labels) on every read,
# and every join checks both.
INDUSTRY_CODES = frozenset(Industry.values)
LABOR_RELATION_CODES = frozenset(LaborRelation.values)


def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Value by code or by label in any UI language, for spreadsheets typed by people.

    Evaluated per call under explicit languages, because a lazy label turns into whatever
    language happens to be active when it is first read."""
    from django.conf import settings
    from django.utils import translation

    lookup = {value: value for value in choices.values}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lookup.update({str(label): value for value, label in choices.choices})
    return lookup


def record_language():  # type: ignore[no-untyped-def]
    """Text stored in the registry (routing reasons, transfer notes) is written in the product's
    record language, Chinese, whatever language the request that caused it was using: staff and
    exports read one language, and the English UI translates labels, not stored history."""
    from django.conf import settings
    from django.utils import translation

    return translation.override(settings.LANGUAGE_CODE)
