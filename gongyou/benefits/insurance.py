"""灵活就业会员专享基本保障 — gig member basic insurance, co-funded by union funds, the platform
and the worker (seed §二(二)8; SPEC §5). Money in integer fen; the three shares sum exactly to
the premium. Eligibility needs the platform's own data as proof: an active roster entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongyou.benefits.errors import Refused
from gongyou.benefits.events import record_service_event
from gongyou.benefits.inputs import CleanPhoto, CleanPlan
from gongyou.benefits.models import Enrolment, Incident, IncidentPhoto, InsurancePlan
from gongyou.benefits.photos import incident_storage, photo_file_name
from gongyou.benefits.vocab import (
    EnrolmentChannel,
    EnrolmentStatus,
    InsurerStatus,
    PaymentStatus,
    PlanStatus,
    ServiceKind,
)
from gongyou.core import audit, crypto
from gongyou.core.actors import Actor
from gongyou.core.choices import choice_lookup
from gongyou.core.models import Enterprise, Org
from gongyou.members.models import Membership, RosterEntry

MAX_PHOTOS = 9
INSURANCE_REASONS: dict[str, Any] = {
    "status": gettext_lazy("只有正常状态的会员可以参保"),
    "no_work_proof": gettext_lazy("平台名册或用工单位中没有您的在岗记录"),
}


@transaction.atomic
def create_plan(data: CleanPlan, *, org: Org, actor: Actor) -> InsurancePlan:
    plan = InsurancePlan.objects.create(org=org, **data.__dict__)
    audit.record(actor, "insurance_plan.create", plan, after={"premium_fen": plan.premium_fen, "union": plan.union_share_fen,
                 "platform": plan.platform_share_fen, "worker": plan.worker_share_fen}, org=org)  # fmt: skip
    return plan


@transaction.atomic
def set_plan_status(plan: InsurancePlan, status: str, *, actor: Actor) -> InsurancePlan:
    locked = InsurancePlan.objects.select_for_update().get(pk=plan.pk)
    allowed: dict[str, tuple[str, ...]] = {PlanStatus.OPEN: (PlanStatus.DRAFT,), PlanStatus.CLOSED: (PlanStatus.DRAFT, PlanStatus.OPEN)}
    if locked.status not in allowed.get(status, ()):
        raise Refused("bad_status", _("方案当前状态不能进行这个操作"), field="status")
    before, locked.status = locked.status, status
    locked.save(update_fields=["status"])
    audit.record(actor, f"insurance_plan.{status}", locked, before={"status": before}, after={"status": status}, org=locked.org)
    return locked


def work_proof(membership: Membership) -> Enterprise | None:
    """The enterprise whose data proves the member works: an active roster entry of a platform
    (the platform's own data, not a screenshot), else the employer on record."""
    entry = (
        RosterEntry.objects.select_related("enterprise")
        .filter(id_hash=membership.person.id_hash, active=True)
        .order_by("-last_seen_at", "id")
        .first()
    )
    if entry is not None:
        return entry.enterprise
    return membership.person.employer


def insurance_ineligibility(membership: Membership) -> str | None:
    if membership.status != Membership.Status.ACTIVE:
        return "status"
    if work_proof(membership) is None:
        return "no_work_proof"
    return None


def _payment(fen: int) -> str:
    return PaymentStatus.DUE if fen else PaymentStatus.NONE


@transaction.atomic
def enrol_member(
    plan: InsurancePlan,
    membership: Membership,
    *,
    channel: str,
    actor: Actor,
    consent_version: str = "",
    now: dt.datetime | None = None,
) -> Enrolment:
    """Enrol an eligible member within the window: by the worker (consent to share their data
    with the insurer is required and recorded), by staff, or in bulk for a platform."""
    now = now or timezone.now()
    if plan.status != PlanStatus.OPEN or not plan.enrol_from <= timezone.localdate(now) <= plan.enrol_until:
        raise Refused("window_closed", _("现在不在投保时间内"), field="plan")
    if channel == EnrolmentChannel.WORKER and not consent_version.strip():
        raise Refused("consent_required", _("投保前需要同意把您的信息提供给保险公司"), field="consent_version")
    reason = insurance_ineligibility(membership)
    if reason:
        raise Refused("not_eligible", INSURANCE_REASONS[reason], field="member", reason=reason)
    platform = work_proof(membership)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                plan=plan, person=membership.person, membership=membership, platform=platform, channel=channel,
                consent_version=consent_version.strip()[:20], consent_at=now if consent_version.strip() else None,
                union_share_fen=plan.union_share_fen, platform_share_fen=plan.platform_share_fen,
                worker_share_fen=plan.worker_share_fen, union_payment=_payment(plan.union_share_fen),
                platform_payment=_payment(plan.platform_share_fen), worker_payment=_payment(plan.worker_share_fen),
                enrolled_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise Refused("already_enrolled", _("已经参保了"), field="member", conflict=True) from None
    record_service_event(person=membership.person, kind=ServiceKind.INSURANCE, org=membership.org, at=now, source_id=enrolment.pk)
    audit.record(actor, "insurance.enrol", enrolment, after={"plan": plan.pk, "member_no": membership.member_no, "channel": channel}, org=membership.org)
    return enrolment


@dataclass
class BulkResult:
    enrolled: int = 0
    refused: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def enrol_platform_members(plan: InsurancePlan, platform: Enterprise, *, actor: Actor, now: dt.datetime | None = None) -> BulkResult:
    """Enrol every active member on the platform's active roster (the platform pays its share)."""
    hashes = RosterEntry.objects.filter(enterprise=platform, active=True).values("id_hash")
    result = BulkResult()
    memberships = Membership.objects.select_related("person", "org").filter(person__id_hash__in=hashes, status=Membership.Status.ACTIVE)
    for membership in memberships.order_by("id"):
        try:
            enrol_member(plan, membership, channel=EnrolmentChannel.BULK, actor=actor, now=now)
            result.enrolled += 1
        except Refused as exc:
            code = str(exc.code)
            result.refused[code] = result.refused.get(code, 0) + 1
    audit.record(actor, "insurance.bulk_enrol", plan, after={"platform": platform.pk, "enrolled": result.enrolled}, org=plan.org)
    return result


@transaction.atomic
def record_payment(enrolment: Enrolment, share: str, *, actor: Actor) -> Enrolment:
    """Mark one share (union / platform / worker) paid."""
    if share not in ("union", "platform", "worker"):
        raise ValueError(share)
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    name = f"{share}_payment"
    if getattr(locked, name) != PaymentStatus.DUE:
        raise Refused("not_due", _("这部分保费不是待缴状态"), field=share)
    setattr(locked, name, PaymentStatus.PAID)
    locked.save(update_fields=[name])
    audit.record(actor, "insurance.payment", locked, after={"share": share}, org=locked.membership.org)
    return locked


# --- the insurer's list --------------------------------------------------------------------------

INSURED_COLUMNS = ["投保编号", "会员编号", "姓名", "身份证号码", "手机号码", "平台企业", "保障开始", "保障截止", "工会承担（分）", "平台承担（分）", "个人承担（分）", "承保状态"]


def insured_list_rows(plan: InsurancePlan, *, full_ids: bool = False) -> Iterator[list[Any]]:
    """The insured list in fixed columns (INSURED_COLUMNS). ID numbers and phones are masked;
    `full_ids` is only for export_insured_list_full, which audits it."""
    qs = Enrolment.objects.select_related("person", "membership", "platform").filter(plan=plan, status=EnrolmentStatus.ENROLLED)
    statuses = dict(InsurerStatus.choices)
    for e in qs.order_by("id").iterator(chunk_size=2000):
        person = e.person
        yield [
            e.pk, e.membership.member_no, person.name,
            crypto.decrypt(person.id_enc) if full_ids else person.id_masked,
            crypto.decrypt(person.phone_enc) if full_ids else person.phone_masked,
            e.platform.name if e.platform else "", plan.cover_from, plan.cover_until,
            e.union_share_fen, e.platform_share_fen, e.worker_share_fen, str(statuses[e.insurer_status]),
        ]  # fmt: skip


@transaction.atomic
def export_insured_list_full(plan: InsurancePlan, *, reason: str, actor: Actor) -> list[list[Any]]:
    """Full ID numbers for the insurer: an explicit, audited reveal (SPEC §9). Callers check
    that the user is an admin (benefits.access.require_admin)."""
    if not reason.strip():
        raise Refused("reason_required", _("请说明导出完整身份证号码的理由"), field="reason")
    rows = list(insured_list_rows(plan, full_ids=True))
    audit.record(actor, "reveal.insured_list", plan, after={"rows": len(rows)}, reason=reason.strip(), org=plan.org)
    return rows


@dataclass
class ImportResult:
    updated: int = 0
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, field, code, message)


@transaction.atomic
def import_insurer_statuses(plan: InsurancePlan, rows: Sequence[Mapping[str, Any]], *, actor: Actor) -> ImportResult:
    """The insurer's answer (承保/拒保, policy number) row by row; a bad row is reported with its
    number and field and changes nothing, the good rows are applied."""
    result = ImportResult()
    lookup = choice_lookup(InsurerStatus)
    enrolments = {e.pk: e for e in Enrolment.objects.filter(plan=plan, pk__in=[_int(r.get("enrolment_id")) for r in rows])}
    for number, row in enumerate(rows, start=1):
        enrolment = enrolments.get(_int(row.get("enrolment_id")) or 0)
        status = lookup.get(str(row.get("status") or "").strip())
        if enrolment is None:
            result.errors.append((number, "enrolment_id", "unknown_enrolment", _("这个方案里没有这个投保编号")))
            continue
        if status is None or status == InsurerStatus.PENDING:
            result.errors.append((number, "status", "bad_status", _("承保状态应为“已承保”或“拒保”")))
            continue
        before = enrolment.insurer_status
        enrolment.insurer_status = status
        enrolment.policy_no = str(row.get("policy_no") or "").strip()[:40]
        enrolment.insurer_note = str(row.get("note") or "").strip()[:200]
        enrolment.save(update_fields=["insurer_status", "policy_no", "insurer_note"])
        audit.record(actor, "insurance.insurer_status", enrolment, before={"status": before}, after={"status": status}, org=plan.org)
        result.updated += 1
    return result


def _int(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


# --- incidents -----------------------------------------------------------------------------------


@transaction.atomic
def report_incident(
    enrolment: Enrolment,
    *,
    occurred_at: dt.datetime,
    place: str,
    description: str,
    photos: Sequence[CleanPhoto] = (),
    actor: Actor,
    now: dt.datetime | None = None,
) -> Incident:
    """出险报案 by the insured worker: within the plan's cover period, with checked photos."""
    now = now or timezone.now()
    plan = enrolment.plan
    if enrolment.status != EnrolmentStatus.ENROLLED or enrolment.insurer_status == InsurerStatus.REJECTED:
        raise Refused("not_insured", _("这份保障不在有效状态"), field="enrolment")
    if occurred_at > now or not plan.cover_from <= timezone.localdate(occurred_at) <= plan.cover_until:
        raise Refused("not_covered", _("出险时间不在保障期内"), field="occurred_at")
    if not place.strip() or not description.strip():
        raise Refused("required", _("请填写出险地点和经过"), field="description")
    if len(photos) > MAX_PHOTOS:
        raise Refused("too_many_photos", _("最多上传9张照片"), field="photos")
    incident = Incident.objects.create(
        enrolment=enrolment, occurred_at=occurred_at, place=place.strip()[:200], description=description.strip(), reported_at=now
    )
    IncidentPhoto.objects.bulk_create(
        [IncidentPhoto(incident=incident, file_name=p.file_name, content_type=p.content_type, size_bytes=p.size_bytes, sha256=p.sha256) for p in photos]
    )
    audit.record(actor, "insurance.incident", incident, after={"enrolment": enrolment.pk, "photos": len(photos)}, org=enrolment.membership.org)
    return incident


def view_incident_photo(photo: IncidentPhoto, *, actor: Actor) -> File:
    """An incident photo for staff (the caller found it through benefits.access, in scope): an
    audited read, as a photo of an accident shows a person (SPEC §9). The file is opened before
    the audit row is written, so a missing file records nothing."""
    storage = incident_storage()
    name = photo_file_name(photo.content_type, photo.sha256)
    if not storage.exists(name):
        raise Refused("photo_missing", _("找不到这张照片的文件"), field="photo")
    handle = storage.open(name, "rb")
    incident = photo.incident
    audit.record(
        actor, "reveal.incident_photo", incident, after={"photo": photo.pk, "file_name": photo.file_name},
        org=incident.enrolment.membership.org, related_org=incident.enrolment.plan.org,
    )  # fmt: skip
    return handle
