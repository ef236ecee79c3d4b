"""Uploading the enterprise or station file `manage.py import_enterprises` takes: the same
reader, row checks and services (gongyou.core.enterprise_import), limited to the uploader's
streets; refused rows shown on the page and downloadable as the rows uploaded plus a reason
column, so the file can be corrected and uploaded again."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, error_text
from gongyou.core import excel
from gongyou.core.enterprise_import import ENTERPRISES, STATIONS, import_table, read_table, template_bytes

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SHOWN = 200
# The refused rows of the uploader's last import, for the error file (enterprise data only:
# USCCs, names, station addresses — no personal data).
ERRORS_KEY = "core.enterprise_import_errors"


@console_view
def enterprise_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "console/enterprises/import.html", {})
    upload = request.FILES.get("file")
    if upload is None or (upload.size or 0) > MAX_UPLOAD_BYTES:
        error = _("请选择要上传的文件") if upload is None else _("文件不能超过 5 MB")
        return render(request, "console/enterprises/import.html", {"error": error}, status=400)
    try:
        table = read_table(upload.read(), upload.name or "")
    except ValidationError as exc:
        return render(request, "console/enterprises/import.html", {"error": error_text(exc)}, status=400)
    result = import_table(table, user=request.user, actor=actor(request))
    header = [*result.header, _("未导入原因")]
    request.session[ERRORS_KEY] = {"kind": result.kind, "header": header, "rows": result.error_lines()}
    context = {"result": result, "shown": result.rejected[:MAX_SHOWN], "stations": result.kind == STATIONS}
    return render(request, "console/enterprises/import.html", context)


@console_view
def enterprise_import_errors(request: HttpRequest) -> HttpResponse:
    saved = request.session.get(ERRORS_KEY) or {}
    if not saved.get("rows"):
        raise Http404
    title = _("未导入的站点") if saved.get("kind") == STATIONS else _("未导入的企业")
    sheet = excel.Sheet(title, saved["header"], saved["rows"], text=True)
    return excel.xlsx_response(title, excel.workbook_bytes([sheet]))


@console_view
def enterprise_import_template(request: HttpRequest) -> HttpResponse:
    kind = STATIONS if request.GET.get("kind") == STATIONS else ENTERPRISES
    return excel.xlsx_response(_("站点导入模板") if kind == STATIONS else _("企业导入模板"), template_bytes(kind))
