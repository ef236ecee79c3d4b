"""Streets by their statistical code, kept in each process.

Every join names its street by code (the partner API, the portal, a console form), and looking it
up was about a tenth of a repeat join's Python time. Streets are reference data: `load_regions`
adds them, and a street's code never moves to another row. So a street once found is kept here
for a few minutes; an unknown code is asked every time (bad input must not fill the map). Saving
or deleting a region in this process, and `load_regions`, forget every kept street; another
process's change is seen when the entry expires (`STREET_KEEP_SECONDS`)."""

from __future__ import annotations

import time

from django.db import router
from django.db.models.signals import post_delete, post_save

from gongyou.core.models import Region
from gongyou.core.prepared import PreparedQuery

STREET_KEEP_SECONDS = 300.0

# (database alias, code) → (monotonic expiry, street). Reads and writes of a dict entry are atomic
# under the GIL; two threads missing at once both ask and keep equal answers.
_kept: dict[tuple[str, str], tuple[float, Region]] = {}

_STREET: PreparedQuery[Region] = PreparedQuery(
    lambda code: Region.objects.filter(level=Region.Level.STREET, code=code).order_by("pk")[:1]
)


def street_by_code(code: str) -> Region | None:
    """The street with this code, or None. The instance may be shared with other requests of this
    process: read it, do not change it."""
    key = (router.db_for_read(Region), code)
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    street = _STREET.first(code=code)
    if street is not None:
        _kept[key] = (now + STREET_KEEP_SECONDS, street)
    return street


def forget_streets(**_signal: object) -> None:
    _kept.clear()


post_save.connect(forget_streets, sender=Region, dispatch_uid="gongyou.core.streets.saved")
post_delete.connect(forget_streets, sender=Region, dispatch_uid="gongyou.core.streets.deleted")
