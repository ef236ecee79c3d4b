import datetime as dt
import hashlib
import io
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from gongyou.benefits.models import (
    Allocation,
    Appointment,
    AppointmentSlot,
    Campaign,
    Claim,
    Enrolment,
    IncidentPhoto,
    InsurancePlan,
    ServiceEvent,
)
from gongyou.core.models import AuditLog, Enterprise, Org, OrgReach, Region, StaffProfile, Station
from gongyou.demo.benefits import season_starts
from gongyou.demo.management.commands.seed_demo import base_url
from gongyou.demo.world import DEMO_PASSWORD, PLATFORMS, XUJIAHUI
from gongyou.funds.models import Account, DuesPayment, Transaction
from gongyou.funds.reports import reconcile, trial_balance
from gongyou.members.models import FoundingTask, Membership, Person, RosterEntry, Transfer
from gongyou.members.services import at_risk_memberships

# The full demo has 2,400 members; a smaller run exercises every branch and keeps the suite fast.
MEMBERS = 240
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"

pytestmark = pytest.mark.django_db(transaction=False)


def seed(members=MEMBERS):
    out = io.StringIO()
    call_command("seed_demo", members=members, no_progress=True, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fingerprint():
    """Counts of everything the seed writes and a checksum of the rows that matter."""
    models = [Region, Org, OrgReach, Enterprise, Station, Person, Membership, Transfer, RosterEntry,
              FoundingTask, StaffProfile, AuditLog, get_user_model(), Campaign, Claim, InsurancePlan, Enrolment,
              AppointmentSlot, Appointment, ServiceEvent,
              Account, Transaction, DuesPayment]
    counts = {m.__name__: m.objects.count() for m in models}
    digest = hashlib.sha256()
    for row in Membership.objects.order_by("member_no").values_list(
        "member_no", "person__id_hash", "org__name", "status", "mode", "channel", "last_contact_at"
    ):
        digest.update(repr(row).encode())
    for row in Org.objects.order_by("id").values_list("id", "name", "kind", "parent_id", "second_manager_id"):
        digest.update(repr(row).encode())
    for row in RosterEntry.objects.order_by("id").values_list("external_id", "id_hash", "street_id", "active", "updated_at"):
        digest.update(repr(row).encode())
    for row in Transfer.objects.order_by("id").values_list("membership_id", "to_org_id", "status"):
        digest.update(repr(row).encode())
    for row in get_user_model().objects.order_by("username").values_list("username", "password"):
        digest.update(repr(row).encode())
    for row in Account.objects.order_by("id").values_list("org_id", "source", "balance_fen"):
        digest.update(repr(row).encode())
    return counts, digest.hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (the seed takes seconds); each test still runs in its own
    transaction on top and is rolled back."""
    # The same fast hasher the per-test conftest fixture selects, so passwords check in tests.
    # The demo incident's photo is written under VAR_DIR: a throw-away folder, not the worktree's var/.
    var_dir = Path(tempfile.mkdtemp(prefix="gongyou-seed-"))
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[MD5], VAR_DIR=var_dir):
        yield seed()
        # Leave the test database as other modules expect it: empty.
        call_command("flush", interactive=False, verbosity=0)


def test_it_is_idempotent_second_run_creates_and_changes_nothing(seeded):
    before = fingerprint()
    output = seed()
    assert "本次新建 0 条" in output
    assert fingerprint() == before


def test_it_seeds_the_funds_and_the_ledger_balances(seeded):
    assert "经费流水" in seeded and "会费缴纳" in seeded
    assert DuesPayment.objects.exists()
    assert Account.objects.filter(source="member_service", balance_fen__gt=0).exists()
    assert trial_balance(Account.objects.all()).total_fen == 0 and reconcile() == []


def test_it_creates_the_real_regions_and_a_federation_for_every_street(seeded):
    assert Region.objects.filter(level="district").count() == 16
    assert Region.objects.filter(level="street").count() == 215
    assert Org.objects.filter(kind="city_federation", name="上海市总工会").count() == 1
    assert Org.objects.filter(kind="district_federation").count() == 16
    assert Org.objects.filter(kind="street_federation").count() == 215
    assert Org.objects.get(kind="street_federation", region__code=XUJIAHUI).name == "徐家汇街道总工会"


def test_most_streets_have_several_street_unions_and_some_none(seeded):
    per_street = [Org.objects.filter(kind="street_union", region=s).count() for s in Region.objects.filter(level="street")]
    assert sum(1 for n in per_street if n >= 2) > 215 * 0.6
    assert 0 in per_street
    industries = set(Org.objects.filter(kind="street_union").values_list("industry", flat=True))
    assert {"food_delivery", "express"} <= industries


def test_platforms_are_fictional_with_hq_unions_agents_and_stations(seeded):
    platforms = Enterprise.objects.filter(is_head=True)
    assert platforms.count() >= 3
    assert all(e.name.startswith("示例") for e in Enterprise.objects.all())
    assert Org.objects.filter(kind="hq_union").count() >= 3
    assert Enterprise.objects.filter(relation="agent").count() >= 3
    assert Org.objects.filter(kind="agent_union").exists()
    assert Station.objects.count() >= 200
    assert Station.objects.values("street").distinct().count() > 50
    assert len(PLATFORMS) >= 3


def test_station_unions_are_dual_managed(seeded):
    station_unions = Org.objects.filter(kind__in=["station_union", "union_group"])
    assert station_unions.filter(kind="station_union").exists() and station_unions.filter(kind="union_group").exists()
    for org in station_unions:
        assert org.parent.kind in ("street_union", "street_federation")
        assert org.second_manager.kind in ("hq_union", "agent_union")
        assert OrgReach.objects.filter(ancestor=org.second_manager, descendant=org).exists()


def test_members_joined_through_the_rule_by_every_channel(seeded):
    assert Membership.objects.count() == MEMBERS
    assert set(Membership.objects.values_list("channel", flat=True)) == {"qr", "online", "staff", "partner", "import"}
    assert set(Membership.objects.values_list("mode", flat=True)) == {"employer", "individual"}
    kinds = set(Membership.objects.values_list("org__kind", flat=True))
    assert {"street_union", "station_union", "street_federation"} <= kinds
    assert Membership.objects.filter(routing_reason__contains="兜底").exists()
    assert Membership.objects.filter(status="applied").exists()
    assert all(m.member_no for m in Membership.objects.all())


def test_founding_task_transfers_and_at_risk_members_exist(seeded):
    task = FoundingTask.objects.get(status="open")
    assert task.federation.region.code == XUJIAHUI and task.member_count >= 25
    assert Transfer.objects.filter(status="pending").count() >= 3
    assert Transfer.objects.filter(status="pending", initiator="system").exists()
    assert RosterEntry.objects.filter(active=False).exists()
    assert at_risk_memberships().exists()


def test_demo_accounts_log_in_with_the_demo_password(seeded, client):
    for username in ["city_admin", "city_officer", "xuhui_officer", "xujiahui_officer", "station_leader", "hq_officer", "xuhui_viewer"]:
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert hasattr(user, "staff_profile")
    assert get_user_model().objects.get(username="xujiahui_officer").staff_profile.org.region.code == XUJIAHUI
    assert get_user_model().objects.get(username="xuhui_viewer").staff_profile.role == "viewer"
    assert get_user_model().objects.get(username="city_admin").staff_profile.role == "admin"
    assert get_user_model().objects.get(username="superuser").is_superuser


def test_summary_prints_urls_and_credentials(seeded):
    assert "http://127.0.0.1:8000" in seeded and "/console/" in seeded
    assert "xujiahui_officer" in seeded and DEMO_PASSWORD in seeded


def test_a_captured_seed_output_holds_no_live_partner_token(seeded, settings):
    # Probe: the seed printed a live partner token into whatever captured its output.
    from gongyou.partners.models import PartnerCredential
    from gongyou.partners.services import token_hash

    assert "Bearer" not in seeded and "gyp_" not in seeded
    path = settings.VAR_DIR / "secrets" / "demo_partner_token"
    assert str(path) in seeded
    assert path.stat().st_mode & 0o077 == 0
    assert PartnerCredential.objects.filter(token_hash=token_hash(path.read_text().strip())).exists()


def test_summary_prints_the_host_it_is_given(seeded):
    out = io.StringIO()
    call_command("seed_demo", members=MEMBERS, no_progress=True, host="0.0.0.0:9000", stdout=out, stderr=io.StringIO())
    assert "http://0.0.0.0:9000/console/" in out.getvalue()
    assert "127.0.0.1:8000" not in out.getvalue()


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8080", "http://127.0.0.1:8080"),
        ("192.168.1.20:8000", "http://192.168.1.20:8000"),
        ("demo.local", "http://demo.local:8000"),
        ("[::1]:8001", "http://[::1]:8001"),
        ("[::1]", "http://[::1]:8000"),
        ("https://demo.example.org/", "https://demo.example.org"),
    ],
)
def test_base_url_reads_the_host_like_runserver(host, url):
    assert base_url(host) == url


def test_make_run_passes_its_host_to_the_seed():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "seed_demo --host $(HOST)" in run


def test_benefits_a_campaign_per_season_hand_outs_insurance_and_slots(seeded):
    campaigns = Campaign.objects.filter(org__kind="city_federation", status="published").order_by("starts_at")
    assert [c.kind for c in campaigns] == season_kinds(timezone.localdate())
    running = [c for c in campaigns if c.starts_at <= timezone.now() < c.ends_at]
    assert len(running) == 1
    claims = Claim.objects.filter(campaign=running[0])
    assert 0 < claims.count() < Membership.objects.filter(status="active").count()
    assert set(claims.values_list("org__kind", flat=True)) <= {"street_federation", "city_federation"}
    plan = InsurancePlan.objects.get(status="open")
    assert plan.union_share_fen + plan.platform_share_fen + plan.worker_share_fen == plan.premium_fen
    assert Enrolment.objects.filter(plan=plan, channel="bulk", platform__name="示例外卖平台有限公司").exists()
    slots = AppointmentSlot.objects.filter(org__region__code=XUJIAHUI)
    assert slots.count() == 6 and all(s.starts_at > timezone.now() for s in slots)
    assert Appointment.objects.filter(slot__in=slots, status="booked").exists()
    served = ServiceEvent.objects.values("kind").distinct()
    assert {"handout", "insurance"} <= {row["kind"] for row in served}
    # the running campaign's quota down the tree, and an incident report with its photo
    shares = {a.org.region.code: a for a in Allocation.objects.filter(campaign=running[0], org__isnull=False)}
    assert set(shares) == {"310104", XUJIAHUI} and shares[XUJIAHUI].parent == shares["310104"]
    assert IncidentPhoto.objects.filter(incident__enrolment__plan=plan, content_type="image/png").count() == 1


def season_kinds(today):
    """The running season's kind last, after the three before it."""
    order = ["safety", "summer_cooling", "physical_exam", "winter_warmth"]  # from March, June, September, December
    current = {3: 0, 4: 0, 5: 0, 6: 1, 7: 1, 8: 1, 9: 2, 10: 2, 11: 2}.get(today.month, 3)
    return [order[(current - back) % 4] for back in (3, 2, 1, 0)]


@pytest.mark.parametrize(
    ("today", "starts"),
    [
        ("2026-12-01", ["2026-03-01", "2026-06-01", "2026-09-01", "2026-12-01"]),
        ("2027-02-28", ["2026-03-01", "2026-06-01", "2026-09-01", "2026-12-01"]),
        ("2027-03-01", ["2026-06-01", "2026-09-01", "2026-12-01", "2027-03-01"]),
        ("2026-08-15", ["2025-09-01", "2025-12-01", "2026-03-01", "2026-06-01"]),
    ],
)
def test_season_starts_end_with_the_running_season(today, starts):
    assert [d.isoformat() for d in season_starts(dt.date.fromisoformat(today))] == starts


def test_it_seeds_cases_with_warnings_and_an_escalation(seeded):
    from gongyou.cases.models import Case, Escalation, Warning

    assert "诉求" in seeded
    assert Case.objects.filter(street__code="310104014").count() >= 10
    assert Warning.objects.filter(kind="cluster").exists() and Escalation.objects.exists()


def test_it_seeds_consultations_agreements_and_notices(seeded):
    from gongyou.voice.models import ActionItem, Agreement, Meeting, NoticeReceipt, Report
    from gongyou.voice.queries import accountability, coverage

    assert "五方会商 2" in seeded and "集体合同 5" in seeded and "通知 2" in seeded
    meeting = Meeting.objects.get(title="徐家汇街道外卖骑手权益五方协调会商")
    assert sorted(meeting.parties.values_list("kind", flat=True)) == sorted(
        ["union", "government", "platform", "affiliate", "worker_rep"]
    )
    rows = {r.kind: r for r in accountability(ActionItem.objects.all(), timezone.localdate())}
    assert rows["platform"].on_time_percent == 50.0 and rows["government"].overdue == 1 and rows["union"].pending == 1
    covered = coverage(Agreement.objects.all(), timezone.localdate())
    assert {(r.district, r.industry, r.workers) for r in covered} == {("全市", "express", 12000), ("徐汇区", "food_delivery", 1800)}
    assert NoticeReceipt.objects.filter(read_at__isnull=False).exists()
    assert NoticeReceipt.objects.filter(read_at__isnull=True).exists()
    assert Report.objects.filter(title="本月骑手意见建议汇总").exists()


def test_it_seeds_the_city_departments_task_board(seeded):
    from gongyou.voice.models import Department, DepartmentTask

    assert "部门任务 8" in seeded
    assert Department.objects.filter(org__parent__isnull=True).count() == 7
    statuses = {t.title: (t.progress, t.status) for t in DepartmentTask.objects.all()}
    assert statuses["畅通新就业形态劳动者举报投诉渠道"] == (100, "done")
    assert statuses["推动道路货运企业建会和货车司机入会"] == (0, "not_started")
    overdue = [t for t in DepartmentTask.objects.all() if t.effective_status(timezone.localdate()) == "overdue"]
    assert [t.title for t in overdue] == ["落实职业技能培训补贴"]


def test_it_seeds_honours_and_a_competition(seeded):
    from gongyou.honours.models import Competition, Nomination
    from gongyou.honours.queries import honour_stats

    assert "荣誉与竞赛 5" in seeded
    assert Competition.objects.get().results.count() == 3
    rows = {r.kind: r for r in honour_stats(Nomination.objects.all())}
    assert (rows["model_worker"].nominated, rows["model_worker"].awarded) == (2, 1)
    assert rows["worker_pioneer"].by_industry["food_delivery"] == 1


def test_insight_shows_13_months_of_history_against_targets(seeded):
    from django.utils import timezone

    from gongyou.insight.models import SnapshotRun, Target
    from gongyou.insight.queries import Area, Reader, months_between
    from gongyou.insight.snapshots import default_start

    today = timezone.localdate()
    assert SnapshotRun.objects.exists()
    months = Reader(Area()).monthly(months_between(default_start(today), today))
    assert len(months) == 13
    assert months[0]["members_active"] < months[6]["members_active"] < months[-1]["members_active"]
    assert sum(1 for m in months if m["people_served"]) >= 12
    assert Target.objects.filter(period=today.year, region__level="district").count() >= 16
