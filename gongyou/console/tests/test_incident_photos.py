"""Incident photos for staff: kept outside the web root, shown only through the console view
that finds them in the user's scope (outsider 404 like a missing photo) and writes an audit row
for every view; never cached by a shared cache, never offered under a public URL."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from gongyou.benefits.inputs import check_photo, clean_plan
from gongyou.benefits.insurance import create_plan, enrol_member, report_incident, set_plan_status
from gongyou.benefits.models import IncidentPhoto
from gongyou.benefits.photos import store_incident_photo
from gongyou.benefits.tests.test_services_and_served import plan_data, roster
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def photo(settings, tmp_path, world, make_member):
    settings.VAR_DIR = tmp_path
    plan = set_plan_status(
        create_plan(clean_plan(plan_data()), org=world.street_fed, actor=COMMAND), "open", actor=COMMAND
    )
    member = make_member(1)
    roster(world, member, 1)
    enrolment = enrol_member(plan, member, channel="staff", actor=COMMAND)
    clean = check_photo("IMG_0001.png", len(PNG), PNG[:16], PNG)
    report_incident(
        enrolment, occurred_at=timezone.now(), place="漕溪北路", description="摔伤", photos=[clean], actor=Actor.worker()
    )
    store_incident_photo(clean, PNG)
    return IncidentPhoto.objects.select_related("incident").get()


def url(photo):
    return f"/console/insurance/incidents/{photo.incident_id}/photos/{photo.pk}/"


def test_staff_in_scope_see_the_photo_and_each_view_is_audited(client, personas, photo, django_assert_max_num_queries):
    client.force_login(personas["street"])
    plan_id = photo.incident.enrolment.plan_id
    with django_assert_max_num_queries(12):
        html = client.get(f"/console/insurance/{plan_id}/incidents/").content.decode()
    assert f'href="{url(photo)}"' in html
    assert photo.sha256 not in html  # the stored file's name is nowhere on the page
    response = client.get(url(photo))
    assert response.status_code == 200 and response.content == PNG
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    entry = AuditLog.objects.get(action="reveal.incident_photo")
    assert (entry.object_id, entry.actor_label, entry.after["photo"]) == (str(photo.incident_id), "staff:street", photo.pk)
    client.get(url(photo))
    assert AuditLog.objects.filter(action="reveal.incident_photo").count() == 2


@pytest.mark.parametrize(("persona", "status"), [("city", 200), ("viewer", 200), ("other_street", 404), ("station", 404)])
def test_scope(client, personas, photo, persona, status):
    client.force_login(personas[persona])
    assert client.get(url(photo)).status_code == status
    assert AuditLog.objects.filter(action="reveal.incident_photo").count() == (1 if status == 200 else 0)


def test_a_photo_under_another_incident_or_without_its_file_is_missing(client, personas, photo, tmp_path):
    client.force_login(personas["street"])
    assert client.get(f"/console/insurance/incidents/{photo.incident_id + 1}/photos/{photo.pk}/").status_code == 404
    for path in (tmp_path / "incident_photos").iterdir():
        path.unlink()
    assert client.get(url(photo)).status_code == 404
    assert not AuditLog.objects.filter(action="reveal.incident_photo").exists()


def test_anonymous_users_are_sent_to_login(client, photo):
    response = client.get(url(photo))
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_the_photos_live_outside_every_served_directory():
    from pathlib import Path

    from gongyou.benefits.photos import incident_storage

    stored = Path(incident_storage().location).resolve()
    assert stored.is_relative_to(Path(django_settings.VAR_DIR).resolve())
    dirs = [d[1] if isinstance(d, tuple) else d for d in django_settings.STATICFILES_DIRS]
    served = [django_settings.STATIC_ROOT, getattr(django_settings, "MEDIA_ROOT", ""), *dirs]
    assert not any(root and stored.is_relative_to(Path(root).resolve()) for root in served)
