"""The work fields (WorkContext) are cleaned once, by members.inputs, for every channel."""

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_work, clean_worker
from gongyou.members.work import WorkContext


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_clean_work_gives_the_work_context(world):
    work = clean_work(worker_data(1, station_code=world.station.code))
    assert work == WorkContext(world.street, "food_delivery", "independent", None, world.station)


def test_an_unknown_street_has_one_code_for_join_and_transfer(world):
    data = worker_data(1, street_code="310104999")
    with pytest.raises(ValidationError) as joined:
        clean_worker(data)
    with pytest.raises(ValidationError) as moved:
        clean_work(data)
    assert codes(joined.value)["street_code"] == codes(moved.value)["street_code"] == ["unknown_street"]


def test_the_transfer_record_keeps_ids_not_objects(world):
    work = WorkContext(world.other_street, "express", "employee", world.platform, world.station)
    assert work.as_json() == {
        "work_street_id": world.other_street.pk,
        "employer_id": world.platform.pk,
        "station_id": world.station.pk,
        "industry": "express",
        "labor_relation": "employee",
    }
