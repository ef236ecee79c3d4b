"""The side menu: grouped by line of work, one current link at most, its group open, admin
links for admins only, every link a real page."""

from __future__ import annotations

import pytest
from django.urls import resolve

from gongyou.console import nav

ALL = [link for group in nav.NAV for link in group.links]


class Admin:
    is_superuser = True


class Officer:
    is_superuser = False
    staff_profile = type("Profile", (), {"role": "officer"})()


@pytest.mark.parametrize("link", ALL, ids=lambda link: link.url_name)
def test_every_link_is_a_console_page_and_is_current_on_its_own_page(link):
    groups = nav.menu("/", Admin())
    url = next(shown.url for group in groups for shown in group.links if shown.label == link.label)
    assert resolve(url).namespace == "console"
    on = [shown for group in nav.menu(url, Admin()) for shown in group.links if shown.on]
    assert [shown.url for shown in on] == [url]


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/console/", "首页"),
        ("/console/members/GY1234/", "会员"),
        ("/console/cases/warnings/", "预警"),
        ("/console/cases/ABC123/", "诉求办理"),
        ("/console/cases/hardship/7/", "困难救助"),
        ("/console/registry/upload/", "建会盲区"),
        ("/stations/manage/coverage/", "覆盖与盲区"),
        ("/stations/manage/feedback/", "阵地反馈"),
        ("/stations/manage/12/", "服务阵地"),
        ("/console/consultations/accountability/", "会商落实问责"),
        ("/console/consultations/3/", "五方协调会商"),
        ("/console/agreements/coverage/", "集体合同覆盖"),
        ("/console/funds/programmes/4/", "项目预算执行"),
        ("/console/funds/reports/", "经费报表"),
        ("/console/funds/accounts/2/", "经费账户"),
        ("/console/jobs/5/", "后台任务"),
    ],
)
def test_the_current_link_and_only_its_group_are_open(path, label):
    groups = nav.menu(path, Admin())
    on = [(group, shown) for group in groups for shown in group.links if shown.on]
    assert [str(shown.label) for _group, shown in on] == [label]
    current_group = on[0][0]
    assert [g.open for g in groups] == [g is current_group for g in groups]


def test_a_page_outside_the_menu_opens_no_group():
    groups = nav.menu("/console/unknown/", Officer())
    assert not any(g.open for g in groups) and not any(s.on for g in groups for s in g.links)


def test_admin_links_are_for_admins_only():
    def labels(user):
        return {str(shown.label) for g in nav.menu("/console/", user) for shown in g.links}

    assert {"工作人员账号", "审计日志", "后台任务"} <= labels(Admin())
    assert not {"工作人员账号", "审计日志", "后台任务"} & labels(Officer())
    assert len(labels(Admin())) == len(ALL)


def test_the_page_draws_the_groups(client, world):
    from gongyou.console.tests.test_jobs import admin_at

    admin_at(client, world.city, "city_admin")
    body = client.get("/console/cases/warnings/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    menu = body.split('class="console-nav"', 1)[1].split("</nav>", 1)[0]
    assert menu.count("<details") == len([g for g in nav.NAV if g.label]) and menu.count(" open>") == 1
    assert '<details class="nav-group" open><summary>维权服务</summary>' in menu
    assert 'class="on" aria-current="page">预警</a>' in menu
