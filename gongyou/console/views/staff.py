"""Staff accounts (admins: their own org and the orgs in its scope) and every staff user's own
password. Rules and audit rows live in gongyou.core.staff; a secret (temporary password, TOTP
activation code) is shown on the answer page only, once, and never stored readable."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.services import has_confirmed_totp, issue_totp_activation
from gongyou.console.views.common import actor, flash_error, paginate
from gongyou.core import excel
from gongyou.core.access import active_orgs_in_scope, get_or_404, staff_accounts_for, staff_profile
from gongyou.core.errors import django_errors
from gongyou.core.models import StaffProfile
from gongyou.core.staff import (
    ROLE_RANK,
    change_own_password,
    change_staff_role,
    check_manageable,
    create_staff_account,
    manager_rank,
    reset_staff_password,
    set_staff_active,
)

ADMINS_ONLY = _l("只有管理员可以管理工作人员账号。")
STAFF_HEADER = [_l("用户名"), _l("姓名"), _l("所在组织"), _l("角色"), _l("状态"), _l("须修改密码"), _l("最近登录")]


def _accounts(request: HttpRequest) -> Any:
    qs = staff_accounts_for(request.user).order_by("org__name", "user__username")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(user__username__icontains=q) | qs.filter(user__first_name__icontains=q)
    return qs


def _grantable_roles(request: HttpRequest) -> list[tuple[str, Any]]:
    rank = manager_rank(request.user)
    return [(value, label) for value, label in StaffProfile.Role.choices if ROLE_RANK[StaffProfile.Role(value)] <= rank]


@console_view(admin=True, admin_reason=ADMINS_ONLY)
def staff_list(request: HttpRequest) -> HttpResponse:
    context = paginate(request, _accounts(request))
    context["q"] = request.GET.get("q", "")
    return render(request, "console/staff/list.html", context)


@console_view(admin=True, admin_reason=ADMINS_ONLY)
def staff_export(request: HttpRequest) -> HttpResponse:
    yes, no = _("是"), _("否")
    rows = (
        [
            p.user.get_username(),
            p.user.first_name,
            p.org.name,
            p.get_role_display(),
            _("在用") if p.user.is_active else _("已停用"),
            yes if p.must_change_password else no,
            p.user.last_login,
        ]
        for p in _accounts(request).iterator(chunk_size=2000)
    )
    return excel.export(_("工作人员账号"), STAFF_HEADER, rows)


@console_view(admin=True, admin_reason=ADMINS_ONLY)
def staff_new(request: HttpRequest) -> HttpResponse:
    orgs = active_orgs_in_scope(request.user).order_by("name")
    form: dict[str, str] = {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("username", "name", "org", "role")}
        org_id = form["org"]
        org = orgs.filter(pk=org_id).first() if org_id.isdigit() else None
        if org is None:
            errors = {"org": [{"code": "not_in_scope", "message": _("请选择本组织或管辖范围内的组织")}]}
        else:
            try:
                user, password = create_staff_account(
                    manager=request.user,
                    username=form["username"],
                    name=form["name"],
                    org=org,
                    role=form["role"],
                    actor=actor(request),
                )
            except ValidationError as exc:
                errors = django_errors(exc)
            else:
                profile = StaffProfile.objects.select_related("user", "org").get(user_id=user.pk)
                context: dict[str, Any] = {"p": profile, "password": password}
                if profile.role == StaffProfile.Role.ADMIN:
                    # Admins sign in with a second factor: the first enrolment needs a code too.
                    context["activation"] = issue_totp_activation(user, actor=actor(request))
                return render(request, "console/staff/secret.html", context)
    context = {
        "form": form,
        "errors": errors,
        "orgs": orgs.only("pk", "name"),
        "roles": _grantable_roles(request),
    }
    return render(request, "console/staff/new.html", context, status=400 if errors else 200)


def _detail(request: HttpRequest, profile: StaffProfile, form: dict[str, str], errors: dict[str, Any]) -> HttpResponse:
    context = {
        "p": profile,
        "own": profile.user_id == request.user.pk,
        "orgs": active_orgs_in_scope(request.user).order_by("name").only("pk", "name"),
        "roles": _grantable_roles(request),
        "form": form or {"org": str(profile.org_id), "role": profile.role},
        "errors": errors,
    }
    return render(request, "console/staff/detail.html", context, status=400 if errors else 200)


@console_view(admin=True, admin_reason=ADMINS_ONLY)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_or_404(staff_accounts_for(request.user), pk=pk), {}, {})


@require_POST
@console_view(admin=True, admin_reason=ADMINS_ONLY)
def staff_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an account to another org in scope and/or change its role (never above one's own)."""
    profile = get_or_404(staff_accounts_for(request.user), pk=pk)
    form = {k: request.POST.get(k, "") for k in ("org", "role")}
    org = active_orgs_in_scope(request.user).filter(pk=form["org"]).first() if form["org"].isdigit() else None
    if org is None:
        errors = {"org": [{"code": "not_in_scope", "message": _("请选择本组织或管辖范围内的组织")}]}
        return _detail(request, profile, form, errors)
    was_admin = profile.role == StaffProfile.Role.ADMIN
    try:
        changed = change_staff_role(profile, org=org, role=form["role"], manager=request.user, actor=actor(request))
    except ValidationError as exc:
        return _detail(request, profile, form, django_errors(exc))
    if not changed:
        messages.info(request, _("角色和组织没有变化"))
        return redirect("console:staff_account", pk=profile.pk)
    if profile.role == StaffProfile.Role.ADMIN and not was_admin and not has_confirmed_totp(profile.user):
        # A new admin signs in with a second factor: the first enrolment needs a code too.
        code = issue_totp_activation(profile.user, actor=actor(request))
        return render(request, "console/staff/secret.html", {"p": profile, "activation": code})
    messages.success(request, _("已修改账号 %(username)s 的角色和组织") % {"username": profile.user.get_username()})
    return redirect("console:staff_account", pk=profile.pk)


@console_view(admin=True, admin_reason=ADMINS_ONLY)
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    profile = get_or_404(staff_accounts_for(request.user), pk=pk)
    if request.method != "POST" or action not in ("deactivate", "activate", "reset-password", "reset-totp"):
        return redirect("console:staff_account", pk=profile.pk)
    try:
        if action == "reset-password":
            password = reset_staff_password(profile, manager=request.user, actor=actor(request))
            return render(request, "console/staff/secret.html", {"p": profile, "password": password})
        if action == "reset-totp":
            check_manageable(request.user, profile)  # scope, role, not oneself
            code = issue_totp_activation(profile.user, actor=actor(request))
            return render(request, "console/staff/secret.html", {"p": profile, "activation": code})
        set_staff_active(profile, active=action == "activate", manager=request.user, actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect("console:staff_account", pk=profile.pk)
    if action == "activate":
        messages.success(request, _("已启用账号 %(username)s") % {"username": profile.user.get_username()})
    else:
        messages.success(request, _("已停用账号 %(username)s") % {"username": profile.user.get_username()})
    return redirect("console:staff_account", pk=profile.pk)


@console_view(own_account=True)
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            change_own_password(user, form.cleaned_data["new_password1"], actor=actor(request))  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error("new_password1", exc.messages)
        else:
            update_session_auth_hash(request, user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改。"))
            return redirect("console:home")
    profile = staff_profile(user)
    must = bool(profile and profile.must_change_password)
    return render(request, "console/staff/password.html", {"form": form, "must": must})
