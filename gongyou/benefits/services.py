"""Campaigns, quota allocation down the org tree and hand-outs (SPEC §5; seed §二(二)8:
普惠化服务, 五送). Each function runs in one transaction and writes its audit row there.

Quota pools: the campaign (its total) and every allocation are pools with `quota`, `allocated`
(given to pools below) and `used` (handed out from it). A pool is changed only after
select_for_update on its row, and a CHECK constraint holds allocated + used ≤ quota."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.benefits.eligibility import REASONS, ineligibility
from gongyou.benefits.errors import Refused
from gongyou.benefits.events import record_service_event
from gongyou.benefits.inputs import CleanCampaign
from gongyou.benefits.models import Allocation, Campaign, Claim
from gongyou.benefits.vocab import CampaignStatus, ServiceKind
from gongyou.core import audit
from gongyou.core.actors import Actor
from gongyou.core.models import Org, OrgReach
from gongyou.members.cards import CardTokenError, read_card_token, token_from_card_text
from gongyou.members.models import Membership
from gongyou.positions.models import ServicePosition

CAMPAIGN_AUDITED = ["kind", "title", "status", "starts_at", "ends_at", "quota", "industries", "region_codes", "labor_relations", "min_member_days"]


# --- campaigns ---------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(data: CleanCampaign, *, org: Org, actor: Actor) -> Campaign:
    """A campaign organised by `org`; published at once unless the input asks for a draft. A
    campaign may be entered after its period (recorded late): hand-outs then say it is closed."""
    now = timezone.now()
    campaign = Campaign.objects.create(
        kind=data.kind,
        org=org,
        title=data.title,
        description=data.description,
        items=data.items,
        funding_source=data.funding_source,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        status=data.status,
        industries=data.audience.industries,
        region_codes=data.audience.region_codes,
        labor_relations=data.audience.labor_relations,
        min_member_days=data.audience.min_member_days,
        quota=data.quota,
        published_at=now if data.status == CampaignStatus.PUBLISHED else None,
    )
    audit.record(actor, "campaign.create", campaign, after=audit.snapshot(campaign, CAMPAIGN_AUDITED), org=org)
    return campaign


def _set_status(campaign: Campaign, *, allowed_from: tuple[str, ...], to: str, actor: Actor) -> Campaign:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in allowed_from:
        raise Refused("bad_status", _("活动当前状态不能进行这个操作"), field="status")
    before = locked.status
    locked.status = to
    if to == CampaignStatus.PUBLISHED:
        locked.published_at = timezone.now()
    if to == CampaignStatus.CLOSED:
        locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "closed_at"])
    audit.record(actor, f"campaign.{to}", locked, before={"status": before}, after={"status": to}, org=locked.org)
    return locked


@transaction.atomic
def publish_campaign(campaign: Campaign, *, actor: Actor) -> Campaign:
    return _set_status(campaign, allowed_from=(CampaignStatus.DRAFT,), to=CampaignStatus.PUBLISHED, actor=actor)


@transaction.atomic
def close_campaign(campaign: Campaign, *, actor: Actor) -> Campaign:
    return _set_status(
        campaign, allowed_from=(CampaignStatus.DRAFT, CampaignStatus.PUBLISHED), to=CampaignStatus.CLOSED, actor=actor
    )


# --- allocation ---------------------------------------------------------------------------------


def _ancestor_ids(org: Org, *, strict: bool) -> set[int]:
    ids = set(OrgReach.objects.filter(descendant=org).values_list("ancestor_id", flat=True))
    if strict:
        ids.discard(org.pk)
    return ids


def _nearest(campaign: Campaign, org_ids: set[int]) -> Allocation | None:
    """The allocation of the org nearest the place among `org_ids` (the orgs above it): the one
    whose org has no other candidate below it. Decided by the org tree itself, not by how the
    allocations happen to be chained, so the answer does not depend on the order they were made
    in. A dual-managed org can have two such (one per manager): the later allocation wins."""
    allocations = list(Allocation.objects.filter(campaign=campaign, org_id__in=org_ids))
    if len(allocations) < 2:
        return allocations[0] if allocations else None
    orgs = {a.org_id for a in allocations}
    above_another = set(
        OrgReach.objects.filter(ancestor_id__in=orgs, descendant_id__in=orgs)
        .exclude(ancestor_id=F("descendant_id"))
        .values_list("ancestor_id", flat=True)
    )
    return max((a for a in allocations if a.org_id not in above_another), key=lambda a: a.pk)


def pool_for(campaign: Campaign, *, org: Org, position: ServicePosition | None = None) -> Allocation | None:
    """The pool a hand-out by `org` (at `position`) draws on: the position's own allocation, else
    the nearest allocation of the org or an org above it (or above the position's managing org);
    None = the campaign's total."""
    if position is not None:
        own = Allocation.objects.filter(campaign=campaign, position=position).first()
        if own is not None:
            return own
    ids = _ancestor_ids(org, strict=False)
    if position is not None:
        ids |= _ancestor_ids(position.org, strict=False)
    return _nearest(campaign, ids)


def _parent_pool(campaign: Campaign, *, org: Org | None, position: ServicePosition | None) -> Allocation | None:
    if position is not None:
        return _nearest(campaign, _ancestor_ids(position.org, strict=False))
    assert org is not None
    return _nearest(campaign, _ancestor_ids(org, strict=True))


def _carved_below(campaign: Campaign, org: Org, parent: Allocation | None) -> list[Allocation]:
    """Allocations below `org` made before it had one (carved from `parent`, the pool `org` is
    about to be carved from): they move under the new allocation."""
    below = OrgReach.objects.filter(ancestor=org).values("descendant_id")
    return list(
        Allocation.objects.select_for_update()
        .filter(campaign=campaign, parent=parent)
        .filter(
            Q(org__in=below.exclude(descendant=org))
            | Q(position__in=ServicePosition.objects.filter(org__in=below).values("pk"))
        )
    )


@transaction.atomic
def allocate_quota(
    campaign: Campaign, *, quota: int, actor: Actor, org: Org | None = None, position: ServicePosition | None = None
) -> Allocation:
    """Give (or change) an org's or a service position's share of the campaign, carved from the
    nearest allocation above it or from the total (city → districts → streets → positions). A
    share never exceeds what its parent has left, nor drops below what it already gave on or out.
    Allocating top-down or bottom-up gives the same tree: a new allocation above existing ones
    takes them under it (and must cover them)."""
    if (org is None) == (position is None):
        raise ValueError("allocate to exactly one of org or position")
    target_org = org if org is not None else position.org  # type: ignore[union-attr]
    if not OrgReach.objects.filter(ancestor=campaign.org, descendant=target_org).exists():
        raise Refused("out_of_scope", _("只能分配给主办工会范围内的组织或阵地"), field="org")
    if quota < 0:
        raise Refused("invalid", _("名额应为不小于0的整数"), field="quota")
    # Allocation changes are serialised per campaign (the campaign row first, then pools
    # top-down — the same order everywhere), so the tree read below cannot change underneath.
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    parent = _parent_pool(campaign, org=org, position=position)
    if parent is not None:
        Allocation.objects.select_for_update().get(pk=parent.pk)
    lookup = {"org": org} if org is not None else {"position": position}
    current = Allocation.objects.select_for_update().filter(campaign=campaign, **lookup).first()
    adopted = _carved_below(campaign, org, parent) if current is None and org is not None else []
    taken = current.allocated + current.used if current is not None else sum(a.quota for a in adopted)
    if quota < taken:
        raise Refused("below_used", _("名额不能少于已下拨和已发放的数量（%(n)d）") % {"n": taken}, field="quota")
    before = current.quota if current else 0
    # What the parent gives now: the change, less the adopted shares it had already given.
    delta = quota - before - (taken if current is None else 0)
    parent_model = Campaign if parent is None else Allocation
    parent_pk = campaign.pk if parent is None else parent.pk
    fresh_parent = parent_model.objects.get(pk=parent_pk)  # type: ignore[attr-defined]
    if delta > fresh_parent.quota - fresh_parent.allocated - fresh_parent.used:
        raise Refused("exceeds_parent", _("分配的名额超过了上级剩余的名额（%(n)d）") % {"n": fresh_parent.remaining}, field="quota")
    parent_model.objects.filter(pk=parent_pk).update(allocated=F("allocated") + delta)  # type: ignore[attr-defined]
    if current is None:
        current = Allocation.objects.create(campaign=campaign, parent=parent, quota=quota, allocated=taken, **lookup)
        Allocation.objects.filter(pk__in=[a.pk for a in adopted]).update(parent=current)
    else:
        Allocation.objects.filter(pk=current.pk).update(quota=quota)
        current.quota = quota
    audit.record(
        actor, "campaign.allocate", current, before={"quota": before}, after={"quota": quota, "org": target_org.pk},
        org=campaign.org, related_org=target_org,
    )  # fmt: skip
    return current


# --- hand-outs ---------------------------------------------------------------------------------


def _check_open(campaign: Campaign, now: dt.datetime) -> None:
    if campaign.status != CampaignStatus.PUBLISHED or now >= campaign.ends_at:
        raise Refused("campaign_closed", _("这项活动已结束"), field="campaign_id")
    if now < campaign.starts_at:
        raise Refused("campaign_closed", _("这项活动还没有开始"), field="campaign_id")


def find_member(*, member_no: str = "", card: str = "") -> Membership:
    """The member city-wide, by member number or by the e-card QR text (a card works at any
    station; whether they may receive something is the audience rule's business)."""
    qs = Membership.objects.select_related("person__work_street", "org")
    if card:
        try:
            pk = read_card_token(token_from_card_text(card))
        except CardTokenError as exc:
            if exc.code == "expired":
                raise Refused("card_expired", _("电子会员证二维码已过期，请会员刷新后再扫"), field="card") from exc
            raise Refused("card_invalid", _("这不是有效的电子会员证二维码"), field="card") from exc
        membership = qs.filter(pk=pk).first()
        if membership is None or membership.person.anonymised_at is not None:
            raise Refused("card_invalid", _("这不是有效的电子会员证二维码"), field="card")
        return membership
    membership = qs.filter(member_no=(member_no or "").strip()).first()
    if membership is None:
        raise Refused("member_not_found", _("找不到这个会员编号"), field="member_no")
    return membership


def already_claimed(claim: Claim) -> Refused:
    place = claim.position.name if claim.position is not None else claim.org.name
    when = timezone.localtime(claim.claimed_at)
    message = _("已于%(date)s在%(place)s领取过") % {"date": f"{when:%Y-%m-%d %H:%M}", "place": place}
    return Refused("already_claimed", message, field="member", conflict=True)


def not_eligible(reason: str) -> Refused:
    return Refused("not_eligible", REASONS[reason], field="member", reason=reason)


@transaction.atomic
def claim_benefit(
    campaign: Campaign,
    *,
    org: Org,
    actor: Actor,
    member_no: str = "",
    card: str = "",
    position: ServicePosition | None = None,
    now: dt.datetime | None = None,
) -> Claim:
    """Record a hand-out by staff of `org` (at `position`). One per person per campaign across
    the city (a unique index decides between two stations scanning at once), never beyond the
    pool's quota (its row is locked), only within the period and the audience (seed §二(二)8)."""
    now = now or timezone.now()
    _check_open(campaign, now)
    membership = find_member(member_no=member_no, card=card)
    person = membership.person
    existing = Claim.objects.select_related("org", "position").filter(campaign=campaign, person=person).first()
    if existing is not None:
        raise already_claimed(existing)
    reason = ineligibility(campaign, membership, now=now)
    if reason:
        raise not_eligible(reason)
    pool = pool_for(campaign, org=org, position=position)
    locked = (Allocation if pool is not None else Campaign).objects.select_for_update().get(  # type: ignore[attr-defined]
        pk=pool.pk if pool is not None else campaign.pk
    )
    if locked.quota - locked.allocated - locked.used < 1:
        raise Refused("quota_exhausted", _("名额已发完"), field="campaign_id", conflict=True)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                campaign=campaign, person=person, membership=membership, org=org, position=position,
                allocation=pool, claimed_at=now, actor_label=actor.label[:80],
            )  # fmt: skip
    except IntegrityError:
        # Another station recorded it first; its row is visible now that the insert has waited.
        raise already_claimed(Claim.objects.select_related("org", "position").get(campaign=campaign, person=person)) from None
    type(locked).objects.filter(pk=locked.pk).update(used=F("used") + 1)
    record_service_event(person=person, kind=ServiceKind.HANDOUT, org=org, position=position, at=now, source_id=claim.pk)
    audit.record(
        actor, "campaign.claim", claim, after={"campaign": campaign.pk, "member_no": membership.member_no, "position": getattr(position, "pk", None)},
        org=org, related_org=campaign.org if campaign.org_id != org.pk else None,
    )  # fmt: skip
    return claim
