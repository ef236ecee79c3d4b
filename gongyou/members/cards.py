"""The electronic membership card's QR token: a short-lived signed token naming the membership.

Pure functions, so every channel (the portal that shows the card, the staff API and pages that
scan it) and the benefits domain verify it the same way. It lives two minutes and the card page
fetches a fresh one every minute, so a screenshot of someone else's card stops verifying almost
at once."""

from __future__ import annotations

from django.core import signing

SALT = "gongyou.portal.card"  # kept from the portal, where cards were first signed: old tokens stay valid
TTL_SECONDS = 120
REFRESH_SECONDS = 60


class CardTokenError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "expired" or "invalid"


def card_token(membership_pk: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"m": membership_pk}, compress=True)


def read_card_token(token: str, *, max_age: int = TTL_SECONDS) -> int:
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise CardTokenError("expired") from exc
    except (signing.BadSignature, ValueError) as exc:
        raise CardTokenError("invalid") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("m"), int):
        raise CardTokenError("invalid")
    return int(payload["m"])


def token_from_card_text(text: str) -> str:
    """What a scanner reads from the e-card QR is the verify URL (…/verify/<token>/); a bare
    token (typed or pasted) is accepted too."""
    text = (text or "").strip()
    marker = "/verify/"
    if marker in text:
        text = text.split(marker, 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/")
