"""What members does when core announces an event (core.signals). Connected on import, which
MembersConfig.ready does once the app registry is ready.

Why a signal and not a members service wrapping create_org: founding an org stays one service
(core.services.create_org) that every caller — console, demo, tests — uses, so no caller can
found an enterprise union and forget its founding tasks, while core imports no app above it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise, Org
from gongyou.core.signals import enterprise_union_founded
from gongyou.members.services import close_founding_tasks


@receiver(enterprise_union_founded, dispatch_uid="members.close_founding_tasks")
def close_tasks_of_founded_union(
    sender: Any, *, union: Org, enterprise: Enterprise, actor: Actor, **kwargs: Any
) -> None:
    close_founding_tasks(enterprise, union=union, actor=actor)
