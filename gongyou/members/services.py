"""Membership services: joining, the membership lifecycle and the 25 rule (SPEC §3).

Every function changes state inside one transaction and writes its audit row and membership
event there too. Callers (views, API, commands) never save these models themselves.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.core import audit, crypto
from gongyou.core.actors import Actor
from gongyou.core.choices import record_language
from gongyou.core.models import Enterprise, Org, Region
from gongyou.core.prepared import PreparedQuery, insert
from gongyou.core.validators import validate_mobile
from gongyou.members.history import add_event
from gongyou.members.inputs import CleanWorker
from gongyou.members.models import (
    FoundingTask,
    FoundingTaskNote,
    Membership,
    Person,
    RosterEntry,
)
from gongyou.members.notes import record_note
from gongyou.members.numbers import new_member_no
from gongyou.members.routing import resolve_union
from gongyou.members.transfers import end_pending_transfer

S = Membership.Status


@dataclass(frozen=True)
class JoinResult:
    membership: Membership
    created: bool
    # The person was unknown until this join (so nothing else can be linked to them yet).
    new_person: bool = False


# A repeat join refreshes the membership's last contact at most this often: the at-risk report
# counts months without contact, and a platform re-sending its workers must not cost a write each.
CONTACT_RESOLUTION = dt.timedelta(hours=1)


def _conflict(message: str, code: str, field: str = "status") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _person_values(worker: CleanWorker) -> dict[str, object]:
    return {
        "name": worker.name,
        "id_enc": crypto.encrypt(worker.id_number),
        "id_masked": crypto.mask_id_number(worker.id_number),
        "phone_hash": worker.phone_hash,
        "phone_enc": crypto.encrypt(worker.phone),
        "phone_masked": crypto.mask_phone(worker.phone),
        "phone_tail_hash": crypto.phone_tail_hash(worker.phone),
        "birth_date": worker.birth_date,
        "sex": worker.sex,
        "labor_relation": worker.labor_relation,
        "industry": worker.industry,
        "employer": worker.employer,
        "station": worker.station,
        "work_street": worker.street,
    }


# The person by ID hash (both keys' hashes: during a data-key rotation the person may not be
# re-hashed yet), row locked: every join that is not a plain repeat asks it, so it is compiled once.
_PERSON_FOR_UPDATE: PreparedQuery[Person] = PreparedQuery(
    lambda id_hashes: Person.objects.select_for_update().filter(id_hash__in=id_hashes).order_by("pk")[:1]
)


def _locked_person(worker: CleanWorker, *, likely_new: bool = False) -> tuple[Person, bool]:
    """Get or create the person by ID hash and lock the row: the lock serialises concurrent
    joins of one person, so only one of them can open a membership. `likely_new`: the caller's
    lock-free lookup has just found no open membership, so the person is most likely unknown and
    is inserted straight away. Either way the insert runs without a savepoint of its own: if
    another request created this person in the meantime (or, with `likely_new`, they existed
    after all), the unique ID-hash index fails it, the whole attempt rolls back and `join_locked`
    tries again — reading, and locking, the row that is now there. Not during a data-key
    rotation: a person not yet re-hashed is stored under the retiring key's hash, which the
    index cannot match against the current one, so they are always read first then."""
    hashes = tuple(crypto.id_hashes(worker.id_number))
    if not likely_new or len(hashes) > 1:
        person = _PERSON_FOR_UPDATE.first(id_hashes=hashes)
        if person is not None:
            return person, False
    person = Person(id_hash=worker.id_hash, **_person_values(worker))
    insert(person)  # gongyou.core.prepared: the INSERT's SQL built once
    return person, True


def find_person(id_number: str) -> Person | None:
    return Person.objects.filter(id_hash__in=crypto.id_hashes(id_number)).first()


def open_membership(person: Person) -> Membership | None:
    return (
        Membership.objects.select_related("org")
        .filter(person=person, status__in=Membership.OPEN_STATUSES)
        .first()
    )


RepeatAnnotations = Callable[[Any], dict[str, Any]]
_REPEAT_QUERIES: dict[tuple[bool, RepeatAnnotations | None], PreparedQuery[Membership]] = {}


def _repeat_query(via_platform: bool, annotations: RepeatAnnotations | None) -> PreparedQuery[Membership]:
    """The repeat join's one lookup, compiled once per shape (gongyou.core.prepared)."""
    key = (via_platform, annotations)
    if key not in _REPEAT_QUERIES:

        def build(id_hashes: tuple[str, ...], enterprise_id: int = 0) -> QuerySet[Membership]:
            query = Membership.objects.select_related("org", "person").filter(
                person__id_hash__in=id_hashes, status__in=Membership.OPEN_STATUSES
            )
            if via_platform:
                linked = Person.platforms.through.objects.filter(person_id=OuterRef("person_id"), enterprise_id=enterprise_id)
                query = query.annotate(on_platform=Exists(linked))
            if annotations:
                query = query.annotate(**annotations(enterprise_id))
            return query.order_by("pk")[:1]

        _REPEAT_QUERIES[key] = PreparedQuery(build)
    return _REPEAT_QUERIES[key]


def lookup_repeat(
    worker: CleanWorker, *, via_enterprise: Enterprise | None = None, annotations: RepeatAnnotations | None = None
) -> tuple[JoinResult | None, bool]:
    """The common repeat join, answered from one indexed lookup (the person's ID hash) without a
    lock or a write: the person already holds an open membership under the same name and, through
    a platform, is already linked to it. None otherwise — the caller takes the locked path, which
    decides every other case (first join, a new platform, a different name, a former member).
    `annotations(enterprise_id)` lets a channel read what it needs about the person in the same
    query: a module-level function (the compiled query is kept per function), its expressions
    given the platform's id (`via_enterprise`) as the one value that changes.
    Also says whether the lookup found an open membership at all: when it did not, the person is
    most likely new (`join_locked(likely_new=...)`)."""
    hashes = tuple(crypto.id_hashes(worker.id_number))
    query = _repeat_query(via_enterprise is not None, annotations)
    if via_enterprise is not None:
        existing = query.first(id_hashes=hashes, enterprise_id=via_enterprise.pk)
    else:
        existing = query.first(id_hashes=hashes)
    if existing is None:
        return None, False
    if existing.person.anonymised_at is not None or existing.person.name != worker.name:
        return None, True
    if via_enterprise is not None and not existing.on_platform:  # type: ignore[attr-defined]
        return None, True
    now = timezone.now()
    if existing.last_contact_at < now - CONTACT_RESOLUTION:
        Membership.objects.filter(pk=existing.pk).update(last_contact_at=now)
        existing.last_contact_at = now
    return JoinResult(existing, False), True


def join(
    worker: CleanWorker,
    *,
    channel: str,
    actor: Actor,
    via_enterprise: Enterprise | None = None,
    campaign: str = "",
) -> JoinResult:
    """Join a worker, idempotently: one person (ID number) holds at most one open membership, so
    a repeated join — by any channel, also racing — returns the existing one (SPEC §3).
    The union comes from the joining rule (members.routing.resolve_union)."""
    result, found = lookup_repeat(worker, via_enterprise=via_enterprise)
    return result or join_locked(
        worker, channel=channel, actor=actor, via_enterprise=via_enterprise, campaign=campaign, likely_new=not found
    )


def join_locked(
    worker: CleanWorker,
    *,
    channel: str,
    actor: Actor,
    via_enterprise: Enterprise | None = None,
    campaign: str = "",
    likely_new: bool = False,
    then: Callable[[JoinResult], None] | None = None,
) -> JoinResult:
    """`join` without the lock-free repeat path (for a caller that has just tried it): the person
    row is locked, so concurrent joins of one person open one membership. Each attempt is one
    transaction (a savepoint inside a caller's) with its audit rows written in one INSERT at its
    end; an attempt that loses a race on a unique index (the person, the one open membership, the
    member number) rolls back whole and the next one starts afresh. `likely_new`: the repeat
    lookup found no open membership (see `_locked_person`). `then(result)` runs inside the
    attempt's transaction and audit block: a channel's own writes that must stand or fall with
    the join (the partner's external id)."""
    for attempt in range(3):
        try:
            with transaction.atomic(), audit.batched():
                result = _join_once(
                    worker, channel=channel, actor=actor, via_enterprise=via_enterprise, campaign=campaign,
                    likely_new=likely_new and attempt == 0,
                )
                if then is not None:
                    then(result)
                return result
        except IntegrityError:
            # Lost a race on the person's or the one-open-membership index (the winner's row is
            # now visible), or drew a taken member number.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _join_once(
    worker: CleanWorker,
    *,
    channel: str,
    actor: Actor,
    via_enterprise: Enterprise | None,
    campaign: str = "",
    likely_new: bool = False,
) -> JoinResult:
    now = timezone.now()
    person, created_person = _locked_person(worker, likely_new=likely_new)
    if not created_person and person.anonymised_at is None and person.name != worker.name:
        raise _conflict(_("姓名与身份证号码登记的信息不一致"), "name_mismatch", field="name")
    linked_to: Enterprise | None = None
    if via_enterprise is not None and (created_person or not person.platforms.filter(pk=via_enterprise.pk).exists()):
        linked_to = via_enterprise
        # Linking a platform decides which partner may look the member up: an audited write, filed
        # under the person's union (once known, below) so its staff see it in their audit list.
        if created_person:  # nothing can be linked to them yet: a plain INSERT
            insert(Person.platforms.through(person_id=person.pk, enterprise_id=via_enterprise.pk))
        else:
            person.platforms.add(via_enterprise)
    existing = None if created_person else open_membership(person)
    if existing is not None:
        if linked_to is not None:
            _record_platform_link(actor, person, linked_to, existing.org)
        Membership.objects.filter(pk=existing.pk).update(last_contact_at=now)
        return JoinResult(existing, False)

    if not created_person:
        # A former member (withdrawn or lapsed) joins again: refresh what they told us now.
        for key, value in _person_values(worker).items():
            setattr(person, key, value)
        person.anonymised_at = None
        person.save()
    routing = resolve_union(worker.work)
    status = S.APPLIED if routing.union.approval_required else S.ACTIVE
    reason = routing.record_reason  # rendered in the record language: once for the row and its event
    # A random number (members.numbers), inserted with the row: a collision with a taken number
    # (one in millions) fails the unique index, and `join_locked` draws again.
    membership = Membership(
        member_no=new_member_no(),
        person=person,
        org=routing.union,
        status=status,
        mode=routing.mode,
        channel=channel,
        routing_reason=reason,
        routing_code=routing.code,
        routing_params=routing.params,
        via_enterprise=via_enterprise,
        campaign=campaign[:40],
        consent_version=worker.consent_version or settings.GONGYOU["PRIVACY_NOTICE_VERSION"],
        consent_at=now,
        joined_at=now if status == S.ACTIVE else None,
        last_contact_at=now,
    )
    insert(membership)
    add_event(
        membership, "applied" if status == S.APPLIED else "joined", actor=actor, note=reason,
        note_code="routing", note_params={"code": routing.code, **routing.params},
    )
    if linked_to is not None:
        _record_platform_link(actor, person, linked_to, routing.union)
    audit.record(
        actor,
        "membership.join",
        membership,
        after={"member_no": membership.member_no, "org": routing.union.pk, "status": status, "channel": channel},
        org=routing.union,
    )
    if routing.mode == Membership.Mode.INDIVIDUAL and worker.employer is not None:
        check_founding_threshold(worker.employer, worker.street, actor=actor)
    return JoinResult(membership, True, new_person=created_person)


def _record_platform_link(actor: Actor, person: Person, platform: Enterprise, union: Org) -> None:
    audit.record(actor, "person.add_platform", person, after={"platform": platform.pk}, org=union)


# --- lifecycle ---------------------------------------------------------------------------------


def _transition(
    membership: Membership,
    *,
    allowed_from: tuple[str, ...],
    to: str,
    kind: str,
    actor: Actor,
    note: str = "",
    note_code: str = "",
    note_params: dict[str, object] | None = None,
) -> Membership:
    locked = Membership.objects.select_for_update().select_related("org").get(pk=membership.pk)
    if locked.status not in allowed_from:
        raise _conflict(
            _("会籍当前状态为“%(status)s”，不能执行此操作") % {"status": locked.get_status_display()},
            "bad_status",
        )
    before = locked.status
    locked.status = to
    now = timezone.now()
    if to == S.ACTIVE and locked.joined_at is None:
        locked.joined_at = now
    if to in (S.WITHDRAWN, S.LAPSED, S.REJECTED):
        locked.ended_at = now
    locked.save(update_fields=["status", "joined_at", "ended_at"])
    add_event(locked, kind, actor=actor, from_status=before, note=note, note_code=note_code, note_params=note_params)
    audit.record(actor, f"membership.{kind}", locked, before={"status": before}, after={"status": to}, reason=note, org=locked.org)
    return locked


@transaction.atomic
def approve_membership(membership: Membership, *, actor: Actor) -> Membership:
    return _transition(membership, allowed_from=(S.APPLIED,), to=S.ACTIVE, kind="approved", actor=actor)


@transaction.atomic
def reject_application(membership: Membership, *, reason: str, actor: Actor) -> Membership:
    if not reason.strip():
        raise _conflict(_("请填写不予通过的理由"), "reason_required", field="reason")
    return _transition(membership, allowed_from=(S.APPLIED,), to=S.REJECTED, kind="rejected", actor=actor, note=reason)


@transaction.atomic
def suspend_membership(membership: Membership, *, reason: str, actor: Actor) -> Membership:
    return _transition(membership, allowed_from=(S.ACTIVE,), to=S.SUSPENDED, kind="suspended", actor=actor, note=reason)


@transaction.atomic
def reinstate_membership(membership: Membership, *, actor: Actor) -> Membership:
    return _transition(membership, allowed_from=(S.SUSPENDED, S.LAPSED), to=S.ACTIVE, kind="reinstated", actor=actor)


@transaction.atomic
def withdraw_membership(
    membership: Membership, *, reason: str, actor: Actor, reason_code: str = "", reason_params: dict[str, object] | None = None
) -> Membership:
    """`reason` as typed; with `reason_code` (members.notes: "leave" with its "choice", or a
    system-written code) the history shows it in the reader's language, the typed words as typed."""
    if not reason.strip() and not reason_code:
        raise _conflict(_("请填写退会原因"), "reason_required", field="reason")
    params = {**(reason_params or {}), "reason": reason.strip()} if reason_code else None
    note = record_note(reason_code, params or {}) if reason_code else reason
    return _transition(
        membership, allowed_from=(S.ACTIVE, S.SUSPENDED, S.APPLIED), to=S.WITHDRAWN, kind="withdrawn", actor=actor,
        note=note, note_code=reason_code, note_params=params,
    )


@transaction.atomic
def lapse_membership(membership: Membership, *, reason: str, actor: Actor) -> Membership:
    return _transition(membership, allowed_from=(S.ACTIVE, S.SUSPENDED), to=S.LAPSED, kind="lapsed", actor=actor, note=reason)


# --- the 25 rule -------------------------------------------------------------------------------


def individual_members(enterprise: Enterprise, street: Region | None = None) -> QuerySet[Membership]:
    """Open individual memberships of people working for the enterprise (optionally in one street)."""
    qs = Membership.objects.filter(
        status__in=Membership.OPEN_STATUSES, mode=Membership.Mode.INDIVIDUAL, person__employer=enterprise
    ).exclude(status=S.TRANSFERRING)
    if street is not None:
        qs = qs.filter(person__work_street=street)
    return qs


def check_founding_threshold(enterprise: Enterprise, street: Region, *, actor: Actor) -> FoundingTask | None:
    """When ≥ 25 individual members work for one enterprise inside a street federation's area,
    that federation gets one open task to guide the enterprise to found a union
    (seed §二(一)3: 街镇总工会指导推动个体入会职工达到25人以上的单位直接建立工会)."""
    if enterprise.active_union() is not None:
        return None
    federation = (
        Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, region=street, status=Org.Status.ACTIVE)
        .order_by("id")
        .first()
    )
    if federation is None:
        return None
    existing = FoundingTask.objects.filter(
        federation=federation, enterprise=enterprise, status=FoundingTask.Status.OPEN
    ).first()
    count = individual_members(enterprise, street).count()
    if existing is not None:
        if existing.member_count != count:
            FoundingTask.objects.filter(pk=existing.pk).update(member_count=count)
        return existing
    if count < settings.GONGYOU["FOUNDING_TASK_THRESHOLD"]:
        return None
    try:
        with transaction.atomic():
            task = FoundingTask.objects.create(federation=federation, enterprise=enterprise, member_count=count)
    except IntegrityError:
        return FoundingTask.objects.get(federation=federation, enterprise=enterprise, status=FoundingTask.Status.OPEN)
    audit.record(actor, "founding_task.open", task, after={"enterprise": enterprise.pk, "count": count}, org=federation)
    return task


def open_founding_task(enterprise: Enterprise, *, federation: Org, actor: Actor) -> tuple[FoundingTask, bool]:
    """Open a task for `federation` to guide an enterprise without a union to found one, by
    hand (the gap list, seed §三(一): 排查建会盲区和空白点), whatever its member count; returns
    (task, created). One open task per federation and enterprise: an open one is returned."""
    existing = FoundingTask.objects.filter(federation=federation, enterprise=enterprise, status=FoundingTask.Status.OPEN).first()
    if existing is not None:
        return existing, False
    count = individual_members(enterprise).count()
    try:
        with transaction.atomic():
            task = FoundingTask.objects.create(federation=federation, enterprise=enterprise, member_count=count)
    except IntegrityError:
        return FoundingTask.objects.get(federation=federation, enterprise=enterprise, status=FoundingTask.Status.OPEN), False
    audit.record(actor, "founding_task.open", task, after={"enterprise": enterprise.pk, "count": count, "source": "gap_list"}, org=federation)
    return task, True


def close_founding_tasks(enterprise: Enterprise, *, union: Org, actor: Actor) -> int:
    """The enterprise founded its union: every open founding task for it is done."""
    closed = 0
    for task in FoundingTask.objects.select_for_update().filter(enterprise=enterprise, status=FoundingTask.Status.OPEN):
        task.status = FoundingTask.Status.CLOSED
        task.closed_at = timezone.now()
        task.founded_union = union
        with record_language():
            task.closed_reason = _("企业已建立工会：%(org)s") % {"org": union.name}
        task.save(update_fields=["status", "closed_at", "founded_union", "closed_reason"])
        audit.record(actor, "founding_task.close", task, after={"union": union.pk}, org=task.federation)
        closed += 1
    return closed


_UNCHANGED: Any = object()


@transaction.atomic
def update_founding_task(
    task: FoundingTask,
    *,
    actor: Actor,
    assignee_id: int | None = _UNCHANGED,
    close_reason: str = "",
) -> FoundingTask:
    """Assignee (None clears it; omitted leaves it) and closing with a reason. What was done is
    written to the follow-up log (add_founding_task_note), not here."""
    locked = FoundingTask.objects.select_for_update().get(pk=task.pk)
    before = audit.snapshot(locked, ["assignee", "status"])
    if assignee_id is not _UNCHANGED:
        locked.assignee_id = assignee_id
    if close_reason:
        if locked.status != FoundingTask.Status.OPEN:
            raise _conflict(_("任务已经关闭"), "already_closed")
        locked.status = FoundingTask.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_reason = close_reason
    locked.save()
    audit.record(actor, "founding_task.update", locked, before=before, after=audit.snapshot(locked, ["assignee", "status"]), org=locked.federation)
    return locked


FOLLOW_UP_MAX = 2000


@transaction.atomic
def add_founding_task_note(task: FoundingTask, text: str, *, actor: Actor) -> FoundingTaskNote:
    """A dated entry in the task's follow-up log, by the acting officer. Entries are only ever
    added, so the record of guiding the enterprise (seed §二(一)3) keeps every step."""
    text = (text or "").strip()
    if not text:
        raise _conflict(_("请填写跟进内容"), "required", field="text")
    if len(text) > FOLLOW_UP_MAX:
        raise _conflict(_("跟进内容不能超过%(n)d个字") % {"n": FOLLOW_UP_MAX}, "too_long", field="text")
    note = FoundingTaskNote.objects.create(task=task, author_id=actor.user_id, author_label=actor.label[:80], text=text)
    audit.record(actor, "founding_task.note", task, after={"text": text}, org=task.federation)
    return note


def at_risk_memberships(now: dt.datetime | None = None, months: int | None = None) -> QuerySet[Membership]:
    """Members at risk of being lost (会员流动不流失): active members who have left every roster
    they were on, or with no contact for N months."""
    now = now or timezone.now()
    months = months or settings.GONGYOU["AT_RISK_NO_CONTACT_MONTHS"]
    cutoff = now - dt.timedelta(days=30 * months)
    # Two index-driven sets joined by UNION, not an OR of EXISTS probes: at a city's million
    # members that OR was two roster look-ups per active member on every home page (issue 13
    # part 7). "On a roster but on no active one" is the same as "on an inactive roster row and
    # on no active one", and inactive rows are few (the partial index roster_left).
    still_on = RosterEntry.objects.filter(active=True, id_hash=OuterRef("id_hash"))
    left = RosterEntry.objects.filter(active=False).filter(~Exists(still_on)).values("id_hash")
    active = Membership.objects.filter(status=S.ACTIVE)
    no_contact = active.filter(last_contact_at__lt=cutoff).values("pk")
    off_rosters = active.filter(person__id_hash__in=left).values("pk")
    return Membership.objects.filter(pk__in=no_contact.union(off_rosters))


# --- personal data ------------------------------------------------------------------------------

REVEALABLE = {"id_number": "id_enc", "phone": "phone_enc"}


def reveal_person_field(person: Person, field: str, *, actor: Actor, reason: str, org: Org | None = None) -> str:
    """Show one sensitive value in full. Always an explicit, audited act with a reason (PIPL;
    SPEC §9): the audit row is written before the plaintext leaves this function."""
    if field not in REVEALABLE:
        raise _conflict(_("只能查看身份证号码或手机号码"), "bad_field", field="field")
    if not reason.strip():
        raise _conflict(_("查看完整信息需要填写理由"), "reason_required", field="reason")
    if person.anonymised_at is not None:
        raise _conflict(_("该劳动者已撤回同意，个人信息已删除"), "anonymised", field="field")
    audit.record(actor, f"reveal.{field}", person, reason=reason.strip(), org=org)
    return crypto.decrypt(getattr(person, REVEALABLE[field]))


# --- worker self-service (portal) -----------------------------------------------------------------


@transaction.atomic
def change_phone(person: Person, phone: str, *, actor: Actor) -> Person:
    """A member's new mobile number (verified by SMS by the caller). The audit row keeps only
    masked numbers: the log is kept for months and must not become a copy of the registry."""
    try:
        phone = validate_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.error_list}) from exc
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.anonymised_at is not None:
        raise _conflict(_("该劳动者已撤回同意，个人信息已删除"), "anonymised", field="phone")
    new_hash = crypto.phone_hash(phone)
    if new_hash == locked.phone_hash:
        raise _conflict(_("新手机号与原手机号相同"), "same_phone", field="phone")
    before = {"phone": locked.phone_masked}
    locked.phone_hash = new_hash
    locked.phone_enc = crypto.encrypt(phone)
    locked.phone_masked = crypto.mask_phone(phone)
    locked.phone_tail_hash = crypto.phone_tail_hash(phone)
    locked.save(update_fields=["phone_hash", "phone_enc", "phone_masked", "phone_tail_hash", "updated_at"])
    membership = open_membership(locked)
    audit.record(
        actor, "person.change_phone", locked, before=before, after={"phone": locked.phone_masked},
        org=membership.org if membership else None,
    )
    return locked


ANONYMISED_NAME = "已注销"


@transaction.atomic
def withdraw_consent(person: Person, *, actor: Actor, reason: str = "") -> Person:
    """The worker withdraws consent to processing (PIPL art. 15, 47): drop what identifies them —
    name, ID number, phone, birth date, sex — and end an open membership (withdrawn). The
    membership record and its event history stay (union records, SPEC §3 "nothing is deleted");
    the lookup hashes become random so the same ID number can join again as a new person."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.anonymised_at is not None:
        raise _conflict(_("个人信息已经删除，无需重复操作"), "already_anonymised", field="person")
    typed = reason.strip()
    code = "" if typed else "consent_withdrawn"
    note = typed or record_note(code, {})
    membership = open_membership(locked)
    if membership is not None:
        if membership.status == S.TRANSFERRING:
            end_pending_transfer(membership, actor=actor, note=typed, note_code=code)
        membership = withdraw_membership(membership, reason=typed, reason_code=code, actor=actor)
    locked.name = ANONYMISED_NAME
    locked.id_hash = secrets.token_hex(32)
    locked.id_enc = crypto.encrypt("")
    locked.id_masked = ""
    locked.phone_hash = secrets.token_hex(32)
    locked.phone_enc = crypto.encrypt("")
    locked.phone_masked = ""
    locked.phone_tail_hash = ""
    locked.birth_date = None
    locked.sex = ""
    locked.anonymised_at = timezone.now()
    locked.save()
    audit.record(actor, "person.withdraw_consent", locked, reason=note, org=membership.org if membership else None)
    return locked
