"""Market-registry extracts: the command's contract and every kind of row the bureau sends."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from gongyou.core import excel
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, Enterprise
from gongyou.core.testing import make_uscc
from gongyou.insight.registry import import_extract, read_extract

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "行业代码",
    "住所",
    "登记机关",
    "登记状态",
    "成立日期",
    "注册资本",
]


def row(
    seq: int,
    *,
    code: str = "6242",
    status: str = "存续",
    address: str = "上海市徐汇区徐家汇街道虹桥路1号",
    authority: str = "上海市徐汇区市场监督管理局",
    uscc: str | None = None,
    name: str | None = None,
) -> list[str]:
    return [
        uscc if uscc is not None else make_uscc(100 + seq),
        name or f"测试企业{seq}有限公司",
        "张三",
        code,
        address,
        authority,
        status,
        "2020-05-06",
        "100万",
    ]


def write_csv(path: Path, rows: list[list[str]], title: str | None = None) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        if title:
            writer.writerow([title])
            writer.writerow([])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run(path: Path) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_market_registry", str(path), stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()


def rejected(path: Path) -> list[dict[str, str]]:
    with path.with_name(path.name + ".rejected.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_the_last_line_counts_what_changed_and_a_second_run_changes_nothing(regions, tmp_path):
    path = write_csv(tmp_path / "r.csv", [row(1), row(2, code="5413"), row(3, code="1311")])
    assert run(path)[-1] == "created=3 updated=0 unchanged=0 rejected=0"
    audits = AuditLog.objects.count()
    assert run(path)[-1] == "created=0 updated=0 unchanged=3 rejected=0"
    assert AuditLog.objects.count() == audits
    assert not path.with_name("r.csv.rejected.csv").exists()


def test_a_row_maps_industry_district_and_street(regions, tmp_path):
    run(
        write_csv(
            tmp_path / "r.csv",
            [
                row(1),
                row(2, code="5413", authority="上海市市场监督管理局", address="上海市浦东新区张江镇科苑路88号"),
                row(3, code="1311"),
            ],
        )
    )
    food = Enterprise.objects.get(uscc=make_uscc(101))
    assert (food.industry, food.industry_code, food.district.name, food.street.name) == (
        "food_delivery",
        "6242",
        "徐汇区",
        "徐家汇街道",
    )
    assert food.legal_rep == "张三" and str(food.registered_on) == "2020-05-06" and not food.left_register
    ride = Enterprise.objects.get(uscc=make_uscc(102))
    assert (ride.industry, ride.district.name, ride.street.name) == ("ride_hailing", "浦东新区", "张江镇")
    # Outside the target industries: kept, never a gap.
    assert Enterprise.objects.get(uscc=make_uscc(103)).industry == ""


def test_district_without_a_named_street_is_kept_with_the_street_unknown(regions, tmp_path):
    run(write_csv(tmp_path / "r.csv", [row(1, address="上海市某某路1号")]))
    e = Enterprise.objects.get(uscc=make_uscc(101))
    assert e.district.name == "徐汇区" and e.street is None


def test_enterprises_that_left_the_register_are_marked_not_deleted(regions, tmp_path):
    run(write_csv(tmp_path / "a.csv", [row(1), row(2)]))
    path = write_csv(tmp_path / "b.csv", [row(1), row(2, status="注销")])
    assert run(path)[-1] == "created=0 updated=1 unchanged=1 rejected=0"
    gone = Enterprise.objects.get(uscc=make_uscc(102))
    assert gone.left_register and gone.registry_status == "注销"
    assert AuditLog.objects.filter(action="enterprise.registry_update", object_id=str(gone.pk)).exists()


@pytest.mark.parametrize(
    ("bad", "field", "code"),
    [
        ({"uscc": "91310000123456789X"}, "uscc", "uscc_bad_check"),
        ({"uscc": "123"}, "uscc", "uscc_wrong_length"),
        ({"code": "9999"}, "industry_code", "unknown_industry_code"),
        ({"code": "62A2"}, "industry_code", "unknown_industry_code"),
        ({"status": ""}, "registry_status", "required"),
        ({"status": "不知道"}, "registry_status", "bad_status"),
    ],
)
def test_bad_rows_are_rejected_with_reasons_beside_the_file(regions, tmp_path, bad, field, code):
    path = write_csv(tmp_path / "r.csv", [row(1), row(2, **bad)])
    assert run(path)[-1] == "created=1 updated=0 unchanged=0 rejected=1"
    [line] = rejected(path)
    assert (line["row"], line["field"], line["code"]) == ("3", field, code)
    assert line["message"]


def test_a_duplicate_uscc_in_one_file_keeps_the_first_and_rejects_the_second(regions, tmp_path):
    path = write_csv(tmp_path / "r.csv", [row(1), row(2, uscc=make_uscc(101), name="另一个名字")])
    assert run(path)[-1] == "created=1 updated=0 unchanged=0 rejected=1"
    [line] = rejected(path)
    assert (line["row"], line["code"]) == ("3", "duplicate_in_file")
    assert Enterprise.objects.get(uscc=make_uscc(101)).name == "测试企业1有限公司"


def test_full_width_uscc_and_industry_code_are_accepted(regions, tmp_path):
    wide = make_uscc(101).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    path = write_csv(tmp_path / "r.csv", [row(1, uscc=wide, code="６２４２")])
    assert run(path)[-1] == "created=1 updated=0 unchanged=0 rejected=0"
    e = Enterprise.objects.get(uscc=make_uscc(101))
    assert (e.industry_code, e.industry) == ("6242", "food_delivery")


def test_the_header_is_found_under_a_title_row_in_an_xlsx(regions, tmp_path):
    data = excel.workbook_bytes([excel.Sheet("登记信息", ["2024年市场主体登记信息导出"], [[], HEADER, row(1), row(2)])])
    path = tmp_path / "r.xlsx"
    path.write_bytes(data)
    assert run(path)[-1] == "created=2 updated=0 unchanged=0 rejected=0"


def test_a_union_registered_enterprise_keeps_its_head_flag_and_industry(world):
    e = world.platform
    rows = [
        (
            2,
            {
                "uscc": e.uscc,
                "name": "新名字",
                "industry_code": "1311",
                "registry_status": "在业",
                "address": "",
                "registry_authority": "",
            },
        )
    ]
    result = import_extract(rows, actor=COMMAND)
    assert result.summary == "created=0 updated=1 unchanged=0 rejected=0"
    e.refresh_from_db()
    assert (e.name, e.is_head, e.industry, e.street) == ("新名字", True, "food_delivery", world.street)


def test_a_file_without_the_required_headers_is_refused(regions):
    with pytest.raises(Exception, match="行业代码"):
        read_extract("统一社会信用代码,企业名称,登记状态\n".encode(), "r.csv")


def test_an_upload_imported_in_chunks_by_a_job_gives_the_commands_result(personas, tmp_path, monkeypatch):
    """The console's upload runs as a background job, a few rows a chunk; a USCC repeated in a
    later chunk is still refused as in the command, and the job reports its progress."""
    from gongyou.core.actors import Actor
    from gongyou.core.models import BackgroundJob
    from gongyou.insight import services

    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    rows = [row(1), row(2), row(3, code="9999"), row(4), row(5, uscc=make_uscc(101), name="另一个名字"), row(6)]
    path = write_csv(tmp_path / "r.csv", rows)
    user = personas["city"]
    record = services.import_registry_file(path.read_bytes(), "r.csv", user=user, actor=Actor.staff(user))
    record.refresh_from_db()
    assert (record.status, record.position, record.total, record.rows) == ("done", 6, 6, [])
    assert record.summary == "created=4 updated=0 unchanged=0 rejected=2"
    assert sorted((r["index"], next(iter(r["errors"]))) for r in record.rejected) == [(4, "industry_code"), (6, "uscc")]
    job = BackgroundJob.objects.get(key=f"registry_import:{record.pk}")
    assert (job.status, job.done, job.total) == ("succeeded", 6, 6)
    assert AuditLog.objects.filter(action="registry.import", object_id=str(record.pk)).count() == 1
    assert run(tmp_path / "r.csv")[-1] == "created=0 updated=0 unchanged=4 rejected=2"
