"""Public API: GET /api/v1/stations/nearby — the nearest service positions to a point.

Public and anonymous (no personal data in the answer), throttled per client address with the
"public" rate, bad input answered 400 in the shared error shape."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from gongyou.api.errors import errors_response
from gongyou.api.serializers import ErrorSerializer, NearbySerializer
from gongyou.api.views.base import PublicView
from gongyou.core.geo import wgs84_to_gcj02
from gongyou.positions import queries
from gongyou.positions.inputs import MAX_RADIUS_M, NearbyParams
from gongyou.positions.vocab import Amenity, Kind


class NearbyView(PublicView):
    @extend_schema(
        operation_id="stations_nearby",
        summary="附近的服务阵地",
        description=(
            "Nearest open or closed service positions (relay stations etc.) to a point, closest first. "
            "Coordinates in and out use the same `crs` (WGS-84 or GCJ-02). Public, no personal data, "
            "rate-limited per client address."
        ),
        parameters=[
            OpenApiParameter(
                "lng",
                {"type": "number", "format": "double", "minimum": -180, "maximum": 180},
                required=True,
                description="经度 longitude, −180…180",
            ),
            OpenApiParameter(
                "lat",
                {"type": "number", "format": "double", "minimum": -90, "maximum": 90},
                required=True,
                description="纬度 latitude, −90…90",
            ),
            OpenApiParameter(
                "crs", OpenApiTypes.STR, enum=["wgs84", "gcj02"], description="coordinate system (default wgs84)"
            ),
            OpenApiParameter(
                "limit", {"type": "integer", "minimum": 1, "maximum": 100}, description="1–100, default 20"
            ),
            OpenApiParameter(
                "radius_m",
                {"type": "integer", "minimum": 1, "maximum": MAX_RADIUS_M},
                description=f"only within this many metres (1–{MAX_RADIUS_M})",
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
            return errors_response(params.errors)
        lng, lat = queries.wgs84_point(params)
        hits = queries.nearest_hits(params, lng, lat, radius_m=params.radius_m)
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
