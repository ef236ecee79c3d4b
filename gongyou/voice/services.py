"""Writes of consultations, agreements, notices and reports (SPEC §6; seed §二(二)9, Annex 3
§三3–5). Every function runs in one transaction and writes its audit row there; callers have
checked that the object is in the actor's scope (voice.access) and that they may write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.cases.models import Case, Warning
from gongyou.core import audit
from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise, Org, OrgReach, Region
from gongyou.voice.errors import Refused
from gongyou.voice.inputs import (
    CleanAgreement,
    CleanFile,
    CleanItem,
    CleanMeeting,
    CleanNotice,
    CleanParty,
    CleanProgress,
    CleanReport,
    CleanTask,
    missing_kinds_text,
)
from gongyou.voice.models import (
    ActionItem,
    Agreement,
    Attachment,
    Department,
    DepartmentTask,
    DepartmentTaskUpdate,
    Meeting,
    Notice,
    NoticeReceipt,
    Party,
    Report,
    Resolution,
    Topic,
)
from gongyou.voice.vocab import AGREEMENT_NEXT, AgreementStatus, ItemStatus, NoticeAudience, TaskStatus

User = AbstractBaseUser | AnonymousUser

# --- files ------------------------------------------------------------------------------------


def file_storage() -> FileSystemStorage:
    """Outside the web root: a file is served only by the console page it belongs to."""
    return FileSystemStorage(location=settings.VAR_DIR / "voice_files")


def stored_name(attachment: Attachment) -> str:
    extension = {v: k for k, v in _EXTENSIONS.items()}.get(attachment.content_type, "")
    return attachment.sha256 + extension


_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attachment_content(attachment: Attachment) -> bytes | None:
    """A stored file's bytes (at most inputs.MAX_FILE_BYTES), or None when it is gone from disk."""
    storage = file_storage()
    name = stored_name(attachment)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        content: bytes = handle.read()
    return content


def store_file(file: CleanFile) -> Attachment:
    """Record a checked file and write it, once per content, named by its hash (never by the
    name it came with). Called inside the caller's transaction."""
    attachment = Attachment.objects.create(
        name=file.name, content_type=file.content_type, size=file.size, sha256=file.sha256
    )
    storage = file_storage()
    name = stored_name(attachment)
    if not storage.exists(name):
        storage.save(name, ContentFile(file.content))
    return attachment


# --- consultations ----------------------------------------------------------------------------


def _enterprise(pk: int | None) -> Enterprise | None:
    if pk is None:
        return None
    found = Enterprise.objects.filter(pk=pk).first()
    if found is None:
        raise Refused("unknown_enterprise", _("找不到这家企业"), field="parties")
    return found


@transaction.atomic
def create_meeting(org: Org, data: CleanMeeting, *, actor: Actor) -> Meeting:
    """A five-party consultation convened by `org` (seed Annex 3 §三4), with its parties."""
    meeting = Meeting.objects.create(
        org=org, title=data.title, held_on=data.held_on, place=data.place, minutes=data.minutes
    )
    for p in data.parties:
        Party.objects.create(
            meeting=meeting, kind=p.kind, name=p.name, attendees=p.attendees, enterprise=_enterprise(p.enterprise_id)
        )
    audit.record(
        actor,
        "voice.create_meeting",
        meeting,
        after={
            "title": data.title,
            "held_on": str(data.held_on),
            "parties": [f"{p.kind}:{p.name}" for p in data.parties],
        },
        org=org,
    )
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, data: CleanMeeting, *, actor: Actor) -> Meeting:
    """Date, place, title and minutes (parties are added one by one: action items refer to them)."""
    fields = ["title", "held_on", "place", "minutes"]
    before = audit.snapshot(meeting, fields)
    meeting.title, meeting.held_on, meeting.place, meeting.minutes = data.title, data.held_on, data.place, data.minutes
    meeting.save(update_fields=fields)
    audit.record(
        actor, "voice.update_meeting", meeting, before=before, after=audit.snapshot(meeting, fields), org=meeting.org
    )
    return meeting


@transaction.atomic
def add_party(
    meeting: Meeting, kind: str, name: str, attendees: str, enterprise_id: int | None, *, actor: Actor
) -> Party:
    party = Party.objects.create(
        meeting=meeting, kind=kind, name=name, attendees=attendees, enterprise=_enterprise(enterprise_id)
    )
    audit.record(
        actor, "voice.add_party", party, after={"meeting": meeting.pk, "kind": kind, "name": name}, org=meeting.org
    )
    return party


def _topic_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > 200:
        raise Refused("bad_title", _("请填写议题（不超过 200 个字）"), field="title")
    return title


def _resolution_text(meeting_id: int, text: str, topic: Topic | None) -> str:
    """A resolution's text, checked, under a topic of its own meeting (or none)."""
    text = text.strip()
    if not text:
        raise Refused("required", _("请填写决议内容"), field="text")
    if topic is not None and topic.meeting_id != meeting_id:
        raise Refused("bad_topic", _("议题不属于这次会商"), field="topic")
    return text


def _check_item_links(meeting_id: int, owner: Party, resolution: Resolution | None) -> None:
    """An action item's owner and resolution belong to its own meeting."""
    if owner.meeting_id != meeting_id:
        raise Refused("bad_owner", _("责任方必须是本次会商的参会方"), field="owner")
    if resolution is not None and resolution.meeting_id != meeting_id:
        raise Refused("bad_resolution", _("决议不属于这次会商"), field="resolution")


@transaction.atomic
def add_topic(meeting: Meeting, title: str, description: str = "", *, actor: Actor) -> Topic:
    title = _topic_title(title)
    topic = Topic.objects.create(meeting=meeting, title=title, description=description.strip())
    audit.record(actor, "voice.add_topic", topic, after={"meeting": meeting.pk, "title": title}, org=meeting.org)
    return topic


@transaction.atomic
def link_topic(topic: Topic, *, cases: Sequence[Case] = (), warnings: Sequence[Warning] = (), actor: Actor) -> Topic:
    """Link a topic to the cases and early warnings it takes up. The caller has found each one
    in the actor's scope (cases.access). Linking twice changes nothing."""
    topic.cases.add(*cases)
    topic.warnings.add(*warnings)
    audit.record(
        actor,
        "voice.link_topic",
        topic,
        after={"cases": [c.case_no for c in cases], "warnings": [w.pk for w in warnings]},
        org=topic.meeting.org,
    )
    return topic


@transaction.atomic
def add_resolution(meeting: Meeting, text: str, topic: Topic | None = None, *, actor: Actor) -> Resolution:
    text = _resolution_text(meeting.pk, text, topic)
    resolution = Resolution.objects.create(meeting=meeting, topic=topic, text=text)
    audit.record(
        actor, "voice.add_resolution", resolution, after={"meeting": meeting.pk, "text": text[:200]}, org=meeting.org
    )
    return resolution


@transaction.atomic
def add_action_item(
    meeting: Meeting, data: CleanItem, *, owner: Party, resolution: Resolution | None = None, actor: Actor
) -> ActionItem:
    """An action item owned by one party of the meeting, due on a date."""
    _check_item_links(meeting.pk, owner, resolution)
    item = ActionItem.objects.create(
        meeting=meeting, resolution=resolution, owner=owner, title=data.title, due_on=data.due_on
    )
    audit.record(
        actor,
        "voice.add_action_item",
        item,
        after={"meeting": meeting.pk, "owner": owner.name, "title": data.title, "due_on": str(data.due_on)},
        org=meeting.org,
    )
    return item


@transaction.atomic
def complete_action_item(
    item: ActionItem, *, done_on: dt.date, evidence: str, file: CleanFile | None = None, actor: Actor
) -> ActionItem:
    """Mark an item done on a date with what shows it (text, a file or both). Done is final; a
    done date cannot lie in the future."""
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.DONE:
        raise Refused("already_done", _("这个事项已经完成"), conflict=True)
    if done_on > timezone.localdate():
        raise Refused("future_date", _("完成日期不能晚于今天"), field="done_on")
    evidence = evidence.strip()
    if not evidence and file is None:
        raise Refused("evidence_required", _("请填写完成情况或上传佐证材料"), field="evidence")
    item.status, item.done_on, item.evidence = ItemStatus.DONE, done_on, evidence
    item.evidence_file = store_file(file) if file is not None else None
    item.save(update_fields=["status", "done_on", "evidence", "evidence_file"])
    audit.record(
        actor,
        "voice.complete_action_item",
        item,
        after={"done_on": str(done_on), "on_time": item.on_time, "file": file.name if file else ""},
        org=item.meeting.org,
    )
    return item


# --- corrections -------------------------------------------------------------------------------
# A meeting's record is typed in by an officer and must be correctable; each change is audited
# with what was there before. What others rely on is guarded: a five-party meeting keeps a party
# of each kind, a party with action items stays, a done item is final, and an item's deadline
# moves only with a reason while the first one stays on record (ActionItem.original_due_on).


def _keep_every_kind(party: Party, new_kind: str | None) -> None:
    """Refuse giving `party` another kind (or, with None, removing it) when that leaves the meeting
    without a kind of party it had (five-party)."""
    kinds = dict(Party.objects.filter(meeting_id=party.meeting_id).values_list("pk", "kind"))
    before = set(kinds.values())
    kinds.pop(party.pk, None)
    missing = missing_kinds_text(before, {*kinds.values(), *([new_kind] if new_kind else [])})
    if missing:
        raise Refused("missing_party_kinds", missing, field="kind", conflict=True)


@transaction.atomic
def update_party(party: Party, data: CleanParty, *, actor: Actor) -> Party:
    fields = ["kind", "name", "attendees", "enterprise"]
    party = Party.objects.select_for_update().select_related("meeting").get(pk=party.pk)
    if data.kind != party.kind:
        _keep_every_kind(party, data.kind)
    before = audit.snapshot(party, fields)
    party.kind, party.name, party.attendees = data.kind, data.name, data.attendees
    party.enterprise = _enterprise(data.enterprise_id)
    party.save(update_fields=fields)
    audit.record(actor, "voice.update_party", party, before=before, after=audit.snapshot(party, fields), org=party.meeting.org)
    return party


@transaction.atomic
def remove_party(party: Party, *, actor: Actor) -> None:
    party = Party.objects.select_for_update().select_related("meeting").get(pk=party.pk)
    if party.items.exists():
        raise Refused("party_has_items", _("这个参会方还有落实事项，不能删除；请先修改事项的责任方"), conflict=True)
    _keep_every_kind(party, None)
    before = audit.snapshot(party, ["meeting", "kind", "name", "attendees", "enterprise"])
    audit.record(actor, "voice.remove_party", party, before=before, org=party.meeting.org)
    party.delete()


@transaction.atomic
def update_topic(topic: Topic, title: str, description: str = "", *, actor: Actor) -> Topic:
    fields = ["title", "description"]
    before = audit.snapshot(topic, fields)
    topic.title, topic.description = _topic_title(title), description.strip()
    topic.save(update_fields=fields)
    audit.record(actor, "voice.update_topic", topic, before=before, after=audit.snapshot(topic, fields), org=topic.meeting.org)
    return topic


@transaction.atomic
def remove_topic(topic: Topic, *, actor: Actor) -> None:
    """The topic and its links to cases and warnings go; its resolutions stay, without a topic."""
    before = {
        **audit.snapshot(topic, ["meeting", "title", "description"]),
        "cases": list(topic.cases.values_list("case_no", flat=True)),
        "warnings": list(topic.warnings.values_list("pk", flat=True)),
    }
    audit.record(actor, "voice.remove_topic", topic, before=before, org=topic.meeting.org)
    topic.delete()


@transaction.atomic
def unlink_topic(topic: Topic, *, case: Case | None = None, warning: Warning | None = None, actor: Actor) -> Topic:
    """Undo a link made by mistake (the case or warning itself is untouched)."""
    if case is not None:
        topic.cases.remove(case)
    if warning is not None:
        topic.warnings.remove(warning)
    audit.record(
        actor,
        "voice.unlink_topic",
        topic,
        before={"cases": [case.case_no] if case else [], "warnings": [warning.pk] if warning else []},
        org=topic.meeting.org,
    )
    return topic


@transaction.atomic
def update_resolution(resolution: Resolution, text: str, topic: Topic | None = None, *, actor: Actor) -> Resolution:
    text = _resolution_text(resolution.meeting_id, text, topic)
    fields = ["text", "topic"]
    before = audit.snapshot(resolution, fields)
    resolution.text, resolution.topic = text, topic
    resolution.save(update_fields=fields)
    audit.record(
        actor, "voice.update_resolution", resolution, before=before, after=audit.snapshot(resolution, fields),
        org=resolution.meeting.org,
    )
    return resolution


@transaction.atomic
def remove_resolution(resolution: Resolution, *, actor: Actor) -> None:
    """The resolution goes; action items given under it stay, without it."""
    before = {**audit.snapshot(resolution, ["meeting", "text", "topic"]), "text": resolution.text[:200]}
    audit.record(actor, "voice.remove_resolution", resolution, before=before, org=resolution.meeting.org)
    resolution.delete()


def _open_item(item: ActionItem) -> ActionItem:
    item = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if item.status == ItemStatus.DONE:
        raise Refused("already_done", _("这个事项已经完成，不能再修改或删除"), conflict=True)
    return item


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Refused("reason_required", _("请填写原因"), field="reason")
    return reason[:200]


@transaction.atomic
def update_action_item(
    item: ActionItem,
    data: CleanItem,
    *,
    owner: Party,
    resolution: Resolution | None = None,
    reason: str = "",
    actor: Actor,
) -> ActionItem:
    """Correct an open item: its wording, owner, resolution or deadline. Moving the deadline
    needs a reason (it changes what counts as on time); the first deadline stays on record."""
    item = _open_item(item)
    _check_item_links(item.meeting_id, owner, resolution)
    moved = data.due_on != item.due_on
    why = _reason(reason) if moved else reason.strip()[:200]
    fields = ["title", "owner", "resolution", "due_on", "original_due_on"]
    before = audit.snapshot(item, fields)
    if moved and item.original_due_on is None:
        item.original_due_on = item.due_on
    item.title, item.owner, item.resolution, item.due_on = data.title, owner, resolution, data.due_on
    item.save(update_fields=fields)
    audit.record(
        actor, "voice.update_action_item", item, before=before, after=audit.snapshot(item, fields), reason=why,
        org=item.meeting.org,
    )
    return item


@transaction.atomic
def remove_action_item(item: ActionItem, *, reason: str, actor: Actor) -> None:
    """Withdraw an open item entered by mistake (with a reason); a done item is history."""
    item = _open_item(item)
    why = _reason(reason)
    before = audit.snapshot(item, ["meeting", "title", "owner", "due_on", "original_due_on"])
    audit.record(actor, "voice.remove_action_item", item, before=before, reason=why, org=item.meeting.org)
    item.delete()


# --- agreements -------------------------------------------------------------------------------


def _agreement_fields(agreement: Agreement, data: CleanAgreement) -> None:
    agreement.title, agreement.kind, agreement.industry = data.title, data.kind, data.industry
    agreement.region = Region.objects.get(pk=data.region_id)
    agreement.subjects, agreement.employer_side, agreement.status = data.subjects, data.employer_side, data.status
    agreement.signed_on, agreement.effective_from, agreement.effective_to = (
        data.signed_on,
        data.effective_from,
        data.effective_to,
    )
    agreement.workers_covered, agreement.notes = data.workers_covered, data.notes


AGREEMENT_FIELDS = ["title", "kind", "industry", "region", "subjects", "employer_side", "status", "signed_on",
                    "effective_from", "effective_to", "workers_covered", "notes"]  # fmt: skip


def _check_region(org: Org, region_id: int) -> None:
    """An org negotiates for its own region or a part of it (a district for its streets)."""
    region = Region.objects.filter(pk=region_id).select_related("parent").first()
    own = org.region_id
    if region is None or own not in {region.pk, region.parent_id, getattr(region.parent, "parent_id", None)}:
        raise Refused("region_out_of_scope", _("适用区域应在本工会所在区域之内"), field="region")


@transaction.atomic
def create_agreement(org: Org, data: CleanAgreement, enterprises: QuerySet[Enterprise], *, actor: Actor) -> Agreement:
    """A collective negotiation (工资集体协商) opened by the union side `org`, or an agreement
    recorded as already signed."""
    _check_region(org, data.region_id)
    agreement = Agreement(org=org)
    _agreement_fields(agreement, data)
    agreement.save()
    agreement.enterprises.set(enterprises)
    after = audit.snapshot(agreement, AGREEMENT_FIELDS)
    audit.record(
        actor,
        "voice.create_agreement",
        agreement,
        after={**after, "enterprises": sorted(e.pk for e in enterprises)},
        org=org,
    )
    return agreement


@transaction.atomic
def update_agreement(
    agreement: Agreement, data: CleanAgreement, enterprises: QuerySet[Enterprise], *, actor: Actor
) -> Agreement:
    """Edit a negotiation or agreement. Its status moves forward only (proposed → negotiating →
    signed, or failed); signed and failed are final."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if data.status != agreement.status and data.status not in AGREEMENT_NEXT[agreement.status]:  # type: ignore[index]
        labels = {"a": agreement.get_status_display(), "b": AgreementStatus(data.status).label}
        raise Refused("invalid_transition", _("状态不能从“%(a)s”改为“%(b)s”") % labels, field="status", conflict=True)
    _check_region(agreement.org, data.region_id)
    before = {
        **audit.snapshot(agreement, AGREEMENT_FIELDS),
        "enterprises": sorted(agreement.enterprises.values_list("pk", flat=True)),
    }
    _agreement_fields(agreement, data)
    agreement.save()
    agreement.enterprises.set(enterprises)
    after = {**audit.snapshot(agreement, AGREEMENT_FIELDS), "enterprises": sorted(e.pk for e in enterprises)}
    audit.record(actor, "voice.update_agreement", agreement, before=before, after=after, org=agreement.org)
    return agreement


# --- notices down, reports up -----------------------------------------------------------------


def notice_targets(org: Org, audience: str, kinds: list[str], org_ids: list[int]) -> QuerySet[Org]:
    """The active orgs below `org` (its scope, itself excluded) that a notice reaches."""
    below = OrgReach.objects.filter(ancestor=org).exclude(descendant=org).values("descendant_id")
    targets = Org.objects.filter(pk__in=below, status=Org.Status.ACTIVE)
    if audience == NoticeAudience.KINDS:
        targets = targets.filter(kind__in=kinds)
    elif audience == NoticeAudience.CHOSEN:
        targets = targets.filter(pk__in=org_ids)
    return targets.order_by("id")


@transaction.atomic
def send_notice(org: Org, data: CleanNotice, file: CleanFile | None = None, *, actor: Actor) -> Notice:
    """Send a notice down (下达) from `org` to the orgs in its scope it names: all, those of some
    kinds, or chosen ones; optionally also to the members of those orgs (and of `org`), in the
    portal; with a checked file attached, or none. Each receiving org gets a receipt to mark read."""
    targets = list(notice_targets(org, data.audience, data.kinds, data.org_ids))
    if data.audience == NoticeAudience.CHOSEN and len(targets) != len(set(data.org_ids)):
        raise Refused("org_out_of_scope", _("只能发给本工会管辖范围内的组织"), field="orgs")
    if not targets and not data.to_members:
        raise Refused("no_recipients", _("所选范围内没有接收组织"), field="audience")
    notice = Notice.objects.create(
        org=org, title=data.title, body=data.body, audience=data.audience, kinds=data.kinds,
        to_members=data.to_members, sent_by=actor.label[:80],
        attachment=store_file(file) if file is not None else None,
    )  # fmt: skip
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, org=t) for t in targets])
    audit.record(
        actor,
        "voice.send_notice",
        notice,
        after={
            "title": data.title, "audience": data.audience, "orgs": len(targets), "to_members": data.to_members,
            "file": file.name if file is not None else "",
        },  # fmt: skip
        org=org,
    )
    return notice


@transaction.atomic
def mark_notice_read(notice: Notice, org: Org, user: User, *, actor: Actor) -> bool:
    """The first time a staff member of a receiving org opens the notice, it is read for that
    org (by whom, when). True when this call marked it."""
    marked = NoticeReceipt.objects.filter(notice=notice, org=org, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=user.pk
    )
    if marked:
        audit.record(actor, "voice.read_notice", notice, org=org, related_org=notice.org)
    return bool(marked)


@transaction.atomic
def send_report(org: Org, data: CleanReport, file: CleanFile | None = None, *, actor: Actor) -> Report:
    """Report upward (上报): from `org` to its parent org (seed §二(二)9 "收集意见、向上反映")."""
    if org.parent_id is None:
        raise Refused("no_parent", _("本工会没有上级工会"), conflict=True)
    report = Report.objects.create(
        org=org, to_org_id=org.parent_id, title=data.title, body=data.body, sent_by=actor.label[:80],
        attachment=store_file(file) if file is not None else None,
    )  # fmt: skip
    audit.record(
        actor, "voice.send_report", report, after={"title": data.title, "to": org.parent_id}, org=org,
        related_org=report.to_org,
    )  # fmt: skip
    return report


@transaction.atomic
def mark_report_read(report: Report, user: User, *, actor: Actor) -> bool:
    marked = Report.objects.filter(pk=report.pk, read_at__isnull=True).update(read_at=timezone.now(), read_by=user.pk)
    if marked:
        audit.record(actor, "voice.read_report", report, org=report.to_org, related_org=report.org)
    return bool(marked)


# --- the departments' task board (seed Annex 2) ---------------------------------------------------
# A federation keeps the board of the departments it works with; each task's progress is
# recorded with what was done and, to call it done, something that shows it.


@transaction.atomic
def add_department(org: Org, name: str, *, actor: Actor) -> Department:
    if Department.objects.filter(org=org, name=name).exists():
        raise Refused("duplicate_department", _("这个部门已经在任务表上"), field="name", conflict=True)
    department = Department.objects.create(org=org, name=name)
    audit.record(actor, "voice.add_department", department, after={"name": name}, org=org)
    return department


@transaction.atomic
def add_department_task(department: Department, data: CleanTask, *, actor: Actor) -> DepartmentTask:
    task = DepartmentTask.objects.create(
        department=department, title=data.title, description=data.description, due_on=data.due_on
    )
    audit.record(
        actor,
        "voice.add_department_task",
        task,
        after={"department": department.name, "title": data.title, "due_on": str(data.due_on or "")},
        org=department.org,
    )
    return task


def _task_status(progress: int) -> str:
    if progress >= 100:
        return TaskStatus.DONE
    return TaskStatus.IN_PROGRESS if progress > 0 else TaskStatus.NOT_STARTED


@transaction.atomic
def record_task_progress(
    task: DepartmentTask, data: CleanProgress, file: CleanFile | None = None, *, actor: Actor, now: dt.datetime | None = None
) -> DepartmentTaskUpdate:
    """Record what was done on a task and where it stands (0–100 %). Every report says what was
    done or carries a file; 100 % marks it done on that day, and a later report below 100 %
    reopens it."""
    task = DepartmentTask.objects.select_for_update().select_related("department__org").get(pk=task.pk)
    now = now or timezone.now()
    if not data.note and file is None:
        raise Refused("evidence_required", _("请填写进展情况或上传佐证材料"), field="note")
    before = audit.snapshot(task, ["progress", "status"])
    update = DepartmentTaskUpdate.objects.create(
        task=task, at=now, progress=data.progress, note=data.note,
        evidence=store_file(file) if file is not None else None, recorded_by=actor.label[:80],
    )  # fmt: skip
    task.progress, task.status, task.updated_at = data.progress, _task_status(data.progress), now
    task.done_on = timezone.localdate(now) if task.status == TaskStatus.DONE else None
    task.save(update_fields=["progress", "status", "updated_at", "done_on"])
    audit.record(
        actor,
        "voice.record_task_progress",
        task,
        before=before,
        after={**audit.snapshot(task, ["progress", "status"]), "file": file.name if file else ""},
        reason=data.note[:200],
        org=task.department.org,
    )
    return update
