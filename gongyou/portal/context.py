"""The portal session as every worker page's template sees it (the header's 登录 / 我的 links),
whichever view rendered it: the join pages, 我的会籍 and the public station pages alike."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gongyou.portal.session import SESSION_KEY


def portal_session(request: HttpRequest) -> dict[str, Any]:
    return {
        "member_logged_in": isinstance(request.session.get(SESSION_KEY), int),
        "privacy_version": settings.GONGYOU["PRIVACY_NOTICE_VERSION"],
    }
