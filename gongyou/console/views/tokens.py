"""Staff API tokens: the ones a user may see (their own; an admin's scope) and revoking one.
Tokens are issued by `manage.py staff_token`; the console never shows a secret."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, paginate
from gongyou.core.access import get_or_404, staff_tokens_for
from gongyou.core.services import revoke_staff_token


@console_view
def token_list(request: HttpRequest) -> HttpResponse:
    return render(request, "console/tokens/list.html", paginate(request, staff_tokens_for(request.user)))


@console_view
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:tokens")
    token = revoke_staff_token(get_or_404(staff_tokens_for(request.user), pk=pk), actor=actor(request))
    messages.success(request, _("已吊销令牌 %(prefix)s") % {"prefix": token.prefix})
    return redirect("console:tokens")
