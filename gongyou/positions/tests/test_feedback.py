"""Feedback is idempotent for a short window: a double tap is one inbox item (issue 7, part 2 item 15)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.positions.models import Feedback
from gongyou.positions.services import submit_feedback


@pytest.fixture
def position(make_position):
    return make_position()


def send(position, sender="session:abc", **overrides):
    values = {"score": 2, "problem": "equipment_broken", "text": "微波炉坏了"} | overrides
    return submit_feedback(position, sender=sender, actor=COMMAND, **values)


def test_the_same_feedback_twice_in_a_row_is_one_item(position):
    first = send(position)
    second = send(position)
    assert second.pk == first.pk
    assert Feedback.objects.count() == 1
    assert AuditLog.objects.filter(action="position.feedback").count() == 1


def test_a_different_sender_text_score_or_problem_is_a_new_item(position):
    send(position)
    send(position, sender="session:other")
    send(position, text="微波炉又坏了")
    send(position, score=1)
    send(position, problem="closed_during_hours")
    assert Feedback.objects.count() == 5


def test_the_same_feedback_after_the_window_is_a_new_item(position, settings):
    settings.GONGYOU = {**settings.GONGYOU, "FEEDBACK_REPEAT_MINUTES": 10}
    first = send(position)
    Feedback.objects.filter(pk=first.pk).update(created_at=first.created_at - dt.timedelta(minutes=11))
    assert send(position).pk != first.pk
    assert Feedback.objects.count() == 2


def test_without_a_sender_nothing_is_merged(position):
    send(position, sender="")
    send(position, sender="")
    assert Feedback.objects.count() == 2


def test_a_window_of_zero_turns_the_check_off(position, settings):
    settings.GONGYOU = {**settings.GONGYOU, "FEEDBACK_REPEAT_MINUTES": 0}
    send(position)
    send(position)
    assert Feedback.objects.count() == 2


def test_two_racing_posts_make_one_item(transactional_db, make_position):
    position = make_position()
    n = 8 if connection.vendor == "postgresql" else 4
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def post() -> None:
        try:
            barrier.wait()
            send(position)
        except BaseException as exc:  # asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Feedback.objects.count() == 1
