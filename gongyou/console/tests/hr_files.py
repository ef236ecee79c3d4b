"""A roster as an HR department really sends it, built with openpyxl (shared with e2e)."""

from io import BytesIO

from openpyxl import Workbook

from gongyou.core.testing import make_id_number, make_phone

HR_HEADER = ["工号", "姓名", "身份证号", "手机号码", "配送区域", "站点", "合作模式", "业务类型", "在职状态"]


def hr_roster(bad_id_row: bool = True) -> bytes:
    """A merged title row, HR's header words, an unknown column (配送区域 holds the street, as a
    name), 众包/专送, 在岗/离职, and (bad_id_row) one ID number stored by Excel as a number."""
    book = Workbook()
    sheet = book.active
    sheet.append(["某某配送有限公司骑手花名册（2026年11月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HR_HEADER))
    sheet.append(HR_HEADER)
    sheet.append(["A001", "张三", make_id_number(31), make_phone(31), "徐家汇街道", "ST-001", "专送", "外卖", "在岗"])
    sheet.append(["A002", "李四", make_id_number(32), int(make_phone(32)), "徐家汇", "", "众包", "外卖", "离职"])
    sheet.append(["A003", "王五", make_id_number(33), make_phone(33), "湖南路街道", "", "众包", "快递", "在岗"])
    if bad_id_row:
        sheet.append(["A004", "赵六", int(make_id_number(34)[:17] + "0"), make_phone(34), "徐家汇街道", "", "众包", "外卖", "在岗"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
