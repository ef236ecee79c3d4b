"""Words for the machine names stored in the audit log (object types, changed fields and their
coded values), so the viewer and its Excel export read as Chinese instead of model and field
names. Unknown names fall through unchanged: a new service's entries still show, just raw."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, Model, QuerySet, TextChoices, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext

from gongyou.core import crypto
from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.models import AuditLog, Enterprise, Org, Region, StaffProfile, Station
from gongyou.members.models import FoundingTask, Membership, Person, Transfer
from gongyou.positions.models import CheckIn, ServicePosition

User = get_user_model()

OBJECT_TYPES = {
    "auth.user": _l("账号"),
    "members.transfer": _l("接转"),
    "members.foundingtask": _l("建会任务"),
    "members.membershipevent": _l("会籍事件"),
    "members.rosterentry": _l("名册记录"),
    "positions.checkin": _l("阵地签到"),
    "cases.case": _l("诉求"),
    "cases.referral": _l("部门转交"),
    "cases.hardshiprelief": _l("困难救助"),
    "cases.legalcheckup": _l("法律体检"),
    "cases.warning": _l("预警"),
}

FIELDS = {
    "org": _l("工会组织"), "membership": _l("会籍"), "from": _l("转出"), "to": _l("转入"),
    "initiator": _l("发起方"), "status": _l("状态"), "member_no": _l("会员编号"), "channel": _l("入会渠道"),
    "approval_required": _l("入会需审批"), "codes": _l("编码"), "code": _l("编码"), "is_demo": _l("示例数据"),
    "expires_at": _l("有效期至"),
    "lng": _l("经度"), "lat": _l("纬度"), "approximate": _l("位置为估算"), "date": _l("日期"), "name": _l("名称"),
    "created": _l("新增"), "updated": _l("更新"), "enterprise": _l("企业"), "prefix": _l("密钥前缀"),
    "count": _l("数量"), "username": _l("用户名"), "role": _l("角色"), "kind": _l("类型"), "parent": _l("上级"),
    "second_manager": _l("双重管理"), "station": _l("站点"), "street": _l("街镇"), "industry": _l("行业"),
    "is_head": _l("头部企业"), "relation": _l("关系"), "labor_relation": _l("用工关系"), "mode": _l("入会方式"),
    "position": _l("服务阵地"), "assignee": _l("负责人"), "notes": _l("备注"), "person": _l("劳动者"),
    "union": _l("工会组织"), "platform": _l("平台"), "text": _l("内容"),
    "district": _l("所在区"), "industry_code": _l("国民经济行业代码"), "legal_rep": _l("法定代表人"),
    "address": _l("住所"), "registry_authority": _l("登记机关"), "registry_status": _l("登记状态"),
    "registered_on": _l("成立日期"), "left_register": _l("已退出登记"),
}

# Coded values per field; "status" depends on what the entry is about.
CHOICES: dict[str, type[TextChoices]] = {
    "channel": Membership.Channel, "initiator": Transfer.Initiator, "industry": Industry,
    "labor_relation": LaborRelation, "role": StaffProfile.Role, "kind": Org.Kind, "relation": Enterprise.Relation,
    "mode": Membership.Mode,
}
STATUS_CHOICES: dict[str, type[TextChoices]] = {
    "members.membership": Membership.Status, "members.transfer": Transfer.Status, "core.org": Org.Status,
}

# Keys whose value is a primary key: the viewer shows the named row's name instead of the id.
REFERENCES: dict[str, type[Model]] = {
    "org": Org, "from": Org, "to": Org, "union": Org, "parent": Org, "second_manager": Org,
    "enterprise": Enterprise, "platform": Enterprise, "station": Station, "street": Region,
    "district": Region, "membership": Membership, "person": Person, "position": ServicePosition, "assignee": User,
}
# An enterprise's parent is its upper enterprise, not an org.
REFERENCES_BY_TYPE: dict[tuple[str, str], type[Model]] = {("core.enterprise", "parent"): Enterprise}

# Entry objects (AuditLog.object_type/object_id) shown by name instead of "会籍 #199".
OBJECTS: dict[str, type[Model]] = {
    model._meta.label_lower: model
    for model in (Membership, Person, Transfer, FoundingTask, CheckIn, Org, Enterprise, Station, ServicePosition, User)
}

# A row's words, when they are not its `name` column. Rows about a member read as the member:
# member number and masked name, which the Python side assembles from "number|name".
_SEP = "|"
_MEMBER = {Membership: "", Transfer: "membership__", CheckIn: "membership__"}
NAME_EXPRESSIONS: dict[type[Model], Combinable] = {
    **{
        model: Concat(Coalesce(F(f"{path}member_no"), Value("")), Value(_SEP), Coalesce(F(f"{path}person__name"), Value("")))
        for model, path in _MEMBER.items()
    },
    Person: Concat(Value(""), Value(_SEP), F("name")),
    FoundingTask: F("enterprise__name"),
    User: F("username"),
}

# (model label, pk) → name, for the ids a batch of entries mentions.
Names = dict[tuple[str, int], str]


def _referenced(object_type: str, key: str, value: Any) -> type[Model] | None:
    """The model `value` is a primary key of, when the key names one."""
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return REFERENCES_BY_TYPE.get((object_type, key)) or REFERENCES.get(key)


def _object_pk(entry: AuditLog) -> int | None:
    return int(entry.object_id) if entry.object_type in OBJECTS and entry.object_id.isdigit() else None


def _shown(model: type[Model], raw: str) -> str:
    """Words for a fetched row: a member as "GY000000012 张*" (never the full name)."""
    if model in _MEMBER or model is Person:
        number, _sep, name = raw.partition(_SEP)
        return " ".join(part for part in (number, crypto.mask_name(name)) if part)
    return raw


def referenced_names(entries: Iterable[AuditLog]) -> Names:
    """The names behind every id the entries mention — their objects and the ids in their
    before/after — fetched in a single UNION query for the whole batch (a page of the viewer, a
    chunk of the export) instead of per row."""
    wanted: dict[type[Model], set[int]] = defaultdict(set)
    for entry in entries:
        pk = _object_pk(entry)
        if pk is not None:
            wanted[OBJECTS[entry.object_type]].add(pk)
        for data in (entry.before, entry.after):
            if isinstance(data, dict):
                for key, value in data.items():
                    model = _referenced(entry.object_type, key, value)
                    if model is not None:
                        wanted[model].add(value)
    parts: list[QuerySet[Any, Any]] = [
        model._default_manager.filter(pk__in=ids)
        .order_by()
        .annotate(
            model_label=Value(model._meta.label_lower, output_field=CharField()),
            shown=NAME_EXPRESSIONS.get(model, F("name")),
        )
        .values_list("model_label", "pk", "shown")
        for model, ids in wanted.items()
    ]
    if not parts:
        return {}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    models = {model._meta.label_lower: model for model in wanted}
    return {(label, pk): _shown(models[label], raw or "") for label, pk, raw in query}


def object_name(entry: AuditLog, names: Names | None) -> str:
    """What the entry is about, in words ("GY000000012 张*"); "" when unnamed (shown as #id)."""
    pk = _object_pk(entry)
    if pk is None or names is None:
        return ""
    return names.get((entry.object_type, pk), "")


def _value(object_type: str, key: str, value: Any, names: Names | None = None) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None or value == "" or value == []:
        return "—"
    model = _referenced(object_type, key, value) if names is not None else None
    if model is not None and names is not None:
        # An id whose row is gone (or was never looked up) still shows, as the id.
        return names.get((model._meta.label_lower, value), str(value))
    if isinstance(value, list):
        return pgettext("separator", "、").join(_value(object_type, key, v, names) for v in value)
    choices = STATUS_CHOICES.get(object_type) if key == "status" else CHOICES.get(key)
    if choices is not None and isinstance(value, str):
        labels = dict(choices.choices)
        if value in labels:
            return str(labels[value])
    return str(value)


def _pairs(object_type: str, data: Any, names: Names | None) -> str:
    if not isinstance(data, dict):
        return "" if data is None else str(data)
    return pgettext("separator", "，").join(
        f"{FIELDS.get(k, k)}={_value(object_type, k, v, names)}" for k, v in data.items()
    )


def change_text(object_type: str, before: Any, after: Any, names: Names | None = None) -> str:
    """"工会组织=270 → 263" reads "工会组织=甲工会 → 乙工会" when `names` (referenced_names) holds them."""
    old, new = _pairs(object_type, before, names), _pairs(object_type, after, names)
    return f"{old} → {new}" if old else new
