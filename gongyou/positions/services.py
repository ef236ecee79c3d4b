"""State changes of service positions (服务阵地, seed §二(二)7: 全域覆盖…就近、便利、可预期的服务).

Every function runs in one transaction and writes its audit row; every change to a position or
a holiday drops the nearest-search index (now and again after commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongyou.core import audit
from gongyou.core.actors import Actor
from gongyou.core.errors import FieldErrors, django_errors
from gongyou.core.models import Org, Region
from gongyou.core.validators import normalise_region_code
from gongyou.positions import index
from gongyou.positions.inputs import CleanPosition, clean_point, clean_position
from gongyou.positions.models import CheckIn, Feedback, PublicHoliday, ServicePosition
from gongyou.positions.photos import photo_content_type, validate_photo
from gongyou.positions.signals import checkin_recorded
from gongyou.positions.vocab import FeedbackStatus, Kind, ProblemKind, Status

AUDITED = [
    "code", "name", "kind", "org", "street", "address", "lng", "lat", "weekly_hours", "open_24h",
    "closed_on_holidays", "amenity_codes", "contact_phone", "status", "note",
]  # fmt: skip
CODE_PREFIX: dict[str, str] = {
    Kind.RELAY_STATION: "RS",
    Kind.HEALTH_POINT: "HP",
    Kind.WORKER_SERVICE_STATION: "WS",
}


def _error(field_name: str, message: Any, code: str) -> ValidationError:
    return ValidationError({field_name: [ValidationError(message, code=code)]})


def _changed() -> None:
    index.invalidate()
    transaction.on_commit(index.invalidate)


def _new_code(kind: str, street: Region) -> str:
    prefix = f"{CODE_PREFIX.get(kind, 'US')}-{street.code}-"
    taken = set(ServicePosition.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


# --- the registry ------------------------------------------------------------------------------


@transaction.atomic
def create_position(data: CleanPosition, *, actor: Actor, is_demo: bool = False) -> ServicePosition:
    """Register a service position; the code is generated when none is given."""
    code = data.code or _new_code(data.kind, data.street)
    if ServicePosition.objects.filter(code=code).exists():
        raise _error("code", _("阵地编号已被使用"), "duplicate")
    position = ServicePosition.objects.create(code=code, is_demo=is_demo, **data.values())
    audit.record(actor, "position.create", position, after=audit.snapshot(position, AUDITED), org=position.org)
    _changed()
    return position


@transaction.atomic
def update_position(position: ServicePosition, data: CleanPosition, *, actor: Actor) -> bool:
    """Apply cleaned data; returns False (and writes nothing) when nothing changed."""
    position = ServicePosition.objects.select_for_update().get(pk=position.pk)
    before = audit.snapshot(position, AUDITED)
    for key, value in data.values().items():
        setattr(position, key, value)
    after = audit.snapshot(position, AUDITED)
    if before == after:
        return False
    position.save()
    audit.record(actor, "position.update", position, before=before, after=after, org=position.org)
    _changed()
    return True


@transaction.atomic
def set_position_status(position: ServicePosition, status: str, *, actor: Actor, reason: str = "") -> ServicePosition:
    if status not in Status.values:
        raise _error("status", _("状态取值无效"), "bad_status")
    before = audit.snapshot(position, ["status"])
    position.status = status
    position.save(update_fields=["status", "updated_at"])
    audit.record(
        actor, "position.set_status", position, before=before, after={"status": status}, reason=reason, org=position.org
    )
    _changed()
    return position


@transaction.atomic
def set_position_photo(position: ServicePosition, upload: Any, *, actor: Actor) -> ServicePosition:
    """Replace (or with None remove) the photo; JPEG/PNG up to 5 MB."""
    if upload is not None:
        validate_photo(upload)
    old = position.photo.name
    if upload is None:
        position.photo = ""
    else:
        ext = "png" if photo_content_type(upload.read(16)) == "image/png" else "jpg"
        upload.seek(0)
        position.photo.save(f"{position.code}.{ext}", upload, save=False)
    position.save(update_fields=["photo", "updated_at"])
    audit.record(
        actor,
        "position.set_photo",
        position,
        before={"photo": old},
        after={"photo": position.photo.name},
        org=position.org,
    )
    return position


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_positions(rows: Sequence[Mapping[str, Any]], *, orgs: Mapping[str, Org], actor: Actor) -> ImportResult:
    """Create or update positions by code from spreadsheet rows. Good rows are applied; each bad
    row is reported with its number (as the spreadsheet shows it: header is row 1) and errors.
    A code that belongs to a position outside the actor's scope is reported as taken."""
    streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    codes = {str(r.get("code") or "").strip() for r in rows} - {""}
    existing = {p.code: p for p in ServicePosition.objects.filter(code__in=codes).select_related("org")}
    allowed_org_ids = {o.pk for o in orgs.values()}
    result = ImportResult()
    cleaned: list[tuple[CleanPosition, ServicePosition | None]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        number = int(row.get("_row", number))
        try:
            data = clean_position(row, orgs=orgs, streets=streets)
            current = existing.get(data.code) if data.code else None
            if data.code in seen:
                raise _error("code", _("同一文件中阵地编号重复"), "duplicate_in_file")
            if current is not None and current.org_id not in allowed_org_ids:
                raise _error("code", _("阵地编号已被使用"), "duplicate")
        except ValidationError as exc:
            result.errors.append({"row": number, "code": str(row.get("code") or ""), "errors": django_errors(exc)})
            continue
        if data.code:
            seen.add(data.code)
        cleaned.append((data, current))
    with transaction.atomic():
        for data, current in cleaned:
            if current is None:
                create_position(data, actor=actor)
                result.created += 1
            elif update_position(current, data, actor=actor):
                result.updated += 1
            else:
                result.unchanged += 1
    return result


# --- street reference points ----------------------------------------------------------------


@transaction.atomic
def set_street_point(street: Region, lng: float, lat: float, *, approximate: bool, actor: Actor) -> Region:
    """Set a street's WGS-84 reference point (coverage measures distances from it).
    `approximate` marks a derived demo point that a surveyed one should replace."""
    if street.level != Region.Level.STREET:
        raise _error("street", _("只能为街镇设置参考点"), "not_a_street")
    before = audit.snapshot(street, ["lng", "lat", "approximate"])
    street.lng, street.lat, street.approximate = lng, lat, approximate
    street.save(update_fields=["lng", "lat", "approximate"])
    audit.record(
        actor, "region.set_point", street, before=before, after=audit.snapshot(street, ["lng", "lat", "approximate"])
    )
    return street


def street_rows_from_geojson(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows {code, lng, lat, crs} from a GeoJSON FeatureCollection whose features carry a street
    `code` property and a Point, Polygon or MultiPolygon (its area-weighted centroid is used).
    GeoJSON is WGS-84 by definition (RFC 7946); a top-level "crs": "gcj02" says otherwise."""
    crs = str(data.get("crs") or "wgs84") if isinstance(data.get("crs"), str) else "wgs84"
    rows = []
    for feature in data.get("features") or []:
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        point = _geometry_point(geometry)
        rows.append(
            {
                "code": props.get("code", ""),
                "lng": point[0] if point else "",
                "lat": point[1] if point else "",
                "crs": crs,
            }
        )
    return rows


def _geometry_point(geometry: Mapping[str, Any]) -> tuple[float, float] | None:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    try:
        if kind == "Point":
            return float(coords[0]), float(coords[1])
        polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
        if polygons is None:
            return None
        area = cx = cy = 0.0
        for polygon in polygons:
            ring = polygon[0]
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                cross = x1 * y2 - x2 * y1
                area += cross
                cx += (x1 + x2) * cross
                cy += (y1 + y2) * cross
        return (cx / (3 * area), cy / (3 * area)) if area else None
    except (TypeError, ValueError, IndexError):
        return None


def import_street_points(
    rows: Sequence[Mapping[str, Any]],
    *,
    actor: Actor,
    approximate: bool = False,
    streets: Mapping[str, Region] | None = None,
) -> ImportResult:
    """Surveyed street reference points (CSV rows or GeoJSON features: code, lng, lat, crs).
    `streets` limits which streets may be set (the actor's area); others are "not found"."""
    if streets is None:
        streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    result = ImportResult()
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            number = int(row.get("_row", number))
            errors = FieldErrors()
            code = normalise_region_code(str(row.get("code") or ""))
            street = streets.get(code)
            if street is None:
                errors.add_code("code", _("找不到这个街镇代码"), "unknown_street")
            point = clean_point(row.get("lng"), row.get("lat"), str(row.get("crs") or "wgs84").strip().lower(), errors)
            if errors.errors:
                result.errors.append(
                    {"row": number, "code": code, "errors": django_errors(ValidationError(errors.errors))}
                )
                continue
            assert street is not None and point is not None
            if (street.lng, street.lat, street.approximate) == (point[0], point[1], approximate):
                result.unchanged += 1
                continue
            set_street_point(street, round(point[0], 7), round(point[1], 7), approximate=approximate, actor=actor)
            result.updated += 1
    return result


# --- visits and feedback ---------------------------------------------------------------------


@transaction.atomic
def record_checkin(position: ServicePosition, *, membership: Any = None, actor: Actor) -> CheckIn:
    """A visit: counted without login, linked to the member when one is logged in."""
    if position.status == Status.RETIRED:
        raise _error("position", _("这个阵地已撤销"), "retired")
    checkin = CheckIn.objects.create(position=position, membership=membership)
    audit.record(
        actor,
        "position.checkin",
        checkin,
        after={"position": position.pk, "membership": getattr(membership, "pk", None)},
        org=position.org,
    )
    checkin_recorded.send(sender=CheckIn, checkin=checkin)
    return checkin


@transaction.atomic
def submit_feedback(
    position: ServicePosition,
    *,
    score: int | None,
    problem: str = "",
    text: str = "",
    checkin: CheckIn | None = None,
    membership: Any = None,
    sender: str = "",
    actor: Actor,
) -> Feedback:
    """A rating and/or a problem report; it lands with the position's managing org.

    Idempotent for a short window: the same sender sending the same score, problem and text about
    the same position within GONGYOU["FEEDBACK_REPEAT_MINUTES"] gets the first item back and
    nothing new lands in the inbox. The check runs under a lock on the position's row, so two
    quick posts racing each other still make one item."""
    errors = FieldErrors()
    if score is not None and not 1 <= score <= 5:
        errors.add_code("score", _("评分应为 1 到 5 星"), "bad_score")
    if problem not in ProblemKind.values:
        errors.add_code("problem", _("问题类型取值无效"), "bad_problem")
    text = (text or "").strip()
    if len(text) > 500:
        errors.add_code("text", _("说明不能超过500个字"), "too_long")
    if score is None and not problem and not text:
        errors.add_code("score", _("请打分，或选择要反映的问题"), "required")
    if problem == ProblemKind.OTHER and not text:
        errors.add_code("text", _("请简单说明遇到的问题"), "required")
    errors.raise_if_any()
    minutes = settings.GONGYOU["FEEDBACK_REPEAT_MINUTES"]
    if sender and minutes:
        ServicePosition.objects.select_for_update().filter(pk=position.pk).first()
        repeat = Feedback.objects.filter(
            position=position,
            sender=sender,
            score=score,
            problem=problem,
            text=text,
            created_at__gte=timezone.now() - dt.timedelta(minutes=minutes),
        ).first()
        if repeat is not None:
            return repeat
    feedback = Feedback.objects.create(
        position=position,
        org=position.org,
        checkin=checkin,
        membership=membership,
        score=score,
        problem=problem,
        text=text,
        sender=sender,
    )
    audit.record(
        actor,
        "position.feedback",
        feedback,
        after={"position": position.pk, "score": score, "problem": problem},
        org=position.org,
    )
    return feedback


@transaction.atomic
def handle_feedback(feedback: Feedback, *, status: str, reply: str = "", actor: Actor) -> Feedback:
    if status not in FeedbackStatus.values:
        raise _error("status", _("状态取值无效"), "bad_status")
    before = audit.snapshot(feedback, ["status", "reply"])
    feedback.status, feedback.reply = status, (reply or "").strip()
    feedback.handled_at = timezone.now() if status != FeedbackStatus.NEW else None
    feedback.save(update_fields=["status", "reply", "handled_at"])
    audit.record(
        actor,
        "position.feedback_handle",
        feedback,
        before=before,
        after=audit.snapshot(feedback, ["status", "reply"]),
        org=feedback.org,
    )
    return feedback


# --- public holidays -------------------------------------------------------------------------


@transaction.atomic
def set_public_holiday(date: dt.date, name: str, *, workday: bool = False, actor: Actor) -> PublicHoliday:
    """A holiday date, or with `workday` a make-up working day (调休上班)."""
    holiday, created = PublicHoliday.objects.update_or_create(date=date, defaults={"name": name, "workday": workday})
    audit.record(
        actor,
        "position.holiday_set",
        holiday,
        after={"date": str(date), "name": name, "workday": workday, "created": created},
        org=audit.place_federation(None),  # the calendar is the city's: its federation sees the change
    )
    _changed()
    return holiday


# The workday column as people write it in a spreadsheet.
_YES = {"1", "true", "yes", "y", "是", "上班"}
_NO = {"", "0", "false", "no", "n", "否", "放假"}


def parse_workday(value: object) -> bool:
    """The `workday` column: empty or no for a holiday, yes for a make-up working day; anything
    else is refused (ValueError) rather than guessed."""
    text = str(value if value is not None else "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"workday 列只能填 1/0、是/否 或留空，不能是“{value}”")


def load_public_holidays(rows: Sequence[Mapping[str, str]], *, actor: Actor) -> int:
    """The State Council's arrangement for a year as published (rows date,name[,workday]; ISO
    dates; workday marks a make-up working day, 调休上班); idempotent, returns how many dates were
    added or changed. Every row is read before anything is stored, so a bad row stores nothing."""
    wanted = [
        (dt.date.fromisoformat(str(row["date"]).strip()), str(row.get("name") or "").strip(), parse_workday(row.get("workday")))
        for row in rows
    ]
    existing = {d: (n, w) for d, n, w in PublicHoliday.objects.values_list("date", "name", "workday")}
    changed = 0
    with transaction.atomic():
        for date, name, workday in wanted:
            if existing.get(date) != (name, workday):
                set_public_holiday(date, name, workday=workday, actor=actor)
                changed += 1
    return changed


@transaction.atomic
def bulk_create_positions(items: Sequence[tuple[str, CleanPosition]], *, actor: Actor, is_demo: bool) -> int:
    """Create many positions at once (the demo seed) with one audit row listing their codes;
    codes that already exist are skipped, so a second run creates nothing."""
    taken = set(ServicePosition.objects.filter(code__in=[c for c, _d in items]).values_list("code", flat=True))
    new = [ServicePosition(code=code, is_demo=is_demo, **data.values()) for code, data in items if code not in taken]
    ServicePosition.objects.bulk_create(new, batch_size=500)
    if new:
        first = ServicePosition.objects.get(code=new[0].code)
        audit.record(actor, "position.bulk_create", first, after={"codes": [p.code for p in new], "is_demo": is_demo})
        _changed()
    return len(new)
