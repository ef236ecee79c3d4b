"""通知 in the portal: the notices unions sent down to members of the member's org (SPEC §6;
seed §二(二)9 上传下达), newest first."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from gongyou.core.uploads import named_file_response
from gongyou.members.models import Membership
from gongyou.portal.session import member_required
from gongyou.portal.views.common import page
from gongyou.voice.access import notice_for_member, notices_for_member
from gongyou.voice.services import attachment_content

SHOWN = 50


@member_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    shown = notices_for_member(membership).select_related("attachment").order_by("-sent_at", "-id")[:SHOWN]
    return page(request, "portal/notices.html", {"notices": shown})


@member_required
@require_GET
def notice_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice's file, for a member the notice reached (no one else: the same 404 otherwise)."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    notice = notice_for_member(membership, pk)
    content = attachment_content(notice.attachment) if notice.attachment is not None else None
    if content is None:
        raise Http404
    assert notice.attachment is not None
    return named_file_response(content, notice.attachment.content_type, notice.attachment.name)
