"""Worker pages (phone): nearest stations, a station, check-in and feedback. No login needed;
a logged-in member (portal session) has visits and feedback linked to the membership."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from gongyou.core.actors import Actor
from gongyou.core.clientaddr import client_ip
from gongyou.members.models import Membership
from gongyou.portal.session import current_membership
from gongyou.positions import access, queries, services
from gongyou.positions.conf import map_config
from gongyou.positions.hours import day_rows, format_hours
from gongyou.positions.inputs import NearbyParams
from gongyou.positions.photos import photo_content_type
from gongyou.positions.presenters import amenity_icons, distance_text, map_point, navigation_links
from gongyou.positions.vocab import Amenity, Kind, ProblemKind

CHECKIN_REPEAT_SECONDS = 30 * 60
FEEDBACK_PER_HOUR = 10
# The amenities a rider filters by most; the rest are behind "更多".
QUICK_AMENITIES = ["microwave", "water", "hot_water", "charging", "toilet", "air_conditioning"]


def _member(request: HttpRequest) -> Membership | None:
    """The logged-in worker's membership while it is open; otherwise the visit is anonymous."""
    membership = current_membership(request)
    return membership if membership is not None and membership.status in Membership.OPEN_STATUSES else None


def _actor(member: Membership | None) -> Actor:
    return Actor.worker(member.member_no or "") if member else Actor.worker()


def _sender(request: HttpRequest, member: Membership | None) -> str:
    """Who sends feedback, for the repeat check: the member, else this phone's session (hashed:
    the session key is a credential and must not sit in a table)."""
    if member is not None:
        return f"member:{member.pk}"
    if request.session.session_key is None:
        request.session.save()
    return "session:" + hashlib.sha256((request.session.session_key or "").encode()).hexdigest()


def _results(query: Any) -> dict[str, Any]:
    """The list for a point given as lng/lat(+crs) or as a street code."""
    params = NearbyParams(query)
    street_code = (query.get("street") or "").strip()
    street = None
    if street_code:
        street = queries.located_street(street_code)
        if street is None or street.lng is None or street.lat is None:
            return {"error": _("找不到这个街镇"), "hits": []}
        lng, lat = street.lng, street.lat
        params.errors.pop("lng", None)
        params.errors.pop("lat", None)
    elif "lng" in params.errors or "lat" in params.errors:
        return {"hits": [], "no_point": True}
    else:
        lng, lat = queries.wgs84_point(params)
    if params.errors:
        return {"error": _("筛选条件有误"), "hits": []}
    hits = queries.nearest_hits(params, lng, lat)
    items = []
    for hit in hits:
        m_lng, m_lat = map_point(hit.lng, hit.lat)
        items.append(
            {
                "hit": hit,
                "kind_label": Kind(hit.kind).label,
                "distance": distance_text(hit.distance_m),
                "icons": amenity_icons(hit.amenities),
                "map_lng": m_lng,
                "map_lat": m_lat,
                "nav": navigation_links(hit.name, hit.lng, hit.lat),
            }
        )
    here = map_point(lng, lat)
    return {"hits": items, "here_lng": here[0], "here_lat": here[1], "street": street}


@require_GET
def nearest(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    if "open_now" not in query and not query.get("filtered"):
        query["open_now"] = "true"  # a rider wants a station that is open now
    chosen = {c for raw in query.getlist("amenity") for c in raw.split(",") if c}
    context = {
        "map": map_config(),
        "streets": queries.located_streets_by_district(),
        "quick_amenities": [(c, Amenity(c).label, c in chosen) for c in QUICK_AMENITIES],
        "more_amenities": [(c, label, c in chosen) for c, label in Amenity.choices if c not in QUICK_AMENITIES],
        "open_now": query.get("open_now") in ("true", "1"),
        "street_code": query.get("street", ""),
        **_results(query),
    }
    return render(request, "portal/stations/nearest.html", context)


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """The list alone, for the page's script after geolocation or a filter change."""
    return render(request, "portal/stations/_results.html", {"map": map_config(), **_results(request.GET)})


@require_GET
def station(request: HttpRequest, pk: int) -> HttpResponse:
    position = access.public_position(pk)
    m_lng, m_lat = map_point(position.lng, position.lat)
    return render(
        request,
        "portal/stations/station.html",
        {
            "position": position,
            "open_now": queries.is_open_now(position),
            "hours_text": format_hours(position.weekly_hours, open_24h=position.open_24h, display=True),
            "hours": day_rows(position.weekly_hours, open_24h=position.open_24h),
            "today": timezone.localdate().weekday(),
            "icons": amenity_icons(position.amenities),
            "nav": navigation_links(position.name, position.lng, position.lat),
            "map": map_config(),
            "map_lng": m_lng,
            "map_lat": m_lat,
        },
    )


@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    position = access.public_position(pk)
    if not position.photo:
        raise Http404
    handle = position.photo.open("rb")
    content_type = photo_content_type(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code lands here. GET shows the button (a link preview must not count a visit);
    POST records it, once per half hour per phone."""
    position = access.public_position(pk)
    member = _member(request)
    visits: dict[str, list[float]] = request.session.get("positions_checkins", {})
    recent = visits.get(str(pk))
    checked_in = bool(recent and time.time() - recent[0] < CHECKIN_REPEAT_SECONDS)
    if request.method == "POST" and not checked_in:
        try:
            visit = services.record_checkin(position, membership=member, actor=_actor(member))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("portal:station", pk=pk)
        visits[str(pk)] = [time.time(), visit.pk]
        request.session["positions_checkins"] = visits
        messages.success(request, _("签到成功，欢迎歇歇脚！"))
        return redirect("portal:station_checkin", pk=pk)
    if request.method == "POST":
        return redirect("portal:station_checkin", pk=pk)
    return render(
        request,
        "portal/stations/checkin.html",
        {
            "position": position,
            "checked_in": checked_in,
            "member": member,
            "problems": [c for c in ProblemKind.choices if c[0]],
            "scores": [5, 4, 3, 2, 1],
            "open_now": queries.is_open_now(position),
        },
    )


@require_http_methods(["POST"])
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    position = access.public_position(pk)
    member = _member(request)
    key = f"positions:feedback:{client_ip(request)}"
    if cache.get(key, 0) >= FEEDBACK_PER_HOUR:
        messages.error(request, _("提交太频繁了，请稍后再试"))
        return redirect("portal:station_checkin", pk=pk)
    raw_score = request.POST.get("score", "")
    visit = (request.session.get("positions_checkins", {}).get(str(pk)) or [None, None])[1]
    try:
        score = int(raw_score) if raw_score else None
        services.submit_feedback(
            position,
            score=score,
            problem=request.POST.get("problem", ""),
            text=request.POST.get("text", ""),
            checkin=position.checkins.filter(pk=visit).first() if visit else None,
            membership=member,
            sender=_sender(request, member),
            actor=_actor(member),
        )
    except ValueError:
        messages.error(request, _("评分应为 1 到 5 星"))
        return redirect("portal:station_checkin", pk=pk)
    except ValidationError as exc:
        messages.error(request, pgettext("separator", "；").join(exc.messages))
        return redirect("portal:station_checkin", pk=pk)
    cache.set(key, cache.get(key, 0) + 1, 3600)
    messages.success(request, _("谢谢！你的意见已转给%(org)s处理。") % {"org": position.org.name})
    return redirect("portal:station", pk=pk)
