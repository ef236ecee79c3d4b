"""What the system itself writes into a membership's history and a transfer's decision, as a code
with the names it mentions, so each reader sees it in their own language (like routing reasons,
`routing.render_reason`). The record-language text is stored too, for exports and older rows.

Free text a person typed (a staff officer's reason, the member's own words) is kept as typed."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy, pgettext

from gongyou.core.choices import record_language
from gongyou.members.routing import REASONS, render_reason

# Who started a transfer, or who withdrew one: Transfer.Initiator values.
STARTED_BY = {
    "member": gettext_lazy("会员本人申请组织关系接转"),
    "old_org": gettext_lazy("转出工会发起组织关系接转"),
    "new_org": gettext_lazy("转入工会发起组织关系接转"),
    "system": gettext_lazy("系统根据名册提出组织关系接转"),
}
WITHDRAWN_BY = {
    "member": gettext_lazy("会员本人撤回接转"),
    "old_org": gettext_lazy("转出工会撤回接转"),
    "new_org": gettext_lazy("转入工会撤回接转"),
    "system": gettext_lazy("系统撤回接转"),
}

# Why a member leaves, as the portal offers it (the member may add their own words).
LEAVE_REASONS = {
    "changed_job": gettext_lazy("不再从事这一行"),
    "left_city": gettext_lazy("离开上海"),
    "other_union": gettext_lazy("已在其他单位入会"),
    "other": gettext_lazy("其他原因"),
}

NOTES = {
    # The joining rule's reason: params are the routing code and its names.
    "routing": None,
    "transfer_to": gettext_lazy("转入%(org)s"),
    "auto_accepted": gettext_lazy("超过接收期限，系统自动接收"),
    "consent_withdrawn": gettext_lazy("本人撤回个人信息处理同意"),
}


def render_note(code: str, params: Mapping[str, object], stored: str = "") -> str:
    """The note in the active language; `stored` (record-language text) for unknown codes. A
    typed reason in params["reason"] is appended as typed."""
    if code == "routing":
        routing_code = str(params.get("code", ""))
        if routing_code not in REASONS:
            return stored
        return render_reason(routing_code, {k: str(v) for k, v in params.items() if k != "code"})
    if code == "leave":
        label = LEAVE_REASONS.get(str(params.get("choice", "")))
        detail = str(params.get("reason") or "").strip()
        if label is None:
            return detail or stored
        return f"{label}{pgettext('label separator', '：')}{detail}" if detail else str(label)
    template = NOTES.get(code)
    if template is None:
        return stored
    text = str(template) % {k: v for k, v in params.items() if k != "reason"}
    reason = str(params.get("reason") or "").strip()
    if reason:
        text += pgettext("separator", "；") + reason
    return text


def record_note(code: str, params: Mapping[str, object]) -> str:
    """The note as stored: in the record language."""
    with record_language():
        return render_note(code, params)
