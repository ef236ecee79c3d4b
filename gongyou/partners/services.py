"""Partner credentials (issuing, revoking and checking the bearer tokens platforms use) and
joining a worker through a partner.

A token is "gyp_<prefix>_<secret>". Only the prefix (to find the row) and a SHA-256 of the whole
token are stored, so neither a database leak nor an admin screen ever shows a usable token; the
plain token exists once, in the return value of `issue_partner_token`."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import string
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.core import audit
from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise
from gongyou.core.prepared import PreparedQuery, insert
from gongyou.members.inputs import CleanWorker
from gongyou.members.models import Membership
from gongyou.members.services import JoinResult, join_locked, lookup_repeat
from gongyou.partners.models import PartnerCredential, PartnerWorkerLink

logger = logging.getLogger(__name__)

TOKEN_SCHEME = "gyp"
PREFIX_LENGTH = 8
SECRET_LENGTH = 40
_ALPHABET = string.ascii_letters + string.digits  # no "_" so the token splits unambiguously
# last_used_at is bookkeeping, not an audit trail: writing it at most once a minute per
# credential keeps a 600-requests-a-minute partner from costing one UPDATE per request.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    prefix = "".join(secrets.choice(_ALPHABET) for _i in range(PREFIX_LENGTH))
    secret = "".join(secrets.choice(_ALPHABET) for _i in range(SECRET_LENGTH))
    return prefix, f"{TOKEN_SCHEME}_{prefix}_{secret}"


def issue_partner_token(enterprise: Enterprise, *, actor: Actor, name: str = "") -> str:
    """Create a credential acting for `enterprise` and return its token (shown only this once)."""
    name = name.strip()
    if len(name) > 80:
        raise ValidationError({"name": [ValidationError(_("凭证名称不能超过80个字符"), code="too_long")]})
    for _attempt in range(5):
        prefix, token = _new_token()
        try:
            with transaction.atomic():
                credential = PartnerCredential.objects.create(
                    enterprise=enterprise, name=name, prefix=prefix, token_hash=token_hash(token)
                )
                audit.record(
                    actor,
                    "partner_credential.issue",
                    credential,
                    after={"enterprise": enterprise.pk, "prefix": prefix, "name": name},
                )
            return token
        except IntegrityError:
            continue  # prefix collision (62^8 space): draw again
    raise RuntimeError("could not draw a unique token prefix")


@transaction.atomic
def revoke_partner_token(credential: PartnerCredential, *, actor: Actor) -> PartnerCredential:
    """Revoke a credential; requests with its token answer 401 from now on. Idempotent."""
    locked = PartnerCredential.objects.select_for_update().get(pk=credential.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(
            actor,
            "partner_credential.revoke",
            locked,
            before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at.isoformat()},
        )
    return locked


def parse_token(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    scheme, _sep, rest = token.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix


# Every partner request asks this: compiled once (gongyou.core.prepared). The prefix is unique.
_CREDENTIAL: PreparedQuery[PartnerCredential] = PreparedQuery(
    lambda prefix: PartnerCredential.objects.select_related("enterprise__street").filter(prefix=prefix)[:1]
)


def check_token(token: str) -> PartnerCredential | None:
    """The live credential this token belongs to, or None (unknown, wrong secret, revoked)."""
    prefix = parse_token(token)
    if prefix is None:
        return None
    credential = _CREDENTIAL.first(prefix=prefix)
    if credential is None:
        return None
    if not hmac.compare_digest(credential.token_hash, token_hash(token)):
        return None
    if credential.revoked_at is not None:
        return None
    return credential


def touch_credential(credential: PartnerCredential, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if credential.last_used_at is not None and now - credential.last_used_at < TOUCH_INTERVAL:
        return
    PartnerCredential.objects.filter(pk=credential.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL)
    ).update(last_used_at=now)
    credential.last_used_at = now


# --- workers' external ids ----------------------------------------------------------------------


# Asked by every join that brings a new external id: compiled once (gongyou.core.prepared).
_EXTERNAL_ID_TAKEN: PreparedQuery[PartnerWorkerLink] = PreparedQuery(
    lambda enterprise_id, external_id, id_hash: PartnerWorkerLink.objects.filter(
        enterprise_id=enterprise_id, external_id=external_id
    )
    .exclude(person__id_hash=id_hash)
    .only("pk")[:1]
)


def check_external_id(enterprise: Enterprise, external_id: str, id_hash: str) -> None:
    """Refuse, before anything is stored, an external id this platform already uses for someone else."""
    if not external_id:
        return
    taken = _EXTERNAL_ID_TAKEN.first(enterprise_id=enterprise.pk, external_id=external_id, id_hash=id_hash) is not None
    if taken:
        raise _external_id_taken()


def _external_id_taken() -> ValidationError:
    return ValidationError({"external_id": [ValidationError(_("这个外部编号已用于本平台的另一名劳动者"), code="external_id_taken")]})


def link_external_id(
    enterprise: Enterprise, person_id: int, external_id: str, *, actor: Actor, new_person: bool = False
) -> None:
    """Remember (or update) the platform's id for this person; audited.

    `new_person`: the person was created in the caller's transaction, so no link of theirs can
    exist yet and the id need not be checked first (`check_external_id`): one INSERT that skips a
    row the unique index refuses, and a refused row — the id is someone else's, however recently —
    raises `external_id_taken`, so the caller's transaction stores nothing. Otherwise, in its own
    atomic block: IntegrityError when another request took the id in the meantime."""
    if not external_id:
        return
    if new_person:
        link = PartnerWorkerLink(enterprise=enterprise, person_id=person_id, external_id=external_id)
        if not insert(link, ignore_conflicts=True):
            raise _external_id_taken()
        audit.record(actor, "partner.link_worker", link, after={"external_id": external_id, "person": person_id})
        return
    with transaction.atomic():
        _link_known_person(enterprise, person_id, external_id, actor=actor)


def _link_known_person(enterprise: Enterprise, person_id: int, external_id: str, *, actor: Actor) -> None:
    link = PartnerWorkerLink.objects.select_for_update().filter(enterprise=enterprise, person_id=person_id).first()
    if link is not None and link.external_id == external_id:
        return
    before = {"external_id": link.external_id} if link else None
    if link is None:
        link = PartnerWorkerLink.objects.create(enterprise=enterprise, person_id=person_id, external_id=external_id)
    else:
        link.external_id = external_id
        link.save(update_fields=["external_id", "updated_at"])
    audit.record(actor, "partner.link_worker", link, before=before, after={"external_id": external_id, "person": person_id})


# --- joining through a partner ------------------------------------------------------------------


def _own_external_id(enterprise_id: Any) -> dict[str, Subquery]:
    """The platform's id for the person, read by the repeat join's one query."""
    own_id = PartnerWorkerLink.objects.filter(enterprise_id=enterprise_id, person_id=OuterRef("person_id"))
    return {"partner_external_id": Subquery(own_id.values("external_id")[:1])}


def join_via_partner(enterprise: Enterprise, worker: CleanWorker, *, actor: Actor) -> JoinResult:
    """A platform applies for a worker (partner channel, SPEC §3): the external id must not belong
    to someone else, the union comes from the joining rule (members.services.join, idempotent per
    person) and the platform's id for the worker is remembered — all in one transaction, so a
    failure anywhere stores nothing. Effects outside the database (messages, notifications) go
    through transaction.on_commit, never before the join is stored. Its audit rows (platform
    link, join, external id) are written in one INSERT at the end."""
    # The repeat join (a platform re-sending its workers) is one indexed lookup that also reads
    # the platform's id for the person: when it is unchanged, nothing else is asked or written —
    # not even a transaction is opened (its one possible write, the hourly contact stamp, is a
    # single UPDATE).
    result, found = lookup_repeat(worker, via_enterprise=enterprise, annotations=_own_external_id)
    if result is not None and worker.external_id in ("", result.membership.partner_external_id):  # type: ignore[attr-defined]
        return result

    def link(joined: JoinResult) -> None:
        # An id that is someone else's refuses the whole join (it rolls back: nothing is stored).
        # A person new in this transaction has no link yet, and the link's own INSERT tells
        # whether the id is taken; anyone else's id is checked first.
        if not joined.new_person:
            check_external_id(enterprise, worker.external_id, worker.id_hash)
        try:
            with audit.batched():  # its own block: a link lost to a race drops its audit row with it
                link_external_id(
                    enterprise, joined.membership.person_id, worker.external_id, actor=actor, new_person=joined.new_person
                )
        except IntegrityError:
            # A known person's id taken by another request in the meantime (its savepoint rolled
            # back): the membership stands, as it would without an external id.
            logger.warning("external_id %s of %s taken concurrently", worker.external_id, enterprise.uscc)

    if result is not None:  # already a member through this platform, under a new external id
        with transaction.atomic(), audit.batched():
            link(result)
        return result
    # Everything else is one attempt of the joining service — one transaction, one audit INSERT —
    # with the external id linked inside it (`then`), so a join retried after a lost race links once.
    return join_locked(
        worker, channel=Membership.Channel.PARTNER, actor=actor, via_enterprise=enterprise, likely_new=not found, then=link
    )
