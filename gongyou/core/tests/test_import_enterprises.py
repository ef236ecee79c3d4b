import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from gongyou.core.models import AuditLog, Enterprise, Station
from gongyou.core.testing import make_uscc

HEADER = ["uscc", "name", "industry", "street_code", "is_head", "parent_uscc", "relation"]
HEAD, AGENT, BRANCH = make_uscc(101), make_uscc(102), make_uscc(103)


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command("import_enterprises", str(path), stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def read_errors(path):
    with open(f"{path}.errors.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# The agent comes before its parent: the parent is imported first all the same.
GOOD = [
    [AGENT, "示例代理有限公司", "food_delivery", "310104014", "0", HEAD, "agent"],
    [HEAD, "示例平台有限公司", "网约送餐", "310104014000", "是", "", ""],
    [BRANCH, "示例分公司", "express", "310104004", "false", AGENT, "分公司"],
]


def test_it_imports_parents_first_and_accepts_labels_and_long_codes(regions, tmp_path):
    path = write_csv(tmp_path / "enterprises.csv", GOOD)
    out, err = run(path)
    assert out.strip().splitlines()[-1] == "新增 3，更新 0，未变 0，拒绝 0"
    head = Enterprise.objects.get(uscc=HEAD)
    assert head.is_head and head.industry == "food_delivery" and head.street.code == "310104014"
    agent = Enterprise.objects.get(uscc=AGENT)
    assert (agent.parent, agent.relation, agent.is_head) == (head, "agent", False)
    branch = Enterprise.objects.get(uscc=BRANCH)
    assert (branch.parent, branch.relation, branch.industry) == (agent, "branch", "express")
    assert AuditLog.objects.filter(action="enterprise.create", actor_label="command").count() == 3
    assert "导入企业" in err  # the progress bar
    assert not (tmp_path / "enterprises.csv.errors.csv").exists()


def test_rerunning_changes_nothing_and_changes_are_counted(regions, tmp_path):
    path = write_csv(tmp_path / "e.csv", GOOD)
    run(path)
    audits = AuditLog.objects.count()
    assert run(path)[0].strip() == "新增 0，更新 0，未变 3，拒绝 0"
    assert AuditLog.objects.count() == audits
    changed = [GOOD[0], [HEAD, "示例平台集团有限公司", "food_delivery", "310104014", "1", "", ""], GOOD[2]]
    assert run(write_csv(tmp_path / "e.csv", changed))[0].strip() == "新增 0，更新 1，未变 2，拒绝 0"
    assert Enterprise.objects.get(uscc=HEAD).name == "示例平台集团有限公司"


def test_bad_rows_are_reported_and_never_block_good_ones(regions, tmp_path):
    bad_check = make_uscc(201)[:-1] + ("0" if make_uscc(201)[-1] != "0" else "1")
    rows = [
        *GOOD,
        [bad_check, "校验位错误", "express", "310104014", "0", "", ""],  # row 5
        [make_uscc(202), "", "knitting", "999999999", "maybe", "", ""],  # row 6
        [make_uscc(203), "孤儿代理", "express", "310104014", "0", make_uscc(299), "agent"],  # row 7
        [make_uscc(204), "缺关系", "express", "310104014", "0", HEAD, ""],  # row 8
        [HEAD, "重复行", "express", "310104014", "0", "", ""],  # row 9
        [make_uscc(205), "好企业", "other", "310104014", "", "", ""],  # row 10
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)
    out, err = run(path)
    assert out.strip().startswith("新增 4，更新 0，未变 0，拒绝 5")
    assert "mixed.csv.errors.csv" in out
    assert Enterprise.objects.filter(uscc__in=[HEAD, AGENT, BRANCH, make_uscc(205)]).count() == 4
    assert Enterprise.objects.count() == 4
    assert "第5行" in err and "uscc_bad_check" in err

    errors = read_errors(path)
    assert list(errors[0]) == ["row", "uscc", "field", "code", "message"]
    found = {(e["row"], e["field"], e["code"]) for e in errors}
    assert found == {
        ("5", "uscc", "uscc_bad_check"),
        ("6", "name", "required"),
        ("6", "industry", "bad_industry"),
        ("6", "street_code", "unknown_street"),
        ("6", "is_head", "bad_boolean"),
        ("7", "parent_uscc", "unknown_parent"),
        ("8", "relation", "relation_required"),
        ("9", "uscc", "duplicate_in_file"),
    }
    assert all(e["message"] for e in errors)
    assert next(e for e in errors if e["row"] == "7")["uscc"] == make_uscc(203)

    # Fixed file: the stale error report disappears.
    write_csv(path, GOOD)
    run(path)
    assert not (tmp_path / "mixed.csv.errors.csv").exists()


def test_a_parent_cycle_is_rejected(regions, tmp_path):
    a, b = make_uscc(301), make_uscc(302)
    rows = [
        [a, "甲", "express", "310104014", "0", b, "subsidiary"],
        [b, "乙", "express", "310104014", "0", a, "subsidiary"],
    ]
    path = write_csv(tmp_path / "cycle.csv", rows)
    out, _err = run(path)
    assert "拒绝 2" in out
    assert {e["code"] for e in read_errors(path)} == {"parent_cycle"}
    assert not Enterprise.objects.exists()


def test_it_imports_xlsx_with_typed_cells(regions, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([HEAD, "示例平台有限公司", "food_delivery", 310104014, True, None, None])
    sheet.append([AGENT, "示例代理有限公司", "food_delivery", 310104014000, False, HEAD, "代理商"])
    sheet.append([None] * 7)
    sheet.append([make_uscc(401), "坏街镇", "express", 123, 0, None, None])
    path = tmp_path / "enterprises.xlsx"
    book.save(path)
    out, _err = run(path)
    assert out.strip().startswith("新增 2，更新 0，未变 0，拒绝 1")
    assert Enterprise.objects.get(uscc=HEAD).is_head
    assert Enterprise.objects.get(uscc=AGENT).parent.uscc == HEAD
    errors = read_errors(path)
    assert [(e["row"], e["field"], e["code"]) for e in errors] == [("5", "street_code", "unknown_street")]


def test_it_reads_a_gbk_csv_saved_by_excel(regions, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", GOOD[1:2], encoding="gb18030")
    run(path)
    assert Enterprise.objects.get(uscc=HEAD).name == "示例平台有限公司"


def test_a_missing_column_is_a_clear_error(regions, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [[HEAD, "x", "express", "310104014", "0", ""]], header=HEADER[:-1])
    with pytest.raises(CommandError, match="表头缺少列：relation"):
        run(path)
    assert not Enterprise.objects.exists()


def test_unknown_files_and_types_are_clear_errors(regions, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run(tmp_path / "nope.csv")
    other = tmp_path / "e.txt"
    other.write_text("uscc")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        run(other)


def test_a_damaged_spreadsheet_or_undecodable_csv_is_a_clear_error(regions, tmp_path):
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"this is not a zip file")
    with pytest.raises(CommandError, match="无法读取 Excel 文件"):
        run(damaged)
    garbled = tmp_path / "garbled.csv"
    garbled.write_bytes(b"uscc,name\n\x81\x20\xff\xfe\n")
    with pytest.raises(CommandError, match="无法读取文件"):
        run(garbled)
    assert not Enterprise.objects.exists()


def test_a_missing_parent_says_whether_its_row_failed_or_it_is_not_in_the_file(regions, tmp_path):
    bad_parent = make_uscc(501)
    rows = [
        [bad_parent, "", "express", "310104014", "0", "", ""],  # row 2: fails (no name)
        [make_uscc(502), "子公司", "express", "310104014", "0", bad_parent, "subsidiary"],  # row 3
        [make_uscc(503), "孤儿", "express", "310104014", "0", make_uscc(599), "subsidiary"],  # row 4
    ]
    path = write_csv(tmp_path / "parents.csv", rows)
    run(path)
    messages = {e["row"]: e["message"] for e in read_errors(path) if e["field"] == "parent_uscc"}
    assert "文件中的上级企业行也未能导入" in messages["3"]
    assert "请先导入上级企业" in messages["4"]


def test_a_station_file_is_told_by_its_header_and_upserts_by_code(regions, tmp_path):
    run(write_csv(tmp_path / "e.csv", GOOD))
    header = ["station_code", "station_name", "uscc", "street_code", "address", "lng", "lat", "crs"]
    rows = [
        ["ST-9", "示例站", AGENT, "310104014", "某路9号", "121.44", "31.19", "gcj02"],
        ["ST-10", "无企业", make_uscc(777), "310104014", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "stations.csv", rows, header=header)
    out, err = run(path)
    assert out.strip().startswith("新增 1，更新 0，未变 0，拒绝 1")
    station = Station.objects.get(code="ST-9")
    assert station.enterprise.uscc == AGENT and station.lng < 121.44  # GCJ-02 stored as WGS-84
    assert [(e["row"], e["station_code"], e["code"]) for e in read_errors(path)] == [
        ("3", "ST-10", "unknown_enterprise")
    ]
    assert "导入站点" in err
    assert run(path)[0].strip().startswith("新增 0，更新 0，未变 1")


def test_a_title_row_above_the_header_is_skipped(regions, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["徐汇区平台企业名单（2026年12月）"])
    sheet.append(HEADER)
    sheet.append([HEAD, "示例平台有限公司", "food_delivery", "310104014", "是", None, None])
    path = tmp_path / "titled.xlsx"
    book.save(path)
    assert run(path)[0].strip() == "新增 1，更新 0，未变 0，拒绝 0"
