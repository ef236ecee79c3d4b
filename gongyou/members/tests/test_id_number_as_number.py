"""An ID number that went through Excel as a number is reported as that, not as a bad check
character (issue 7, part 2 item 1)."""

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.actors import COMMAND
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.roster import upsert_roster


@pytest.mark.parametrize("value", ["3.10104199001011E+17", "3.10104199001011e+17", 3.10104199001011e17])
def test_clean_worker_says_excel_stored_the_id_number_as_a_number(world, value):
    with pytest.raises(ValidationError) as caught:
        clean_worker(worker_data(1, id_number=value))
    errors = caught.value.error_dict["id_number"]
    assert [e.code for e in errors] == ["id_number_as_number"]
    assert errors[0].message == "Excel 把身份证号存成了数字，请把该列设为文本后重新导出"


def test_the_roster_rejects_it_with_that_code(world):
    row = worker_data(1, id_number="3.10104199001011E+17") | {"external_id": "X1"}
    result = upsert_roster(world.agent, [row], actor=COMMAND)
    assert result.rejected[0]["errors"]["id_number"][0]["code"] == "id_number_as_number"
