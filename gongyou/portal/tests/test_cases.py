"""我的诉求 on a phone: a member submits with a photo and follows it; someone who is not a member
verifies their phone and submits; refused files store nothing; nobody sees another's case."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongyou.cases.models import Case, CaseAttachment
from gongyou.cases.services import accept_case, resolve_case
from gongyou.core.actors import COMMAND
from gongyou.portal.tests.conftest import get_code

JPEG = b"\xff\xd8\xff\xe0" + b"jpeg body" * 50


@pytest.fixture
def files_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "case_files"


def _form(**overrides):
    data = {"type": "legal_aid", "topic": "pay", "title": "站点拖欠工资", "description": "十月工资没发", "workers_involved": "1"}
    data.update(overrides)
    return data


def test_the_page_offers_login_or_phone_verification(client, world):
    page = client.get(reverse("portal:cases")).content.decode()
    assert reverse("portal:case_verify") in page and reverse("portal:login") in page
    assert client.get(reverse("portal:case_new")).status_code == 302


def test_a_member_submits_with_a_photo_and_follows_it_in_words(member_client, member, files_dir):
    photo = SimpleUploadedFile("工资条.jpg", JPEG, content_type="image/jpeg")
    response = member_client.post(reverse("portal:case_new"), {**_form(), "photos": [photo]})
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get()
    assert case.membership == member and case.assigned_org == member.org and case.channel == "portal"
    attachment = CaseAttachment.objects.get(case=case)
    assert (files_dir / f"{attachment.sha256}.jpg").read_bytes() == JPEG
    accept_case(case, actor=COMMAND)
    resolve_case(case, actor=COMMAND, note="已追回工资 3000 元")
    page = member_client.get(response["Location"]).content.decode()
    assert "工会受理了你的诉求" in page and "已追回工资 3000 元" in page and "申请重新办理" in page
    file = member_client.get(reverse("portal:case_file", args=[case.case_no, attachment.pk]))
    assert file.status_code == 200 and file.content == JPEG and file["X-Content-Type-Options"] == "nosniff"
    assert case.case_no in member_client.get(reverse("portal:cases")).content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [("x.jpg", b"GIF89a not allowed"), ("x.pdf", b"<html>%PDF-"), ("big.jpg", JPEG + b"0" * (10 * 1024 * 1024))],
)
def test_refused_files_refuse_the_case_and_store_nothing(member_client, files_dir, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = member_client.post(reverse("portal:case_new"), {**_form(), "photos": [upload]})
    assert response.status_code == 400
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()
    assert not files_dir.exists() or not any(files_dir.iterdir())


def test_a_path_for_a_name_never_chooses_where_the_file_lands(member_client, files_dir, tmp_path):
    """Django's upload parser already cuts "../../x" to "x" (gongyou/core/uploads.py refuses a
    path outright where a raw name arrives); either way the file is stored under its digest."""
    upload = SimpleUploadedFile("../../x", JPEG, content_type="image/jpeg")
    member_client.post(reverse("portal:case_new"), {**_form(), "photos": [upload]})
    attachment = CaseAttachment.objects.get()
    assert "/" not in attachment.file_name and ".." not in attachment.file_name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case_files"]
    assert [p.name for p in files_dir.iterdir()] == [f"{attachment.sha256}.jpg"]


def test_someone_who_is_not_a_member_verifies_the_phone_and_submits(client, world, files_dir):
    phone = "13912345678"
    code = get_code(client, phone, "login")
    response = client.post(reverse("portal:case_verify"), {"phone": phone, "sms_code": code, "action": "verify"})
    assert response.status_code == 302
    response = client.post(reverse("portal:case_new"), _form(name="刘七", street_code=world.street.code))
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get()
    assert case.membership is None and case.assigned_org == world.street_fed
    assert case.contact_phone_masked == "139****5678" and phone not in case.contact_phone_enc
    assert case.case_no in client.get(reverse("portal:cases")).content.decode()


def test_a_wrong_code_verifies_nothing(client, world):
    get_code(client, "13912345678", "login")
    response = client.post(reverse("portal:case_verify"), {"phone": "13912345678", "sms_code": "000000", "action": "verify"})
    assert response.status_code == 400
    assert client.get(reverse("portal:case_new")).status_code == 302


def test_a_worker_never_sees_another_workers_case(member_client, make_member, world, files_dir):
    from gongyou.cases.inputs import clean_case
    from gongyou.cases.services import submit_case

    other = make_member(777)
    theirs = submit_case(clean_case(_form(), membership=other), channel="portal", actor=COMMAND)
    assert member_client.get(reverse("portal:case", args=[theirs.case_no])).status_code == 404
    assert member_client.post(reverse("portal:case_reopen", args=[theirs.case_no])).status_code == 404
    assert theirs.case_no not in member_client.get(reverse("portal:cases")).content.decode()
