"""seed_scale: PostgreSQL only, tops the set up without duplicates, rows work like joined members."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongyou.core import crypto
from gongyou.core.synthetic import make_id_number
from gongyou.demo.scale import MARK, SEQ0, ScaleError, seed_scale
from gongyou.members.models import Membership, RosterEntry
from gongyou.members.services import find_person, open_membership

pytestmark = pytest.mark.django_db(transaction=True)


def quiet(**_kwargs):
    class Bar:
        def update(self, _n):
            pass

        def close(self):
            pass

    return Bar()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for other databases")
def test_it_refuses_anything_but_postgresql(world):
    with pytest.raises(ScaleError):
        seed_scale(10, progress=quiet)
    with pytest.raises(CommandError):
        call_command("seed_scale", "--members", "10")
    assert not Membership.objects.filter(campaign=MARK).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_it_tops_up_to_the_count_and_the_rows_work_like_members(world):
    first = seed_scale(30, progress=quiet)
    assert (first.existing, first.created) == (0, 30)
    second = seed_scale(50, progress=quiet)
    assert (second.existing, second.created) == (30, 20)
    again = seed_scale(50, progress=quiet)
    assert again.created == 0
    assert Membership.objects.filter(campaign=MARK, status=Membership.Status.ACTIVE).count() == 50
    assert RosterEntry.objects.filter(external_id__startswith="scale-").count() == 10
    # Real keyed hashes and ciphertexts: the ID-number lookup and the reveal work on them.
    person = find_person(make_id_number(SEQ0 + 42))
    assert person is not None
    assert open_membership(person) is not None
    assert crypto.decrypt(person.id_enc) == make_id_number(SEQ0 + 42)
