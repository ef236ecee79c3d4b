"""Coverage page: the method is stated, and a street with an open relay station inside is never
in the blind-spot ranking (issue 7 part 2 item 12)."""

from __future__ import annotations

import re

from django.utils import timezone

from gongyou.core.actors import COMMAND
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join
from gongyou.positions.services import set_street_point


def blind_spot_table(body: str) -> str:
    match = re.search(r'<table class="pos-table" id="blind-spots">(.*?)</table>', body, re.S)
    assert match
    return match.group(1)


def test_the_page_states_the_method_and_skips_streets_with_a_station_inside(client, world, personas, make_position):
    for seq in (1, 2):
        join(clean_worker(worker_data(seq)), channel="online", actor=COMMAND)
    join(clean_worker(worker_data(3, street_code=world.other_street.code)), channel="online", actor=COMMAND)
    # 徐家汇's estimated point is ~10 km from its own relay station; the other street has none near.
    set_street_point(world.street, 121.5400, 31.2500, approximate=True, actor=COMMAND)
    set_street_point(world.other_street, 121.3000, 31.1000, approximate=True, actor=COMMAND)
    make_position(name="街内接力站", lng="121.4380", lat="31.1950")
    client.force_login(personas["city"])
    body = client.get("/stations/manage/coverage/").content.decode()
    assert 'id="coverage-method"' in body and "按所在配送站点的位置" in body
    table = blind_spot_table(body)
    assert world.other_street.name in table
    assert world.street.name not in table
    assert "街镇参考点" in body


def test_the_page_says_when_the_workers_were_counted(client, world, personas):
    from gongyou.positions.coverage import count_workers

    join(clean_worker(worker_data(1)), channel="online", actor=COMMAND)
    client.force_login(personas["city"])
    assert 'data-testid="counted-at"' not in client.get("/stations/manage/coverage/").content.decode()
    counted = count_workers()
    body = client.get("/stations/manage/coverage/").content.decode()
    assert 'data-testid="counted-at"' in body
    assert timezone.localtime(counted.counted_at).strftime("%Y-%m-%d %H:%M") in body
