"""Registering enterprises (USCC checked, parent and relation, head flag) and delivery stations
from the console. Writes go through core.services (upsert_enterprise, create_station, audited);
streets, parents and enterprises offered are the user's own scope, and a USCC already
registered outside it is refused rather than overwritten."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor
from gongyou.core import services
from gongyou.core.access import enterprises_in_scope, get_or_404, streets_in_scope
from gongyou.core.choices import Industry
from gongyou.core.errors import django_errors
from gongyou.core.models import Enterprise
from gongyou.core.validators import validate_uscc

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


@console_view
def station_new(request: HttpRequest) -> HttpResponse:
    streets = streets_in_scope(request.user).order_by("code")
    enterprises = enterprises_in_scope(request.user).order_by("name")
    form: dict[str, str] = {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("code", "name", "enterprise", "street", "address")}
        street, enterprise = _pick(streets, form["street"]), _pick(enterprises, form["enterprise"])
        try:
            if street is None:
                raise ValidationError({"street": [ValidationError(_("请选择所在街镇"), code="required")]})
            if enterprise is None:
                raise ValidationError({"enterprise": [ValidationError(_("请选择所属企业"), code="required")]})
            if not form["name"]:
                raise ValidationError({"name": [ValidationError(_("请填写站点名称"), code="required")]})
            services.create_station(
                code=form["code"][:40],
                name=form["name"][:128],
                enterprise=enterprise,
                street=street,
                address=form["address"][:200],
                actor=actor(request),
            )
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            return redirect("console:stations")
    context = {"form": form, "errors": errors, "streets": streets, "enterprises": enterprises[:500]}
    return render(request, "console/enterprises/station_form.html", context, status=400 if errors else 200)
