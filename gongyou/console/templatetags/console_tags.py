"""Readable Chinese labels for the machine names stored in events and the audit log."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from gongyou.benefits.vocab import CampaignStatus, PlanStatus
from gongyou.cases.vocab import Action as CaseAction
from gongyou.console import audit_labels, nav
from gongyou.core import crypto
from gongyou.core.models import AuditLog
from gongyou.funds.vocab import Kind as FundsKind

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
    "org.merge": _("合并工会组织"),
    "org.dissolve": _("撤销工会组织"),
    "staff.change_role": _("调整工作人员角色"),
    "staff_token.issue": _("签发接口令牌"),
    "staff_token.revoke": _("吊销接口令牌"),
    "station.update": _("更新站点"),
    "enterprise.registry_create": _("登记库新增企业"),
    "enterprise.registry_update": _("登记库更新企业"),
    "registry.import": _("导入企业登记库"),
    "person.add_platform": _("记录会员所在平台"),
    "partner.link_worker": _("平台关联会员编号"),
    "data_key.rotation_start": _("开始轮换数据密钥"),
    "data_key.rotation_finish": _("数据密钥轮换完成"),
    "job.retry": _("重新执行后台任务"),
    "target.set": _("设置覆盖目标"),
    # benefits
    "campaign.create": _("新建服务活动"),
    "campaign.allocate": _("分配活动名额"),
    "campaign.claim": _("发放福利"),
    "appointment_slot.create": _("开放预约时段"),
    "appointment.book": _("预约服务"),
    "appointment.cancel": _("取消预约"),
    "appointment.attendance": _("登记到场"),
    "appointment.remind": _("发送预约提醒"),
    "insurance_plan.create": _("新建保障方案"),
    "insurance.enrol": _("参加会员保障"),
    "insurance.bulk_enrol": _("批量参保"),
    "insurance.payment": _("登记保费缴纳"),
    "insurance.insurer_status": _("导入保险公司承保结果"),
    "insurance.incident": _("报告出险"),
    "reveal.incident_photo": _("查看出险照片"),
    "reveal.insured_list": _("导出参保名单"),
    # cases
    "cases.submit": _("登记诉求"),
    "cases.attach": _("补充诉求材料"),
    "cases.escalate": _("诉求逾期上报"),
    "cases.handle_warning": _("处置预警"),
    "cases.legal_checkup": _("登记法律体检"),
    "cases.checkup_rectified": _("法律体检整改完成"),
    "cases.referral_outcome": _("登记转交办理结果"),
    "cases.hardship_review": _("困难救助审核"),
    "cases.hardship_paid": _("困难救助金发放"),
    # funds
    "funds.open_account": _("开设经费账户"),
    "funds.create_programme": _("新建经费项目"),
    "funds.set_budget": _("设置项目预算"),
    "funds.set_dues_schedule": _("设置会费标准"),
    "funds.record_dues_payment": _("登记会费缴纳"),
    "funds.send_dues_reminder": _("发送会费催缴短信"),
    "funds.dues_reminder_failed": _("会费催缴短信发送失败"),
    # voice
    "voice.create_meeting": _("登记五方会商"),
    "voice.update_meeting": _("修改会商信息与纪要"),
    "voice.add_party": _("添加会商参会方"),
    "voice.update_party": _("修改会商参会方"),
    "voice.remove_party": _("删除会商参会方"),
    "voice.add_topic": _("添加会商议题"),
    "voice.update_topic": _("修改会商议题"),
    "voice.remove_topic": _("删除会商议题"),
    "voice.link_topic": _("议题关联诉求或预警"),
    "voice.unlink_topic": _("议题取消关联"),
    "voice.add_resolution": _("添加会商决议"),
    "voice.update_resolution": _("修改会商决议"),
    "voice.remove_resolution": _("删除会商决议"),
    "voice.add_action_item": _("添加落实事项"),
    "voice.update_action_item": _("修改落实事项"),
    "voice.remove_action_item": _("删除落实事项"),
    "voice.complete_action_item": _("落实事项完成"),
    "voice.create_agreement": _("登记集体合同"),
    "voice.update_agreement": _("修改集体合同"),
    "voice.send_notice": _("发送通知"),
    "voice.read_notice": _("阅读通知"),
    "voice.send_report": _("上报材料"),
    "voice.read_report": _("阅读上报材料"),
    "voice.add_department": _("任务表添加部门"),
    "voice.add_department_task": _("添加部门任务"),
    "voice.record_task_progress": _("记录部门任务进展"),
    "honours.create_competition": _("登记劳动技能竞赛"),
    "honours.record_result": _("登记竞赛成绩"),
    "honours.nominate": _("荣誉推荐"),
    "honours.decide": _("荣誉评定"),
}

# Actions named after a state or kind (funds.<transaction kind>, cases.<case action>, …): the
# subject, then the kind's own label.
DERIVED_ACTIONS: dict[str, tuple[Any, type[models.TextChoices]]] = {
    "funds": (_("经费"), FundsKind),
    "cases": (_("诉求"), CaseAction),
    "campaign": (_("服务活动"), CampaignStatus),
    "insurance_plan": (_("保障方案"), PlanStatus),
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


@register.simple_tag(takes_context=True)
def console_menu(context: template.Context) -> list[nav.ShownGroup]:
    """The side menu's groups for the page being drawn (console.nav)."""
    request = context["request"]
    return nav.menu(request.path, request.user)


@register.filter
def action_label(action: str) -> str:
    """The action in words: its own label, else its subject and kind (funds.transfer → 经费：转账),
    else the machine name."""
    label = ACTIONS.get(action)
    if label is not None:
        return str(label)
    subject, _dot, kind = action.partition(".")
    derived = DERIVED_ACTIONS.get(subject)
    if derived is not None and kind in derived[1].values:
        return pgettext("audit action", "%(subject)s：%(what)s") % {"subject": derived[0], "what": derived[1](kind).label}
    return action


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
