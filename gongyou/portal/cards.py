"""The electronic membership card in the portal: the token itself is signed and verified in the
members domain (gongyou.members.cards), so staff scanning and benefits verify it the same way."""

from __future__ import annotations

from gongyou.members.cards import (  # noqa: F401  (the portal's names for the card token)
    REFRESH_SECONDS,
    SALT,
    TTL_SECONDS,
    CardTokenError,
    card_token,
    read_card_token,
)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: enough for a staff member to match a face, no more."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
