"""通知 in the portal: the notices unions sent down to members of the member's org (SPEC §6;
seed §二(二)9 上传下达), newest first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from gongyou.members.models import Membership
from gongyou.portal.session import member_required
from gongyou.portal.views.common import page
from gongyou.voice.access import notices_for_member

SHOWN = 50


@member_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    shown = notices_for_member(membership).order_by("-sent_at", "-id")[:SHOWN]
    return page(request, "portal/notices.html", {"notices": shown})
