"""The console's side menu, grouped by line of work: a flat list of 44 links made officers
scroll and search; groups fold away, and the group of the page in view stays open."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Link:
    url_name: str  # in the console namespace
    label: Any
    # The link is the current one when the path contains one of `within` and none of `not_within`
    # (sections nest: /console/cases/warnings/ is 预警, not 诉求办理); `exact` for the home page.
    within: tuple[str, ...] = ()
    not_within: tuple[str, ...] = ()
    exact: str = ""
    admin: bool = False  # staff accounts, audit log, jobs: for admins only

    def current(self, path: str) -> bool:
        if self.exact:
            return path == self.exact
        return any(part in path for part in self.within) and not any(part in path for part in self.not_within)


@dataclass(frozen=True)
class Group:
    label: Any  # None: shown at the top without a heading
    links: tuple[Link, ...]


NAV = (
    Group(
        None,
        (
            Link("home", _("首页"), exact="/console/"),
            Link("insight", _("覆盖指标"), ("/console/insight/",)),
        ),
    ),
    Group(
        _("会员与入会"),
        (
            Link("members", _("会员"), ("/console/members/",)),
            Link("applications", _("入会审批"), ("/console/applications/",)),
            Link("transfers", pgettext_lazy("console section", "组织关系接转"), ("/console/transfers/",)),
            Link("roster", _("名册导入"), ("/console/roster/",)),
        ),
    ),
    Group(
        _("组织建设"),
        (
            Link("orgs", _("工会组织"), ("/console/orgs/",)),
            Link("enterprises", pgettext_lazy("console section", "企业"), ("/console/enterprises/",)),
            Link("stations", _("配送站点"), ("/console/stations/",)),
            Link("tasks", _("建会任务"), ("/console/tasks/",)),
            Link("gaps", _("建会盲区"), ("/console/gaps/", "/console/registry/")),
        ),
    ),
    Group(
        _("阵地与覆盖"),
        (
            Link("positions", _("服务阵地"), ("/stations/manage/",), ("/coverage/", "/feedback/")),
            Link("coverage", _("覆盖与盲区"), ("/stations/manage/coverage/",)),
            Link("position_feedback", _("阵地反馈"), ("/stations/manage/feedback/",)),
        ),
    ),
    Group(
        _("服务与保障"),
        (
            Link("campaigns", _("服务活动"), ("/console/campaigns/",)),
            Link("claims", _("福利发放"), ("/console/handouts/",)),
            Link("station", _("扫码发放"), ("/console/station/",)),
            Link("slots", _("预约服务"), ("/console/appointments/",)),
            Link("plans", _("会员保障"), ("/console/insurance/",)),
            Link("served", _("服务人数"), ("/console/served/",)),
            Link("competitions", _("劳动和技能竞赛"), ("/console/competitions/",)),
            Link("honours", _("荣誉推荐"), ("/console/honours/",)),
        ),
    ),
    Group(
        _("维权服务"),
        (
            Link("cases", _("诉求办理"), ("/console/cases/",), ("/warnings/", "/hardship/", "/checkups/")),
            Link("warnings", _("预警"), ("/console/cases/warnings/",)),
            Link("hardship", _("困难救助"), ("/console/cases/hardship/",)),
            Link("checkups", _("法律体检"), ("/console/cases/checkups/",)),
        ),
    ),
    Group(
        _("协商与上下联络"),
        (
            Link("meetings", _("五方协调会商"), ("/console/consultations/",), ("/accountability/",)),
            Link("accountability", _("会商落实问责"), ("/console/consultations/accountability/",)),
            Link("agreements", _("集体合同"), ("/console/agreements/",), ("/coverage/",)),
            Link("agreement_coverage", _("集体合同覆盖"), ("/console/agreements/coverage/",)),
            Link("notices", _("通知"), ("/console/notices/",)),
            Link("reports", _("上报材料"), ("/console/reports/",)),
            Link("department_tasks", _("部门任务"), ("/console/departments/",)),
        ),
    ),
    Group(
        _("经费与会费"),
        (
            Link("fund_accounts", _("经费账户"), ("/console/funds/",), ("/programmes/", "/reports/")),
            Link("fund_programmes", _("项目预算执行"), ("/console/funds/programmes/",)),
            Link("fund_reports", _("经费报表"), ("/console/funds/reports/",)),
            Link("dues_schedule", _("会费标准"), ("/console/dues/schedule/",)),
            Link("dues_import", _("会费导入"), ("/console/dues/import/",)),
            Link("dues_payments", _("会费缴纳"), ("/console/dues/payments/",)),
            Link("arrears", _("欠缴会费"), ("/console/dues/arrears/",)),
        ),
    ),
    Group(
        _("账号与系统"),
        (
            Link("tokens", _("接口令牌"), ("/console/tokens/",)),
            Link("staff", _("工作人员账号"), ("/console/staff/",), admin=True),
            Link("audit", _("审计日志"), ("/console/audit/",), admin=True),
            Link("jobs", _("后台任务"), ("/console/jobs/",), admin=True),
            Link("password", _("修改密码"), ("/console/password/",)),
        ),
    ),
)


@dataclass(frozen=True)
class ShownLink:
    url: str
    label: Any
    on: bool


@dataclass(frozen=True)
class ShownGroup:
    label: Any
    links: list[ShownLink]
    open: bool  # holds the current page


@lru_cache(maxsize=256)
def _url(prefix: str, url_name: str) -> str:
    """The link's address, worked out once per script prefix (every console page draws ~50)."""
    return reverse(f"console:{url_name}")


def _is_admin(user: Any) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    profile = getattr(user, "staff_profile", None)
    return profile is not None and profile.role == "admin"


def menu(path: str, user: Any) -> list[ShownGroup]:
    """The menu as `user` sees it on `path`: at most one link current, its group open."""
    admin = _is_admin(user)
    groups: list[ShownGroup] = []
    found = False
    for group in NAV:
        links = []
        for link in group.links:
            if link.admin and not admin:
                continue
            on = not found and link.current(path)
            found = found or on
            links.append(ShownLink(_url(get_script_prefix(), link.url_name), link.label, on))
        if links:
            groups.append(ShownGroup(group.label, links, any(link.on for link in links)))
    return groups
