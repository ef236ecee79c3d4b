"""State changes for regions, orgs, enterprises, stations and staff (seed §二(一)2)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongyou.core import audit
from gongyou.core.actors import Actor
from gongyou.core.choices import Industry
from gongyou.core.geo import gcj02_to_wgs84
from gongyou.core.models import Enterprise, Org, OrgReach, Region, StaffProfile, StaffToken, Station
from gongyou.core.signals import enterprise_union_founded
from gongyou.core.streets import forget_streets
from gongyou.core.validators import normalise_region_code, validate_uscc

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrOrPromise
else:
    StrOrPromise = str

DIVISIONS_CSV = Path(__file__).parent / "data" / "shanghai_divisions.csv"
CITY_CODE = "310000"

K = Org.Kind
FEDERATION_KINDS = (K.STREET_FEDERATION, K.DISTRICT_FEDERATION)
# Which parent kinds each kind may hang under in the territorial tree.
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    K.CITY_FEDERATION: (),
    K.DISTRICT_FEDERATION: (K.CITY_FEDERATION,),
    K.INDUSTRY_FEDERATION: (K.CITY_FEDERATION, K.DISTRICT_FEDERATION),
    K.STREET_FEDERATION: (K.DISTRICT_FEDERATION,),
    K.STREET_UNION: FEDERATION_KINDS,
    K.JOINT_UNION: (*FEDERATION_KINDS, K.INDUSTRY_FEDERATION),
    # Enterprise unions are founded where the enterprise is registered (属地建会).
    K.ENTERPRISE_UNION: (*FEDERATION_KINDS, K.INDUSTRY_FEDERATION, K.CITY_FEDERATION),
    K.HQ_UNION: (*FEDERATION_KINDS, K.INDUSTRY_FEDERATION, K.CITY_FEDERATION),
    K.AGENT_UNION: (*FEDERATION_KINDS, K.INDUSTRY_FEDERATION),
    # A station union joins the street's "small second-level" or joint union by locality.
    K.STATION_UNION: (K.STREET_UNION, K.JOINT_UNION, K.STREET_FEDERATION),
    K.UNION_GROUP: (K.STATION_UNION, K.STREET_UNION, K.JOINT_UNION, K.STREET_FEDERATION),
}


def _error(field: str, message: StrOrPromise, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


# --- regions ---------------------------------------------------------------------------------


def load_regions(path: Path = DIVISIONS_CSV) -> int:
    """Load Shanghai's districts and streets (NBS codes) idempotently; returns rows created.

    District points in the CSV are GCJ-02 and are stored converted to WGS-84.
    """
    existing = set(Region.objects.values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        city = Region.objects.filter(code=CITY_CODE).first()
        if city is None:
            city = Region.objects.create(code=CITY_CODE, name="上海市", level=Region.Level.CITY)
            created += 1
        by_code = {CITY_CODE: city}
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for level in ("district", "street"):
            new = []
            for row in rows:
                if row["level"] != level:
                    continue
                if row["code"] in existing:
                    continue
                lng = lat = None
                if row["lng"] and row["lat"]:
                    lng, lat = gcj02_to_wgs84(float(row["lng"]), float(row["lat"]))
                new.append(
                    Region(
                        code=row["code"],
                        name=row["name"],
                        level=level,
                        parent_id=None,
                        lng=lng,
                        lat=lat,
                    )
                )
                new[-1]._parent_code = row["parent_code"]  # type: ignore[attr-defined]
            parents = {r.code: r for r in Region.objects.all()}
            parents.update(by_code)
            for region in new:
                region.parent = parents[region._parent_code]  # type: ignore[attr-defined]
            Region.objects.bulk_create(new)
            created += len(new)
    forget_streets()  # bulk_create sends no post_save
    return created


def get_street(code: str) -> Region:
    """Street by its 9- or 12-digit statistical code, or a coded validation error."""
    normalised = normalise_region_code(code)
    street = Region.objects.filter(code=normalised, level=Region.Level.STREET).first()
    if street is None:
        raise _error("street_code", _("找不到这个街镇代码"), "unknown_street")
    return street


# --- organisations ---------------------------------------------------------------------------


def _reachers(org: Org) -> set[int]:
    """Orgs whose staff may see `org`: itself, everyone who reaches its territorial parent, and
    its second manager (dual management). The second manager's own superiors are NOT added:
    staff see their subtree plus what *their* org dual-manages (issue #2 §7), so a street
    federation hosting a platform's HQ union does not thereby see that platform's stations
    all over the city."""
    found = {org.pk}
    if org.parent_id is not None:
        found |= set(OrgReach.objects.filter(descendant_id=org.parent_id).values_list("ancestor_id", flat=True))
    if org.second_manager_id is not None:
        found.add(org.second_manager_id)
    return found


def _rebuild_reach(orgs: Iterable[Org]) -> None:
    """Recompute the closure rows of the given orgs (parents before children)."""
    for org in sorted(orgs, key=lambda o: o.pk):
        OrgReach.objects.filter(descendant=org).delete()
        OrgReach.objects.bulk_create([OrgReach(ancestor_id=a, descendant_id=org.pk) for a in _reachers(org)])


def rebuild_all_reach() -> int:
    """Recompute the whole closure (after bulk loading); returns the number of rows."""
    with transaction.atomic():
        OrgReach.objects.all().delete()
        edges: dict[int, tuple[int | None, int | None]] = {
            pk: (parent, second)
            for pk, parent, second in Org.objects.values_list("id", "parent_id", "second_manager_id")
        }
        reach: dict[int, set[int]] = {}

        def reachers(pk: int) -> set[int]:
            if pk not in reach:
                parent, second = edges[pk]
                found = {pk}
                if parent is not None:
                    found |= reachers(parent)
                if second is not None:
                    found.add(second)
                reach[pk] = found
            return reach[pk]

        rows = [OrgReach(ancestor_id=a, descendant_id=d) for d in edges for a in reachers(d)]
        OrgReach.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _check_org(org: Org) -> None:
    allowed = ALLOWED_PARENTS[org.kind]
    if not allowed and org.parent_id is not None:
        raise _error("parent", _("市总工会没有上级工会"), "parent_not_allowed")
    if allowed and (org.parent is None or org.parent.kind not in allowed):
        raise _error("parent", _("上级工会的类型不适合这种组织"), "bad_parent")
    if org.kind in Org.ENTERPRISE_KINDS and org.enterprise_id is None:
        raise _error("enterprise", _("企业工会必须关联一个企业"), "enterprise_required")
    if org.kind in Org.STATION_KINDS:
        if org.station_id is None:
            raise _error("station", _("站点分工会或工会小组必须关联一个站点"), "station_required")
        if org.second_manager is None or org.second_manager.kind not in Org.ENTERPRISE_KINDS:
            raise _error(
                "second_manager",
                _("站点分工会实行双重管理，必须指定企业（总部/代理商）工会"),
                "second_manager_required",
            )
    elif org.second_manager_id is not None:
        raise _error("second_manager", _("只有站点分工会和工会小组实行双重管理"), "dual_not_allowed")
    if org.kind in (K.STREET_FEDERATION, K.STREET_UNION) and org.region.level != Region.Level.STREET:
        raise _error("region", _("街镇工会必须位于一个街镇"), "street_required")


@transaction.atomic
def create_org(
    *,
    name: str,
    kind: str,
    region: Region,
    parent: Org | None = None,
    second_manager: Org | None = None,
    industry: str = "",
    enterprise: Enterprise | None = None,
    station: Station | None = None,
    founding_mode: str = Org.FoundingMode.SINGLE,
    founded_on: dt.date | None = None,
    approval_required: bool = False,
    actor: Actor,
) -> Org:
    """Found a union org. Founding an enterprise's union closes its 25-rule founding tasks
    (seed §二(一)3: 街镇总工会指导推动个体入会职工达到25人以上的单位直接建立工会)."""
    if not name.strip():
        raise _error("name", _("请填写组织名称"), "required")
    org = Org(
        name=name.strip(),
        kind=kind,
        region=region,
        parent=parent,
        second_manager=second_manager,
        industry=industry,
        enterprise=enterprise,
        station=station,
        founding_mode=founding_mode,
        founded_on=founded_on or timezone.localdate(),
        approval_required=approval_required,
    )
    _check_org(org)
    org.save()
    _rebuild_reach([org])
    audit.record(
        actor,
        "org.create",
        org,
        after=audit.snapshot(org, ["name", "kind", "parent", "second_manager", "enterprise", "station"]),
        org=org,
    )
    if enterprise is not None and kind in Org.ENTERPRISE_KINDS:
        # members closes the enterprise's 25-rule founding tasks here (members.apps), in this
        # transaction.
        enterprise_union_founded.send(sender=Org, union=org, enterprise=enterprise, actor=actor)
    return org


@transaction.atomic
def update_org(
    org: Org,
    *,
    name: str,
    founding_mode: str,
    founded_on: dt.date,
    approval_required: bool,
    actor: Actor,
) -> Org:
    """Correct an org's name, founding data and approval setting. Its kind, place in the tree,
    enterprise and station are what it was founded as: changing them is a dissolve or a merge."""
    name = name.strip()
    if not name:
        raise _error("name", _("请填写组织名称"), "required")
    if len(name) > 128:
        raise _error("name", _("组织名称不能超过128个字符"), "too_long")
    if founding_mode not in Org.FoundingMode.values:
        raise _error("founding_mode", _("建会方式取值无效"), "invalid_choice")
    if founded_on > timezone.localdate():
        raise _error("founded_on", _("建会日期不能晚于今天"), "in_future")
    fields = ["name", "founding_mode", "founded_on", "approval_required"]
    before = audit.snapshot(org, fields)
    org.name, org.founding_mode, org.founded_on, org.approval_required = name, founding_mode, founded_on, approval_required
    after = audit.snapshot(org, fields)
    if after != before:
        org.save(update_fields=fields)
        audit.record(actor, "org.update", org, before=before, after=after, org=org)
    return org


@transaction.atomic
def set_approval_mode(org: Org, *, approval_required: bool, actor: Actor) -> Org:
    before = audit.snapshot(org, ["approval_required"])
    org.approval_required = approval_required
    org.save(update_fields=["approval_required"])
    audit.record(
        actor, "org.set_approval", org, before=before, after=audit.snapshot(org, ["approval_required"]), org=org
    )
    return org


@transaction.atomic
def mark_org_dissolved(org: Org, *, actor: Actor, reason: str, merged_into: Org | None = None) -> Org:
    """Record that an org is dissolved (or merged into another). Only the status: who may
    dissolve what, and moving its members first, is members.dissolution's rule."""
    if org.status != Org.Status.ACTIVE:
        raise _error("org", _("这个工会已经撤销"), "already_dissolved")
    org.status = Org.Status.DISSOLVED
    org.save(update_fields=["status"])
    audit.record(
        actor,
        "org.merge" if merged_into is not None else "org.dissolve",
        org,
        before={"status": Org.Status.ACTIVE},
        after={"status": Org.Status.DISSOLVED, "merged_into": merged_into.pk if merged_into else None},
        reason=reason,
        org=org,
        related_org=merged_into,
    )
    return org


# --- enterprises and stations ----------------------------------------------------------------


def upsert_enterprise(
    *,
    uscc: str,
    name: str,
    industry: str,
    street: Region,
    is_head: bool = False,
    parent: Enterprise | None = None,
    relation: str = "",
    actor: Actor,
) -> tuple[Enterprise, str]:
    """Create or update an enterprise by USCC; returns (enterprise, "created"|"updated"|"unchanged")."""
    try:
        code = validate_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.error_list}) from exc
    if not name.strip():
        raise _error("name", _("请填写企业名称"), "required")
    if industry not in Industry.values:
        raise _error("industry", _("行业取值无效"), "bad_industry")
    if relation and relation not in Enterprise.Relation.values:
        raise _error("relation", _("与上级企业关系取值无效"), "bad_relation")
    if parent is not None and not relation:
        raise _error("relation", _("有上级企业时必须填写与上级企业的关系"), "relation_required")
    if parent is not None and parent.uscc == code:
        raise _error("parent_uscc", _("企业不能是自己的上级企业"), "parent_is_self")
    fields = ["name", "industry", "district", "street", "is_head", "parent", "relation"]
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().filter(uscc=code).first()
        values = {
            "name": name.strip(),
            "industry": industry,
            "district": street.parent,
            "street": street,
            "is_head": is_head,
            "parent": parent,
            "relation": relation if parent is not None else "",
        }
        if enterprise is None:
            enterprise = Enterprise.objects.create(uscc=code, **values)
            audit.record(actor, "enterprise.create", enterprise, after=audit.snapshot(enterprise, fields))
            return enterprise, "created"
        before = audit.snapshot(enterprise, fields)
        for key, value in values.items():
            setattr(enterprise, key, value)
        after = audit.snapshot(enterprise, fields)
        if before == after:
            return enterprise, "unchanged"
        enterprise.save()
        audit.record(actor, "enterprise.update", enterprise, before=before, after=after)
        return enterprise, "updated"


@dataclass(frozen=True)
class RegistryEntry:
    """One enterprise as the market-regulation registry (市场主体登记信息) reports it, cleaned.
    `industry` is "" outside the target industries; `district`/`street` None when not found."""

    uscc: str
    name: str
    legal_rep: str
    industry_code: str
    industry: str
    address: str
    registry_authority: str
    registry_status: str
    left_register: bool
    registered_on: dt.date | None
    district: Region | None
    street: Region | None


REGISTRY_FIELDS = [
    "name", "legal_rep", "industry_code", "industry", "address", "registry_authority", "registry_status",
    "left_register", "registered_on", "district", "street",
]


def record_registry_entry(entry: RegistryEntry, *, actor: Actor) -> tuple[Enterprise, str]:
    """Upsert an enterprise by USCC from a registry extract (seed §三(一): 市场监管部门共享登记
    信息，工会据此排查建会盲区); returns (enterprise, "created"|"updated"|"unchanged").

    The registry is the authority for what it reports; what it cannot tell (an unmapped industry
    code, an address naming no street we know) never erases what a union already recorded, and
    the head flag and parent relation are the unions' own. An enterprise that left the register is
    marked, not deleted: memberships, rosters and unions still point at it."""
    values: dict[str, object] = {
        "name": entry.name,
        "legal_rep": entry.legal_rep,
        "industry_code": entry.industry_code,
        "address": entry.address,
        "registry_authority": entry.registry_authority,
        "registry_status": entry.registry_status,
        "left_register": entry.left_register,
        "registered_on": entry.registered_on,
    }
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().filter(uscc=entry.uscc).first()
        if enterprise is None:
            enterprise = Enterprise.objects.create(
                uscc=entry.uscc, industry=entry.industry, district=entry.district, street=entry.street, **values
            )
            audit.record(actor, "enterprise.registry_create", enterprise, after=audit.snapshot(enterprise, REGISTRY_FIELDS))
            return enterprise, "created"
        if entry.industry:
            values["industry"] = entry.industry
        if entry.street is not None:
            values["street"] = entry.street
            values["district"] = entry.street.parent
        elif entry.district is not None and (enterprise.street is None or enterprise.street.parent_id != entry.district.pk):
            values["district"], values["street"] = entry.district, None
        before = audit.snapshot(enterprise, REGISTRY_FIELDS)
        for key, value in values.items():
            setattr(enterprise, key, value)
        after = audit.snapshot(enterprise, REGISTRY_FIELDS)
        if before == after:
            return enterprise, "unchanged"
        enterprise.save()
        audit.record(actor, "enterprise.registry_update", enterprise, before=before, after=after)
        return enterprise, "updated"


STATION_FIELDS = ["code", "name", "enterprise", "street", "address", "lng", "lat"]


def _check_station(name: str, address: str, lng: float | None, lat: float | None) -> None:
    if not name.strip():
        raise _error("name", _("请填写站点名称"), "required")
    if len(name.strip()) > 128:
        raise _error("name", _("站点名称不能超过128个字符"), "too_long")
    if len(address.strip()) > 200:
        raise _error("address", _("地址不能超过200个字符"), "too_long")
    if (lng is None) != (lat is None):
        raise _error("lng", _("经度和纬度要么都填，要么都不填"), "point_incomplete")


@transaction.atomic
def create_station(
    *,
    code: str,
    name: str,
    enterprise: Enterprise,
    street: Region,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    actor: Actor,
) -> Station:
    """Register a delivery station of an enterprise in a street; `lng`/`lat` WGS-84 where known
    (coverage measures from where the station's workers start their day)."""
    code = code.strip()
    if not code:
        raise _error("code", _("请填写站点编码"), "required")
    if len(code) > 40:
        raise _error("code", _("站点编码不能超过40个字符"), "too_long")
    _check_station(name, address, lng, lat)
    if Station.objects.filter(code=code).exists():
        raise _error("code", _("站点编码已存在"), "duplicate")
    station = Station.objects.create(
        code=code,
        name=name.strip(),
        enterprise=enterprise,
        street=street,
        address=address.strip(),
        lng=round(lng, 7) if lng is not None else None,
        lat=round(lat, 7) if lat is not None else None,
    )
    audit.record(actor, "station.create", station, after=audit.snapshot(station, STATION_FIELDS))
    return station


def update_station(
    station: Station,
    *,
    name: str,
    street: Region,
    address: str,
    lng: float | None,
    lat: float | None,
    actor: Actor,
) -> tuple[Station, str]:
    """Correct a station's name, street, address and location; returns (station, "updated" or
    "unchanged"). Its code and enterprise are what it was registered as (the station union and
    the join QR codes point at them)."""
    _check_station(name, address, lng, lat)
    fields = ["name", "street", "address", "lng", "lat"]
    with transaction.atomic():
        locked = Station.objects.select_for_update().get(pk=station.pk)
        before = audit.snapshot(locked, fields)
        locked.name, locked.street, locked.address = name.strip(), street, address.strip()
        locked.lng = round(lng, 7) if lng is not None else None
        locked.lat = round(lat, 7) if lat is not None else None
        after = audit.snapshot(locked, fields)
        if before == after:
            return locked, "unchanged"
        locked.save(update_fields=fields)
        audit.record(actor, "station.update", locked, before=before, after=after)
        return locked, "updated"


# --- staff ------------------------------------------------------------------------------------


@transaction.atomic
def create_staff(*, username: str, password: str, org: Org, role: str, actor: Actor, name: str = "") -> AbstractUser:
    if role not in StaffProfile.Role.values:
        raise _error("role", _("角色取值无效"), "bad_role")
    user_model = get_user_model()
    user = user_model.objects.create_user(username=username, password=password, first_name=name)
    StaffProfile.objects.create(user=user, org=org, role=role)
    audit.record(actor, "staff.create", user, after={"username": username, "org": org.pk, "role": role}, org=org)
    return user  # type: ignore[return-value]


# --- staff API tokens -----------------------------------------------------------------------------

STAFF_TOKEN_SCHEME = "gys"
_TOKEN_ALPHABET = string.ascii_letters + string.digits  # no "_" so the token splits unambiguously
# last_used_at is bookkeeping, not an audit trail: at most one UPDATE a minute per token.
STAFF_TOKEN_TOUCH = dt.timedelta(seconds=60)


def _staff_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_staff_token(user: AbstractUser, *, actor: Actor, name: str = "") -> str:
    """A bearer token "gys_<prefix>_<secret>" acting as `user` with exactly their scope and role
    on the staff API; returned (and shown) only this once."""
    name = name.strip()
    if len(name) > 80:
        raise _error("name", _("令牌名称不能超过80个字符"), "too_long")
    if not user.is_active or (not user.is_superuser and not StaffProfile.objects.filter(user_id=user.pk).exists()):
        raise _error("user", _("只能为在职的工作人员账号签发令牌"), "not_staff")
    profile = StaffProfile.objects.filter(user_id=user.pk).select_related("org").first()
    for _attempt in range(5):
        prefix = "".join(secrets.choice(_TOKEN_ALPHABET) for _i in range(8))
        token = f"{STAFF_TOKEN_SCHEME}_{prefix}_" + "".join(secrets.choice(_TOKEN_ALPHABET) for _i in range(40))
        try:
            with transaction.atomic():
                row = StaffToken.objects.create(
                    user_id=user.pk, name=name, prefix=prefix, token_hash=_staff_token_hash(token)
                )
                audit.record(
                    actor, "staff_token.issue", row, after={"user": user.get_username(), "prefix": prefix, "name": name},
                    org=profile.org if profile else None,
                )  # fmt: skip
            return token
        except IntegrityError:
            continue  # prefix collision (62^8 space): draw again
    raise RuntimeError("could not draw a unique token prefix")


@transaction.atomic
def revoke_staff_token(token: StaffToken, *, actor: Actor) -> StaffToken:
    """From now on the token answers 401. Idempotent."""
    locked = StaffToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        profile = StaffProfile.objects.filter(user_id=locked.user_id).select_related("org").first()
        audit.record(
            actor, "staff_token.revoke", locked, before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at.isoformat(), "prefix": locked.prefix}, org=profile.org if profile else None,
        )  # fmt: skip
    return locked


def check_staff_token(token: str) -> StaffToken | None:
    """The live token row (with its user) this token belongs to, else None: unknown, wrong
    secret, revoked, or a user who is no longer active."""
    scheme, _sep, rest = token.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != STAFF_TOKEN_SCHEME or len(prefix) != 8 or not secret:
        return None
    row = StaffToken.objects.select_related("user", "user__staff_profile__org").filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.token_hash, _staff_token_hash(token)):
        return None
    if row.revoked_at is not None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= STAFF_TOKEN_TOUCH:
        StaffToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
