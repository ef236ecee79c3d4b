"""The station hand-out page, made for a phone (seed §二(二)8; SPEC §5): staff scan the member's
e-card QR with the camera (static console/station.js decodes it with jsQR) or type the member
number, see the member masked and every running campaign in reach with whether they can receive
it, and record a hand-out with one tap at the position they chose (remembered in the session).
The card text → member lookup and the hand-out go through benefits.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongyou.benefits.access import campaign_for
from gongyou.benefits.errors import Refused
from gongyou.benefits.queries import station_offers
from gongyou.benefits.services import claim_benefit, find_member
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write
from gongyou.core.access import root_org
from gongyou.members.models import Membership
from gongyou.positions.access import positions_for
from gongyou.positions.models import ServicePosition
from gongyou.positions.vocab import Status

POSITION_KEY = "console.station_position"


def _positions(request: HttpRequest) -> list[ServicePosition]:
    return list(positions_for(request.user).exclude(status=Status.RETIRED).order_by("name", "id"))


def _position(request: HttpRequest, positions: list[ServicePosition]) -> ServicePosition | None:
    """The position remembered in this session, while it is still in the user's scope."""
    pk = request.session.get(POSITION_KEY)
    return next((p for p in positions if p.pk == pk), None)


def _who(post: Any) -> dict[str, str]:
    """What identifies the member: the scanned card text, else the typed member number."""
    card = post.get("card", "").strip()
    return {"card": card} if card else {"member_no": post.get("member_no", "").strip()}


def _page(
    request: HttpRequest, *, who: dict[str, str], error: str = "", done: str = "", status: int = 200
) -> HttpResponse:
    positions = _positions(request)
    membership: Membership | None = None
    offers: list[Any] = []
    if any(who.values()):
        try:
            membership = find_member(card=who.get("card", ""), member_no=who.get("member_no", ""))
        except Refused as exc:
            error, status = exc.text, 400
        else:
            offers = station_offers(request.user, membership)
    context = {
        "positions": positions,
        "position": _position(request, positions),
        "membership": membership,
        "offers": offers,
        "who": who,
        "error": error,
        "done": done,
        "can_write": can_write(request.user),
    }
    return render(request, "console/benefits/station.html", context, status=status)


@console_view(post_reads=True)
def station(request: HttpRequest) -> HttpResponse:
    """GET: the scanner. POST: look the member up (posted to keep the card and number out of
    the URL; it only reads, so read-only roles may use it)."""
    return _page(request, who=_who(request.POST) if request.method == "POST" else {})


@console_view
def station_position(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        chosen = request.POST.get("position", "")
        position = next((p for p in _positions(request) if str(p.pk) == chosen), None)
        if position is None:
            request.session.pop(POSITION_KEY, None)
        else:
            request.session[POSITION_KEY] = position.pk
            messages.success(request, _("发放地点：%(name)s") % {"name": position.name})
    return redirect("console:station")


@console_view
def station_handout(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:station")
    who = _who(request.POST)
    campaign_id = request.POST.get("campaign", "")
    campaign = campaign_for(request.user, campaign_id if campaign_id.isdigit() else 0)
    org = root_org(request.user)
    if org is None:
        raise Http404
    positions = _positions(request)
    position = _position(request, positions)
    if position is None and positions:
        return _page(request, who=who, error=_("请先选择发放地点"), status=400)
    try:
        claim = claim_benefit(
            campaign,
            org=org,
            actor=actor(request),
            position=position,
            card=who.get("card", ""),
            member_no=who.get("member_no", ""),
        )
    except Refused as exc:
        return _page(request, who=who, error=exc.text, status=409 if exc.conflict else 400)
    done = _("已发放：%(title)s") % {"title": campaign.title}
    return _page(request, who={"member_no": claim.membership.member_no or ""}, done=done)
