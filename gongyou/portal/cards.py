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


