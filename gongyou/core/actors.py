"""Who performs an action: a staff user, a partner enterprise, a worker, or the system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from gongyou.core.models import Enterprise


@dataclass(frozen=True)
class Actor:
    label: str
    user_id: int | None = None

    @classmethod
    def staff(cls, user: AbstractBaseUser | AnonymousUser) -> Actor:
        return cls(label=f"staff:{user.get_username()}", user_id=user.pk)

    @classmethod
    def partner(cls, enterprise: Enterprise) -> Actor:
        return cls(label=f"partner:{enterprise.uscc}")

    @classmethod
    def worker(cls, member_no: str = "") -> Actor:
        return cls(label=f"worker:{member_no}" if member_no else "worker")


SYSTEM = Actor(label="system")
COMMAND = Actor(label="command")
