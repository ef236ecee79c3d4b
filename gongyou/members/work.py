"""Where and for whom a worker works: the facts the joining rule routes by, which travel together
from the join and transfer forms through routing into a transfer's record."""

from __future__ import annotations

from dataclasses import dataclass

from gongyou.core.models import Enterprise, Region, Station


@dataclass(frozen=True)
class WorkContext:
    street: Region
    industry: str
    labor_relation: str
    employer: Enterprise | None = None
    station: Station | None = None

    def as_json(self) -> dict[str, object]:
        """What a transfer stores about the member's new job (ids, not objects); the keys are
        Person's fields, applied when the transfer is accepted."""
        return {
            "work_street_id": self.street.pk,
            "employer_id": self.employer.pk if self.employer is not None else None,
            "station_id": self.station.pk if self.station is not None else None,
            "industry": self.industry,
            "labor_relation": self.labor_relation,
        }
