"""Acting on the gap list: opening founding tasks for the enterprises a federation selected."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise
from gongyou.insight.gaps import founding_federation
from gongyou.members.models import FoundingTask
from gongyou.members.services import open_founding_task


@dataclass
class OpenedTasks:
    opened: list[FoundingTask] = field(default_factory=list)
    already_open: list[FoundingTask] = field(default_factory=list)
    # Enterprises whose street and district have no federation to assign the task to.
    unassigned: list[Enterprise] = field(default_factory=list)


@transaction.atomic
def open_founding_tasks(enterprises: list[Enterprise], *, actor: Actor) -> OpenedTasks:
    """One founding task per selected enterprise, assigned to its street federation, or to its
    district federation where the street is unknown (seed §三(一): 排查建会盲区和空白点，推动
    建会). Selecting an enterprise that already has an open task opens no second one."""
    result = OpenedTasks()
    for enterprise in enterprises:
        federation = founding_federation(enterprise)
        if federation is None:
            result.unassigned.append(enterprise)
            continue
        task, created = open_founding_task(enterprise, federation=federation, actor=actor)
        (result.opened if created else result.already_open).append(task)
    return result
