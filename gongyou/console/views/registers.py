"""Registering and editing enterprises (USCC checked, parent and relation, head flag) and
delivery stations (street, address, location picked on the positions' map) from the console.
Writes go through core.services (upsert_enterprise, create_station, update_station, audited);
streets, parents and enterprises offered are the user's own scope, a USCC already registered
outside it is refused rather than overwritten, and a station is edited by its street's office."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor
from gongyou.console.views.positions import pick_start
from gongyou.core import services
from gongyou.core.access import enterprises_in_scope, get_or_404, stations_in_scope, streets_in_scope
from gongyou.core.choices import Industry
from gongyou.core.errors import FieldErrors, django_errors
from gongyou.core.models import Enterprise, Station
from gongyou.core.validators import clean_point, validate_uscc
from gongyou.positions.conf import map_config

FIELDS = ("uscc", "name", "industry", "street", "parent", "relation", "is_head")


def _pick(qs: Any, value: str) -> Any:
    return qs.filter(pk=value).first() if value.isdigit() else None


def _enterprise_form(request: HttpRequest, enterprise: Enterprise | None) -> HttpResponse:
    streets = streets_in_scope(request.user).order_by("code")
    parents = enterprises_in_scope(request.user).order_by("name")
    if enterprise is not None:
        parents = parents.exclude(pk=enterprise.pk)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in FIELDS}
        if enterprise is not None:
            form["uscc"] = enterprise.uscc  # the key never changes
        street = _pick(streets, form["street"])
        parent = _pick(parents, form["parent"]) if form["parent"] else None
        try:
            if street is None:
                raise ValidationError({"street": [ValidationError(_("请选择所在街镇"), code="required")]})
            if form["parent"] and parent is None:
                raise ValidationError({"parent": [ValidationError(_("请选择上级企业"), code="invalid")]})
            if enterprise is None:
                try:
                    code = validate_uscc(form["uscc"])
                except ValidationError as exc:
                    raise ValidationError({"uscc": exc.error_list}) from exc
                if Enterprise.objects.filter(uscc=code).exists():
                    # Registered already: in scope it is edited on its own page, out of scope
                    # it is not ours to overwrite. Same answer either way.
                    raise ValidationError(
                        {"uscc": [ValidationError(_("这个统一社会信用代码已登记"), code="duplicate")]}
                    )
            saved, _outcome = services.upsert_enterprise(
                uscc=form["uscc"],
                name=form["name"],
                industry=form["industry"],
                street=street,
                is_head=form["is_head"] == "1",
                parent=parent,
                relation=form["relation"],
                actor=actor(request),
            )
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            return redirect("console:enterprise", pk=saved.pk)
    elif enterprise is not None:
        form = {
            "uscc": enterprise.uscc,
            "name": enterprise.name,
            "industry": enterprise.industry,
            "street": str(enterprise.street_id or ""),
            "parent": str(enterprise.parent_id or ""),
            "relation": enterprise.relation,
            "is_head": "1" if enterprise.is_head else "",
        }
    else:
        form = {}
    context = {
        "e": enterprise,
        "form": form,
        "errors": errors,
        "streets": streets,
        "parents": parents[:500],
        "industries": Industry.choices,
        "relations": Enterprise.Relation.choices,
    }
    return render(request, "console/enterprises/form.html", context, status=400 if errors else 200)


@console_view
def enterprise_new(request: HttpRequest) -> HttpResponse:
    return _enterprise_form(request, None)


@console_view
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _enterprise_form(request, get_or_404(enterprises_in_scope(request.user), pk=pk))


STATION_FIELDS = ("code", "name", "enterprise", "street", "address", "lng", "lat", "crs")


def _station_point(form: dict[str, str]) -> tuple[float | None, float | None]:
    """The form's point as WGS-84 (the picker writes the tiles' system into crs); both empty is
    "no location"."""
    if not form["lng"] and not form["lat"]:
        return None, None
    errors = FieldErrors()
    point = clean_point(form["lng"], form["lat"], form["crs"] or "wgs84", errors)
    errors.raise_if_any()
    assert point is not None
    return point


def _station_form(request: HttpRequest, station: Station | None) -> HttpResponse:
    streets = streets_in_scope(request.user).order_by("code")
    enterprises = enterprises_in_scope(request.user).order_by("name")
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in STATION_FIELDS}
        street = _pick(streets, form["street"])
        enterprise = station.enterprise if station is not None else _pick(enterprises, form["enterprise"])
        try:
            if street is None:
                raise ValidationError({"street": [ValidationError(_("请选择所在街镇"), code="required")]})
            if enterprise is None:
                raise ValidationError({"enterprise": [ValidationError(_("请选择所属企业"), code="required")]})
            lng, lat = _station_point(form)
            if station is None:
                station = services.create_station(
                    code=form["code"], name=form["name"], enterprise=enterprise, street=street,
                    address=form["address"], lng=lng, lat=lat, actor=actor(request),
                )  # fmt: skip
                messages.success(request, _("已登记站点：%(name)s") % {"name": station.name})
            else:
                services.update_station(
                    station, name=form["name"], street=street, address=form["address"], lng=lng, lat=lat,
                    actor=actor(request),
                )  # fmt: skip
                messages.success(request, _("已保存站点：%(name)s") % {"name": station.name})
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            return redirect("console:stations")
    elif station is not None:
        form = {
            "code": station.code,
            "name": station.name,
            "enterprise": str(station.enterprise_id),
            "street": str(station.street_id),
            "address": station.address,
            "lng": f"{station.lng:.6f}" if station.lng is not None else "",
            "lat": f"{station.lat:.6f}" if station.lat is not None else "",
            "crs": "wgs84",
        }
    else:
        form = {"crs": map_config()["crs"]}
    context = {
        "station": station,
        "form": form,
        "errors": errors,
        "streets": streets,
        "enterprises": enterprises[:500],
        "map": map_config(),
        "pick": pick_start(form),
    }
    return render(request, "console/enterprises/station_form.html", context, status=400 if errors else 200)


@console_view
def station_new(request: HttpRequest) -> HttpResponse:
    return _station_form(request, None)


@console_view
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Only a station in the user's own streets: its street is theirs to keep or change.
    streets = streets_in_scope(request.user)
    return _station_form(request, get_or_404(stations_in_scope(request.user).filter(street__in=streets), pk=pk))
