"""The printable one-page monthly report of a district (or street, or the city) as PDF: the
month's figures, the year so far against the year's targets, the last six months. reportlab with
the Adobe CID font STSong-Light, which every PDF reader carries (no font file to ship)."""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.insight.dashboard import COLUMNS, is_share, label, monthly_report
from gongyou.insight.queries import TREND, Area

CJK_FONT = "STSong-Light"


@lru_cache(maxsize=1)
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def _fmt(value: Any, share: bool = False) -> str:
    if value is None:
        return "—"
    if share:
        return f"{value:.1f}%"
    return f"{int(value):,}"


def monthly_report_pdf(area: Area, month: dt.date, *, now: dt.datetime | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    data = monthly_report(area, month, now=now)
    title_style = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, textColor=colors.HexColor("#c8102e"))
    small = ParagraphStyle("s", fontName=font, fontSize=8, leading=11, textColor=colors.HexColor("#646a73"))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm, bottomMargin=10 * mm
    )
    title = _("%(name)s %(year)d年%(month)d月 新就业形态劳动者工会工作月报") % {
        "name": data["name"],
        "year": month.year,
        "month": month.month,
    }
    header = [_("指标"), _("当月"), _("本年至月末"), _("年度目标"), _("完成率")]
    rows: list[list[str]] = [header]
    for code in COLUMNS:
        line = data["rows"][code]
        share = is_share(code)
        target = line["target"]
        done = f"{100 * (line['year'] or 0) / target:.1f}%" if target else "—"
        rows.append([label(code), _fmt(line["month"], share), _fmt(line["year"], share), _fmt(target), done])
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), font, 9),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f3f5")),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9cdd4")),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )
    trend_header = [_("月份"), *[label(c) for c in TREND[:4]]]
    trend = [trend_header] + [[f"{m['month']:%Y-%m}", *[_fmt(m[c]) for c in TREND[:4]]] for m in data["trend"]]
    cutoff = data["cutoff"]
    note = (
        _("流量指标（新增、接转、服务人数、建会任务）为当月合计；存量指标为月末（本月为此刻）数值。")
        + " "
        + _("数据截至：%(cutoff)s 快照加当日变化；生成于 %(at)s。")
        % {
            "cutoff": cutoff.isoformat() if cutoff else _("未生成快照"),
            "at": timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d %H:%M"),
        }
    )
    story = [
        Paragraph(title, title_style),
        Spacer(1, 4 * mm),
        Table(rows, colWidths=[62 * mm, 28 * mm, 32 * mm, 28 * mm, 22 * mm], style=style),
        Spacer(1, 5 * mm),
        Table(trend, colWidths=[26 * mm] + [36 * mm] * 4, style=style),
        Spacer(1, 4 * mm),
        Paragraph(note, small),
    ]
    doc.build(story)
    return out.getvalue()
