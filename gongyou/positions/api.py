"""Public API: GET /api/v1/stations/nearby — the nearest service positions to a point.

Public and anonymous (no personal data in the answer), throttled per client address with the
"public" rate, bad input answered 400 in the shared error shape."""

from __future__ import annotations

import math
from typing import Any, NoReturn

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from gongyou.core.geo import gcj02_to_wgs84, wgs84_to_gcj02
from gongyou.positions.index import get_index
from gongyou.positions.vocab import Amenity, Kind

MAX_RADIUS_M = 50_000
DEFAULT_LIMIT = 20
_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

_error_item = inline_serializer(
    "NearbyErrorItem", {"code": serializers.CharField(), "message": serializers.CharField()}
)
ErrorSerializer = inline_serializer(
    "NearbyErrors", {"errors": serializers.DictField(child=serializers.ListField(child=_error_item))}
)
_RESULT_FIELDS: dict[str, Any] = {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(),
    "type": serializers.ChoiceField(choices=Kind.values),
    "lng": serializers.FloatField(),
    "lat": serializers.FloatField(),
    "crs": serializers.ChoiceField(choices=["wgs84", "gcj02"]),
    "distance_m": serializers.IntegerField(),
    "open_now": serializers.BooleanField(),
    "amenities": serializers.ListField(child=serializers.ChoiceField(choices=Amenity.values)),
}
NearbySerializer = inline_serializer(
    "NearbyStations", {"results": inline_serializer("NearbyStation", _RESULT_FIELDS, many=True)}
)


class NearbyParams:
    """Query parameters, with every error collected at once."""

    def __init__(self, query: Any) -> None:
        self.errors: dict[str, list[dict[str, str]]] = {}
        self.lng = self._coordinate(query, "lng", 180)
        self.lat = self._coordinate(query, "lat", 90)
        self.crs = (query.get("crs") or "wgs84").strip().lower()
        if self.crs not in ("wgs84", "gcj02"):
            self._add("crs", "bad_crs", _("坐标系只能是 wgs84 或 gcj02"))
        self.limit = self._integer(query, "limit", DEFAULT_LIMIT, 1, 100)
        self.radius_m = self._integer(query, "radius_m", None, 1, MAX_RADIUS_M)
        self.amenities: list[str] = []
        for raw in query.getlist("amenity"):
            for code in (c.strip() for c in raw.split(",")):
                if code in Amenity.values:
                    self.amenities.append(code)
                elif code:
                    self._add("amenity", "unknown_amenity", _("未知的设施：%(code)s") % {"code": code[:40]})
        self.kinds: list[str] = []
        for raw in query.getlist("type"):
            for code in (c.strip() for c in raw.split(",")):
                if code in Kind.values:
                    self.kinds.append(code)
                elif code:
                    self._add("type", "unknown_type", _("未知的阵地类型：%(code)s") % {"code": code[:40]})
        self.open_now: bool | None = None
        raw_open = query.get("open_now")
        if raw_open not in (None, ""):
            if raw_open.strip().lower() not in _BOOLS:
                self._add("open_now", "bad_boolean", _("open_now 只能是 true 或 false"))
            else:
                self.open_now = _BOOLS[raw_open.strip().lower()] or None  # false means "don't filter"

    def _add(self, field: str, code: str, message: str) -> None:
        self.errors.setdefault(field, []).append({"code": code, "message": message})

    def _coordinate(self, query: Any, name: str, bound: float) -> float:
        raw = query.get(name)
        if raw in (None, ""):
            self._add(name, "required", _("缺少参数 %(name)s") % {"name": name})
            return math.nan
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self._add(name, "invalid", _("%(name)s 必须是数字") % {"name": name})
        elif not -bound <= value <= bound:
            self._add(name, "out_of_range", _("%(name)s 超出范围（±%(bound)s）") % {"name": name, "bound": bound})
        return value

    def _integer(self, query: Any, name: str, default: int | None, low: int, high: int) -> int | None:
        raw = query.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            self._add(name, "invalid", _("%(name)s 必须是整数") % {"name": name})
            return default
        if not low <= value <= high:
            self._add(
                name,
                "out_of_range",
                _("%(name)s 应在 %(low)s 到 %(high)s 之间") % {"name": name, "low": low, "high": high},
            )
        return value


class PublicThrottle(ScopedRateThrottle):
    """Per client address, at the rate settings give the "public" scope."""


class NearbyView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [PublicThrottle]
    throttle_scope = "public"
    renderer_classes = [JSONRenderer]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise exceptions.Throttled(wait, detail=_("请求过于频繁，请稍后再试"))

    @extend_schema(
        operation_id="stations_nearby",
        summary="附近的服务阵地",
        description=(
            "Nearest open or closed service positions (relay stations etc.) to a point, closest first. "
            "Coordinates in and out use the same `crs` (WGS-84 or GCJ-02). Public, no personal data, "
            "rate-limited per client address."
        ),
        parameters=[
            OpenApiParameter("lng", OpenApiTypes.DOUBLE, required=True, description="经度 longitude, −180…180"),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True, description="纬度 latitude, −90…90"),
            OpenApiParameter(
                "crs", OpenApiTypes.STR, enum=["wgs84", "gcj02"], description="coordinate system (default wgs84)"
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description="1–100, default 20"),
            OpenApiParameter(
                "radius_m", OpenApiTypes.INT, description=f"only within this many metres (1–{MAX_RADIUS_M})"
            ),
            OpenApiParameter(
                "amenity",
                OpenApiTypes.STR,
                many=True,
                enum=Amenity.values,
                description="required amenities (repeat or comma-separate)",
            ),
            OpenApiParameter("open_now", OpenApiTypes.BOOL, description="true: only positions open right now"),
            OpenApiParameter(
                "type", OpenApiTypes.STR, many=True, enum=Kind.values, description="only these position types"
            ),
        ],
        responses={
            200: NearbySerializer,
            400: OpenApiResponse(ErrorSerializer, description="bad parameters"),
            429: OpenApiResponse(ErrorSerializer, description="too many requests"),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = NearbyParams(request.query_params)
        if params.errors:
            return Response({"errors": params.errors}, status=400)
        lng, lat = gcj02_to_wgs84(params.lng, params.lat) if params.crs == "gcj02" else (params.lng, params.lat)
        hits = get_index().nearest(
            lng,
            lat,
            limit=params.limit or DEFAULT_LIMIT,
            radius_m=params.radius_m,
            amenities=params.amenities,
            open_now=params.open_now,
            kinds=params.kinds,
        )
        results = []
        for hit in hits:
            out_lng, out_lat = wgs84_to_gcj02(hit.lng, hit.lat) if params.crs == "gcj02" else (hit.lng, hit.lat)
            results.append(
                {
                    "id": hit.id,
                    "name": hit.name,
                    "type": hit.kind,
                    "lng": round(out_lng, 6),
                    "lat": round(out_lat, 6),
                    "crs": params.crs,
                    "distance_m": round(hit.distance_m),
                    "open_now": hit.open_now,
                    "amenities": list(hit.amenities),
                }
            )
        return Response({"results": results})
