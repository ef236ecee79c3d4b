"""Cleaning what staff type for meetings, action items, agreements, notices and reports, every
field's error at once with a stable code (STYLE §5). Files are checked by their first bytes and
size, never by the name the sender gave them."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from gongyou.core.choices import Industry
from gongyou.core.errors import FieldErrors
from gongyou.core.errors import text_field as _text
from gongyou.core.models import Org
from gongyou.voice.vocab import (
    ENTERPRISE_PARTIES,
    AgreementKind,
    AgreementStatus,
    NoticeAudience,
    PartyKind,
    Subject,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
# PDF, images, and the zip container of .docx/.xlsx: what a report or an evidence file is.
FILE_SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"PK\x03\x04": ("application/zip", ".zip"),
}
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _date(data: Mapping[str, Any], key: str, errors: FieldErrors, *, required: bool = True) -> dt.date | None:
    value = data.get(key)
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            errors.add_code(key, _("必填"), "required")
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        errors.add_code(key, _("日期格式应为 YYYY-MM-DD"), "invalid_date")
    return parsed


# --- consultations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanParty:
    kind: str
    name: str
    attendees: str
    enterprise_id: int | None


@dataclass(frozen=True)
class CleanMeeting:
    title: str
    held_on: dt.date
    place: str
    minutes: str
    parties: list[CleanParty]


def clean_party(row: Mapping[str, Any], errors: FieldErrors, field: str = "parties") -> CleanParty | None:
    kind = str(row.get("kind") or "").strip()
    name = str(row.get("name") or "").strip()
    enterprise = str(row.get("enterprise") or "").strip()
    if kind not in PartyKind.values:
        errors.add_code(field, _("请选择参会方类型"), "bad_kind")
        return None
    if not name or len(name) > 128:
        errors.add_code(field, _("请填写参会单位名称（不超过 128 个字）"), "bad_name")
        return None
    enterprise_id = int(enterprise) if enterprise.isdigit() else None
    if enterprise_id is not None and kind not in ENTERPRISE_PARTIES:
        errors.add_code(field, _("只有平台企业和关联企业可以关联企业"), "not_enterprise_party")
        return None
    return CleanParty(kind, name, str(row.get("attendees") or "").strip()[:300], enterprise_id)


def missing_kinds_text(needed: set[str], present: set[str]) -> str:
    """"五方会商缺少：…" naming the kinds of party in `needed` that `present` lacks; "" when none."""
    missing = [str(PartyKind(k).label) for k in PartyKind.values if k in needed and k not in present]
    return _("五方会商缺少：%(kinds)s") % {"kinds": "、".join(missing)} if missing else ""


def clean_meeting(
    data: Mapping[str, Any], parties: Sequence[Mapping[str, Any]], *, need_parties: bool = True
) -> CleanMeeting:
    """A meeting and its parties. A five-party consultation has a party of each of the five kinds
    (seed Annex 3 §三4: unions, government departments, platforms, their affiliates, workers)."""
    errors = FieldErrors()
    title = _text(data, "title", 128, errors)
    held_on = _date(data, "held_on", errors)
    place = _text(data, "place", 200, errors)
    minutes = str(data.get("minutes") or "").strip()
    cleaned = [clean_party(row, errors) for row in parties if any(str(v or "").strip() for v in row.values())]
    ok = [p for p in cleaned if p is not None]
    if need_parties and len(ok) == len(cleaned):
        missing = missing_kinds_text(set(PartyKind.values), {p.kind for p in ok})
        if missing:
            errors.add_code("parties", missing, "missing_party_kinds")
    errors.raise_if_any()
    assert held_on is not None
    return CleanMeeting(title, held_on, place, minutes, ok)


@dataclass(frozen=True)
class CleanItem:
    title: str
    due_on: dt.date


def clean_item(data: Mapping[str, Any]) -> CleanItem:
    errors = FieldErrors()
    title = _text(data, "title", 200, errors)
    due_on = _date(data, "due_on", errors)
    errors.raise_if_any()
    assert due_on is not None
    return CleanItem(title, due_on)


# --- agreements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanAgreement:
    title: str
    kind: str
    industry: str
    region_id: int
    subjects: list[str]
    employer_side: str
    status: str
    signed_on: dt.date | None
    effective_from: dt.date | None
    effective_to: dt.date | None
    workers_covered: int
    notes: str


def clean_agreement(data: Mapping[str, Any], subjects: list[str]) -> CleanAgreement:
    """A signed agreement has its signing date and the date it takes effect; it expires no
    earlier than it starts."""
    errors = FieldErrors()
    title = _text(data, "title", 160, errors)
    kind = str(data.get("kind") or "")
    if kind not in AgreementKind.values:
        errors.add_code("kind", _("请选择类型"), "bad_kind")
    industry = str(data.get("industry") or "")
    if industry not in Industry.values:
        errors.add_code("industry", _("请选择行业"), "bad_industry")
    region = str(data.get("region") or "").strip()
    if not region.isdigit():
        errors.add_code("region", _("请选择适用区域"), "required")
    chosen = [s for s in dict.fromkeys(subjects) if s]
    if not chosen or any(s not in Subject.values for s in chosen):
        errors.add_code("subjects", _("请选择协商内容"), "bad_subjects")
    employer_side = _text(data, "employer_side", 200, errors)
    status = str(data.get("status") or AgreementStatus.PROPOSED)
    if status not in AgreementStatus.values:
        errors.add_code("status", _("状态取值无效"), "bad_status")
    signed_on = _date(data, "signed_on", errors, required=status == AgreementStatus.SIGNED)
    effective_from = _date(data, "effective_from", errors, required=status == AgreementStatus.SIGNED)
    effective_to = _date(data, "effective_to", errors, required=False)
    if effective_from and effective_to and effective_to < effective_from:
        errors.add_code("effective_to", _("期满日期不能早于生效日期"), "ends_before_start")
    workers = str(data.get("workers_covered") or "0").strip()
    if not workers.isdigit() or int(workers) > 10_000_000:
        errors.add_code("workers_covered", _("覆盖职工人数应为不小于 0 的整数"), "bad_number")
    errors.raise_if_any()
    return CleanAgreement(
        title, kind, industry, int(region), chosen, employer_side, status, signed_on, effective_from, effective_to,
        int(workers), str(data.get("notes") or "").strip(),
    )  # fmt: skip


# --- notices and reports ----------------------------------------------------------------------


@dataclass(frozen=True)
class CleanNotice:
    title: str
    body: str
    audience: str
    kinds: list[str]
    org_ids: list[int]
    to_members: bool


def clean_notice(data: Mapping[str, Any], kinds: list[str], org_ids: list[str]) -> CleanNotice:
    errors = FieldErrors()
    title = _text(data, "title", 160, errors)
    body = _text(data, "body", 20000, errors)
    audience = str(data.get("audience") or NoticeAudience.ALL)
    chosen_kinds = [k for k in dict.fromkeys(kinds) if k in Org.Kind.values]
    chosen_orgs = [int(v) for v in dict.fromkeys(org_ids) if str(v).isdigit()]
    if audience not in NoticeAudience.values:
        errors.add_code("audience", _("发送范围取值无效"), "bad_audience")
    elif audience == NoticeAudience.KINDS and not chosen_kinds:
        errors.add_code("kinds", _("请选择接收组织的类型"), "required")
    elif audience == NoticeAudience.CHOSEN and not chosen_orgs:
        errors.add_code("orgs", _("请选择接收组织"), "required")
    errors.raise_if_any()
    return CleanNotice(
        title, body, audience, chosen_kinds, chosen_orgs, str(data.get("to_members") or "") in ("1", "on", "true")
    )


@dataclass(frozen=True)
class CleanReport:
    title: str
    body: str


def clean_report(data: Mapping[str, Any]) -> CleanReport:
    errors = FieldErrors()
    title = _text(data, "title", 160, errors)
    body = _text(data, "body", 20000, errors)
    errors.raise_if_any()
    return CleanReport(title, body)


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    extension: str
    size: int
    sha256: str
    content: bytes


def clean_file(file_name: str, size: int, content: bytes, field: str = "file") -> CleanFile:
    """PDF, JPEG, PNG, or a Word/Excel file (.docx/.xlsx), at most 10 MB, recognised by its
    first bytes. Only the last part of the name is kept (a name like ../../x is just "x")."""
    errors = FieldErrors()
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:120] or "file"
    if size <= 0:
        errors.add_code(field, _("文件是空的"), "empty")
    elif size > MAX_FILE_BYTES:
        errors.add_code(field, _("文件不能超过 10 MB"), "too_large")
    found = next((v for sig, v in FILE_SIGNATURES.items() if content.startswith(sig)), None)
    content_type, extension = found or ("", "")
    if found and content_type == "application/zip":
        extension = "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""
        content_type = OFFICE_TYPES.get(extension, "")
    if not content_type and not errors.errors:
        errors.add_code(field, _("只能上传 PDF、JPEG、PNG、Word（.docx）或 Excel（.xlsx）文件"), "bad_type")
    errors.raise_if_any()
    return CleanFile(base, content_type, extension, size, hashlib.sha256(content).hexdigest(), content)


# --- the departments' task board ---------------------------------------------------------------


@dataclass(frozen=True)
class CleanTask:
    title: str
    description: str
    due_on: dt.date | None


def clean_department_name(data: Mapping[str, Any]) -> str:
    errors = FieldErrors()
    name = _text(data, "name", 120, errors)
    errors.raise_if_any()
    return name


def clean_task(data: Mapping[str, Any]) -> CleanTask:
    errors = FieldErrors()
    title = _text(data, "title", 200, errors)
    description = _text(data, "description", 4000, errors, required=False)
    due_on = _date(data, "due_on", errors, required=False)
    errors.raise_if_any()
    return CleanTask(title, description, due_on)


@dataclass(frozen=True)
class CleanProgress:
    progress: int
    note: str


def clean_progress(data: Mapping[str, Any]) -> CleanProgress:
    """A progress report: a whole percentage 0–100 and what was done."""
    errors = FieldErrors()
    raw = str(data.get("progress") or "").strip().rstrip("%").strip()
    progress = int(raw) if raw.isdigit() else -1
    if not 0 <= progress <= 100:
        errors.add_code("progress", _("进度应为 0 到 100 之间的整数"), "bad_progress")
    note = _text(data, "note", 4000, errors, required=False)
    errors.raise_if_any()
    return CleanProgress(progress, note)
