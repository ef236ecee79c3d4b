"""Portal forms. They only carry and re-display what was typed; the rules (ID number, mobile,
street, joining rule) live in members.inputs / members.services and come back as field errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.models import Region
from gongyou.members import notes
from gongyou.portal import pickers

LABOR_RELATION_HELP = {
    LaborRelation.EMPLOYEE: _("和公司签了劳动合同，公司给交社保"),
    LaborRelation.PARTIAL: _("通过外包、劳务公司接单，公司管排班但没签劳动合同"),
    LaborRelation.INDEPENDENT: _("自己在平台上接单（如众包），自主安排时间"),
}


def _text(label: Any, *, max_length: int = 64, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.TextInput(attrs={"maxlength": str(max_length), **attrs})
    )


def _select(label: Any, **attrs: Any) -> forms.CharField:
    # A CharField with a <select>: the options change with the district, and the domain cleaner
    # reports an unknown value in rider words instead of Django's "select a valid choice".
    return forms.CharField(label=label, required=False, widget=forms.Select(attrs=attrs))


class PhoneCodeMixin(forms.Form):
    phone = _text(_("手机号码"), max_length=20, inputmode="tel", autocomplete="tel", placeholder=_("11位手机号"))
    sms_code = _text(
        _("短信验证码"), max_length=8, inputmode="numeric", autocomplete="one-time-code", placeholder=_("6位数字")
    )


class StreetPickerMixin(forms.Form):
    district = _select(_("工作所在区"))
    street_q = _text(_("搜索街镇"), max_length=20, placeholder=_("输入街镇名称，如：徐家汇"), autocomplete="off")
    street_code = _select(_("工作所在街镇"))
    industry = forms.ChoiceField(
        label=_("所在行业"), required=False, choices=Industry.choices, widget=forms.RadioSelect
    )
    labor_relation = forms.ChoiceField(
        label=_("用工关系"), required=False, choices=LaborRelation.choices, widget=forms.RadioSelect
    )
    employer = _select(_("用工单位 / 平台（选填）"))
    station_code = _text(_("站点编码（选填）"), max_length=40, placeholder=_("站点海报上的编码，如 ST-001"), autocomplete="off")

    def setup_pickers(self) -> None:
        data: Any = self.data if self.is_bound else self.initial
        street_code = str(data.get("street_code") or "")
        query = str(data.get("street_q") or "")
        posted_district = str(data.get("district") or "")
        street = _street(street_code)
        street_district = street.parent.code if street is not None and street.parent_id else ""
        district = posted_district or street_district
        if street is not None and street_district != district:
            if query:
                # A name search crossed districts: show the chosen street's district.
                district = street_district
            else:
                # The rider switched district (no-JS refresh): the old street no longer applies.
                street = None
        if self.is_bound and district != posted_district:
            self.data = data = data.copy()
            data["district"] = district
        elif not self.is_bound and district:
            self.initial["district"] = district
        self.fields["district"].widget.choices = pickers.district_choices()
        self.fields["street_code"].widget.choices = pickers.street_choices(district, query, selected=street)
        self.fields["employer"].widget.choices = pickers.employer_choices(street_code, str(data.get("employer") or ""))
        # htmx: picking a street refreshes the employer list (the street's enterprises first).
        self.fields["street_code"].widget.attrs.update(
            {
                "hx-get": reverse("portal:employers"),
                "hx-trigger": "change",
                "hx-target": "#employer-select",
                "hx-swap": "outerHTML",
                "hx-include": "[name=street_code],[name=employer]",
                # Named by the field's visible label (the select sits below the district picker).
                "aria-labelledby": "lbl-street_code",
            }
        )


def _street(code: str) -> Any:
    return Region.objects.filter(code=code, level=Region.Level.STREET).select_related("parent").first() if code else None


class JoinForm(PhoneCodeMixin, StreetPickerMixin):
    t = forms.CharField(required=False, widget=forms.HiddenInput)
    name = _text(_("姓名"), autocomplete="name", placeholder=_("与身份证上一致"))
    id_number = _text(
        _("身份证号码"), max_length=24, autocomplete="off", placeholder=_("18位，最后一位可能是X"), autocapitalize="characters"
    )
    consent = forms.BooleanField(label=_("我已阅读并同意《入会个人信息处理告知》"), required=False)
    consent_id = forms.BooleanField(
        label=_("我单独同意工会处理我的身份证号码（敏感个人信息），仅用于会员实名登记"), required=False
    )

    field_order = [
        "t", "name", "id_number", "phone", "sms_code", "district", "street_q", "street_code",
        "industry", "labor_relation", "employer", "station_code", "consent", "consent_id",
    ]


class LoginForm(PhoneCodeMixin):
    pass


class ChangePhoneForm(PhoneCodeMixin):
    pass


class TransferForm(StreetPickerMixin):
    reason = _text(_("接转原因（选填）"), max_length=200, placeholder=_("如：换了站点、换了平台"))


LEAVE_REASONS = list(notes.LEAVE_REASONS.items())


class LeaveForm(forms.Form):
    reason = forms.ChoiceField(label=_("退会原因"), choices=LEAVE_REASONS, widget=forms.RadioSelect, required=False)
    detail = _text(_("补充说明（选填）"), max_length=200)

    def reason_params(self) -> dict[str, object] | None:
        """The reason as members.notes keeps it ("leave": the choice and the typed words), or
        None when neither was given."""
        choice = self.cleaned_data.get("reason") or ""
        detail = (self.cleaned_data.get("detail") or "").strip()
        if not choice and not detail:
            return None
        return {"choice": choice, "reason": detail}


class DuesForm(forms.Form):
    """A worker reports a dues payment (record only: no money moves through Gongyou)."""

    periods = forms.TypedChoiceField(
        label=_("缴纳期数"), coerce=int, choices=[(n, str(n)) for n in (1, 2, 3, 6, 12)], initial=1
    )
    reference = _text(_("支付凭证号"), max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].required = True
