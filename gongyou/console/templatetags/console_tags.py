"""Readable Chinese labels for the machine names stored in events and the audit log."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from gongyou.console import audit_labels
from gongyou.core import crypto
from gongyou.core.models import AuditLog

register = template.Library()

ACTIONS = {
    "login.success": _("登录成功"),
    "login.failed": _("登录失败"),
    "login.locked": _("登录被锁定"),
    "login.refused": _("无工作台权限"),
    "login.password_ok": _("密码通过，待动态口令"),
    "login.totp_failed": _("动态口令错误"),
    "login.idle_timeout": _("超时自动退出"),
    "logout": _("退出登录"),
    "totp.enrol": _("绑定动态口令"),
    "totp.activation_issue": _("签发动态口令激活码"),
    "membership.join": _("入会"),
    "membership.approved": _("批准入会"),
    "membership.rejected": _("不予通过"),
    "membership.suspended": _("暂停会籍"),
    "membership.reinstated": _("恢复会籍"),
    "membership.withdrawn": _("退会"),
    "membership.lapsed": _("会籍失效"),
    "reveal.id_number": _("查看完整身份证号码"),
    "reveal.phone": _("查看完整手机号码"),
    "person.change_phone": _("更换手机号码"),
    "person.withdraw_consent": _("撤回个人信息同意"),
    "transfer.request": _("发起接转"),
    "transfer.accept": _("接收接转"),
    "transfer.rejected": _("退回接转"),
    "transfer.cancelled": _("撤回接转"),
    "founding_task.open": _("建会任务开始"),
    "founding_task.close": _("建会任务完成"),
    "founding_task.update": _("建会任务跟进"),
    "founding_task.note": _("建会任务工作记录"),
    "org.create": _("建立工会组织"),
    "org.set_approval": _("设置入会审批"),
    "org.update": _("修改工会组织信息"),
    "enterprise.create": _("新增企业"),
    "enterprise.update": _("更新企业"),
    "station.create": _("新增站点"),
    "staff.create": _("新增工作人员"),
    "staff.deactivate": _("停用工作人员账号"),
    "staff.activate": _("启用工作人员账号"),
    "staff.password_reset": _("重置工作人员密码"),
    "staff.password_change": _("修改本人密码"),
    "roster.upsert": _("名册更新"),
    "roster_import.stage": _("上传名册"),
    "roster_import.map": _("调整名册列对应"),
    "roster_import.start": _("开始导入名册"),
    "roster_import.finish": _("名册导入完成"),
    "partner_credential.issue": _("发放平台密钥"),
    "partner_credential.revoke": _("吊销平台密钥"),
    "position.create": _("新增服务阵地"),
    "position.update": _("更新服务阵地"),
    "position.set_status": _("服务阵地状态"),
    "position.checkin": _("服务阵地签到"),
    "position.feedback": _("服务阵地评价"),
    "position.feedback_handle": _("处理阵地反馈"),
    "position.set_photo": _("更新阵地照片"),
    "position.bulk_create": _("批量新增服务阵地"),
    "position.holiday_set": _("设置法定节假日"),
    "region.set_point": _("设置街镇参考点"),
}

EVENTS = {
    "joined": _("入会"),
    "applied": _("提交入会申请"),
    "approved": _("批准入会"),
    "rejected": _("不予通过"),
    "suspended": _("暂停会籍"),
    "reinstated": _("恢复会籍"),
    "withdrawn": _("退会"),
    "lapsed": _("会籍失效"),
    "transfer_requested": _("发起接转"),
    "transfer_accepted": _("接转完成"),
    "transfer_rejected": _("接转被退回"),
    "transfer_cancelled": _("接转已撤回"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


@register.filter
def event_label(kind: str) -> str:
    return str(EVENTS.get(kind, kind))


@register.filter
def actor_label(label: str) -> str:
    """"staff:li" → "工作人员 li", "worker" → "会员本人", "partner:<USCC>" → "平台企业 <USCC>"."""
    kind, _sep, who = (label or "").partition(":")
    names = {
        "staff": _("工作人员"),
        "worker": _("会员本人"),
        "partner": _("平台企业"),
        "system": _("系统"),
        "command": _("系统命令"),
        "login": _("登录尝试"),
    }
    name = names.get(kind)
    if name is None:
        return label
    return f"{name} {who}".strip()


@register.filter
def object_type_label(object_type: str) -> str:
    """"members.membership" → "会籍"; the model's own name when it has no entry here."""
    if object_type in audit_labels.OBJECT_TYPES:
        return str(audit_labels.OBJECT_TYPES[object_type])
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


@register.filter
def change_text(entry: AuditLog, names: audit_labels.Names | None = None) -> str:
    """The before → after of an audit entry in words: "状态=待审批 → 状态=正常"; with the page's
    `names` (audit_labels.referenced_names) ids of orgs, enterprises and stations read as names."""
    return audit_labels.change_text(entry.object_type, entry.before, entry.after, names)


@register.filter
def object_name(entry: AuditLog, names: audit_labels.Names | None = None) -> str:
    """The member, org, position… an entry is about, by name (audit_labels.referenced_names)."""
    return audit_labels.object_name(entry, names)


@register.filter
def masked_name(name: str) -> str:
    """A name as lists show it when the row may be someone outside the viewer's members."""
    return crypto.mask_name(name or "")


@register.filter
def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals, by integer arithmetic (money is never a float)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
