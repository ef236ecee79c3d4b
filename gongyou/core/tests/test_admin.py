"""The Django admin: superusers only, read-only, personal data masked."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Person
from gongyou.members.roster import upsert_roster
from gongyou.members.services import join
from gongyou.partners.models import PartnerCredential
from gongyou.partners.services import issue_partner_token

OURS = ("core", "members", "partners")


@pytest.fixture
def data(world):
    data = worker_data(1)
    join(clean_worker(data), channel="qr", actor=Actor.worker())
    roster = {**worker_data(2, labor_relation="employee"), "external_id": "r-2"}
    upsert_roster(world.platform, [roster], actor=COMMAND)
    issue_partner_token(world.platform, actor=COMMAND)
    return data


@pytest.fixture(autouse=True)
def _admin_enabled(settings):
    settings.GONGYOU_ADMIN_ENABLED = True


@pytest.fixture
def superuser_client(client, passed_second_factor):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "Root-pass-2026!")
    client.force_login(user)
    passed_second_factor(client)
    return client


def registered():
    return [(m, a) for m, a in admin.site._registry.items() if m._meta.app_label in OURS]


def test_every_page_opens_read_only_for_a_superuser(data, superuser_client):
    assert len(registered()) >= 12
    for model, _model_admin in registered():
        opts = model._meta
        changelist = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        obj = model.objects.first()
        if obj is None:
            continue
        page = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert page.status_code == 200, opts.label
        assert 'type="submit" value="保存"' not in page.content.decode(), opts.label
        add = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert add.status_code == 403, opts.label


def test_personal_data_shows_only_masked(data, superuser_client):
    person = Person.objects.get()
    html = superuser_client.get(reverse("admin:members_person_change", args=[person.pk])).content.decode()
    assert person.id_masked in html and person.phone_masked in html
    for secret in (data["id_number"], data["phone"], person.id_enc, person.id_hash, person.phone_enc):
        assert secret not in html
    listing = superuser_client.get(reverse("admin:members_rosterentry_changelist")).content.decode()
    assert worker_data(2)["id_number"] not in listing


def test_a_full_id_number_finds_the_person_through_its_hash(data, superuser_client):
    url = reverse("admin:members_person_changelist")
    assert "测试1号" in superuser_client.get(url, {"q": data["id_number"]}).content.decode()
    assert "测试1号" not in superuser_client.get(url, {"q": worker_data(3)["id_number"]}).content.decode()


def test_staff_who_are_not_superusers_get_nothing(data, client):
    user = get_user_model().objects.create_user("clerk", password="Clerk-pass-2026!", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=OURS))
    client.force_login(user)
    assert client.get(reverse("admin:members_person_changelist")).status_code == 403
    assert client.get(reverse("admin:partners_partnercredential_changelist")).status_code == 403


def test_revoking_a_credential_from_the_admin_is_audited(data, superuser_client):
    credential = PartnerCredential.objects.get()
    response = superuser_client.post(
        reverse("admin:partners_partnercredential_changelist"),
        {"action": "revoke", "_selected_action": [credential.pk]},
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert AuditLog.objects.get(action="partner_credential.revoke").actor_label == "staff:root"
