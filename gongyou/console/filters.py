"""The member search and filter form (SPEC §9: ID and phone are found by keyed hash, exactly,
never by scanning plaintext; so are a phone's last four digits)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gongyou.core import crypto
from gongyou.core.access import AnyUser, active_orgs_in_scope, enterprises_in_scope
from gongyou.core.choices import Industry
from gongyou.core.models import OrgReach, Region
from gongyou.core.validators import normalise_text, validate_id_number, validate_mobile
from gongyou.members.models import Membership, Person
from gongyou.members.numbers import is_valid_member_no
from gongyou.members.services import at_risk_memberships

ORG_CHOICE_LIMIT = 400
PHONE_TAIL = 4
# A name query shorter than this is matched at the start of the name (surname, or surname and
# first given character): the trigram index that serves "contains" needs three characters, and a
# "contains" scan of a city's million people takes seconds (members migration 0016).
NAME_CONTAINS_MIN = 3


ALL = _("全部")


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", ALL), *choices]


class MemberFilter(forms.Form):
    q = forms.CharField(
        label=_("姓名 / 会员编号 / 手机或尾号 / 身份证号"),
        required=False,
        help_text=_("姓名输入三个字以上按包含查找，一两个字按开头查找（如“王”“王伟”）。"),
    )
    org = forms.TypedChoiceField(label=_("所属工会（含下级）"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("状态"), required=False)
    industry = forms.ChoiceField(label=_("行业"), required=False, choices=_blank(Industry.choices))
    street = forms.TypedChoiceField(label=_("工作街镇"), required=False, coerce=int, empty_value=None)
    platform = forms.TypedChoiceField(label=_("企业 / 平台"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("入会渠道"), required=False, choices=_blank(Membership.Channel.choices))
    date_from = forms.DateField(label=_("申请日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    at_risk = forms.BooleanField(label=_("仅看可能流失"), required=False)

    def __init__(self, data: Any, *, user: AnyUser) -> None:
        super().__init__(data)
        self.user = user
        self._choice("status").choices = _blank([("open", _("在册（待审批/正常/接转中/暂停）")), *Membership.Status.choices])
        orgs = active_orgs_in_scope(user).order_by("region__code", "id").values_list("id", "name")[:ORG_CHOICE_LIMIT]
        self._choice("org").choices = _blank(list(orgs))
        streets = Region.objects.filter(level=Region.Level.STREET).select_related("parent")
        self._choice("street").choices = _blank([(r.pk, r.full_name) for r in streets])
        self._choice("platform").choices = _blank(list(enterprises_in_scope(user).values_list("id", "name")[:ORG_CHOICE_LIMIT]))

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def search(self, qs: QuerySet[Membership]) -> QuerySet[Membership]:
        q = (self.cleaned_data.get("q") or "").strip()
        if not q:
            return qs
        if is_valid_member_no(q):
            return qs.filter(member_no=q.upper())
        plain = normalise_text(q)
        digits = plain.upper().removeprefix("+86")
        if len(digits) == 18 and digits[:17].isdigit():
            try:
                number = validate_id_number(digits).number
            except ValidationError as exc:
                self.add_error("q", exc)
                return qs.none()
            return qs.filter(person__id_hash__in=crypto.id_hashes(number))
        if digits.isdigit() and len(digits) >= 11:
            try:
                phone = validate_mobile(plain)
            except ValidationError as exc:
                self.add_error("q", exc)
                return qs.none()
            return qs.filter(person__phone_hash__in=crypto.phone_hashes(phone))
        if len(digits) == PHONE_TAIL and digits.isdigit():
            # "尾号 1234" at a counter: the tail's keyed hash, and any name that holds the digits.
            return qs.filter(Q(person__phone_tail_hash__in=crypto.phone_tail_hashes(digits)) | Q(person__name__icontains=q))
        if len(q) < NAME_CONTAINS_MIN:
            return qs.filter(person__name__istartswith=q)
        return qs.filter(person__name__icontains=q)

    def apply(self, qs: QuerySet[Membership]) -> QuerySet[Membership]:
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        qs = self.search(qs)
        if data.get("org"):
            qs = qs.filter(org__in=OrgReach.objects.filter(ancestor_id=data["org"]).values("descendant_id"))
        status = data.get("status")
        if status == "open":
            qs = qs.filter(status__in=Membership.OPEN_STATUSES)
        elif status:
            qs = qs.filter(status=status)
        if data.get("industry"):
            qs = qs.filter(person__industry=data["industry"])
        if data.get("street"):
            qs = qs.filter(person__work_street_id=data["street"])
        if data.get("platform"):
            works_for = Person.platforms.through.objects.filter(person_id=OuterRef("person_id"), enterprise_id=data["platform"])
            qs = qs.filter(Q(person__employer_id=data["platform"]) | Q(Exists(works_for)))
        if data.get("channel"):
            qs = qs.filter(channel=data["channel"])
        if data.get("date_from"):
            qs = qs.filter(applied_at__date__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(applied_at__date__lte=data["date_to"])
        if data.get("at_risk"):
            qs = qs.filter(pk__in=at_risk_memberships().values("pk"))
        return qs
