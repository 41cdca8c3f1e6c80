"""The reports page and its CSV download for a date range in the console's time zone; the figures
themselves are built in bot.console.reports."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.console import formats, reports
from bot.console.view_helpers import AGENT, _lang, _render, _timezone
from bot.users.models import SignedIn
from onewindow_catalogue.database import get_db_session
from onewindow_catalogue.snapshot import CatalogueSnapshot
from onewindow_catalogue.views import get_snapshot

router = APIRouter()


def _report(
    request: Request, db_session: Session, snapshot: CatalogueSnapshot, start: Optional[str], end: Optional[str]
):
    lang = _lang(request)
    period = reports.date_range(start, end, _timezone(request), lang=lang)
    return period, reports.build_report(db_session=db_session, snapshot=snapshot, period=period, lang=lang)


@router.get("/console/reports", response_class=HTMLResponse, include_in_schema=False)
def reports_page(
    request: Request,
    start: Optional[str] = Query(None, alias="from"),
    end: Optional[str] = Query(None, alias="to"),
    signed_in: SignedIn = Depends(AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    try:
        period, report = _report(request, db_session, snapshot, start, end)
        error, form = None, {"from": period.start.isoformat(), "to": period.end.isoformat()}
        here, status = f"/console/reports?from={form['from']}&to={form['to']}", 200
    except reports.ReportRangeError as refused:
        # the default period's report, with the dates as typed and why they were refused
        period, report = _report(request, db_session, snapshot, None, None)
        error, form = str(refused), {"from": start or "", "to": end or ""}
        here, status = "/console/reports", 422
    context = {"report": report, "error": error, "form": form, **_report_helpers(report, _lang(request))}
    return _render(request, "reports.html", signed_in, context, status=status, here=here)


def _report_helpers(report: Dict[str, Any], lang: str) -> Dict[str, Any]:
    volume = [{**row, "count": row["total"]} for row in report["volume"]["rows"]]
    return {
        "volume_bars": reports.bars(volume),
        "reason_bars": reports.bars(report["handoff"]["reasons"]),
        "disposition_bars": reports.bars(report["dispositions"]),
        "queue_bars": reports.bars([{**q, "count": q["cases"]} for q in report["queues"]]),
        "minutes": lambda value: formats.minutes_text(value, lang),
        "day": lambda value: formats.long_date(value, lang),
        "cases_count": lambda n, kind="cases": formats.count(n, f"console.count.{kind}", lang),
        "csv_query": f"from={report['range']['from']}&to={report['range']['to']}",
    }


@router.get("/console/reports.csv", include_in_schema=False)
def reports_csv(
    request: Request,
    start: Optional[str] = Query(None, alias="from"),
    end: Optional[str] = Query(None, alias="to"),
    _: SignedIn = Depends(AGENT),
    db_session: Session = Depends(get_db_session, scope="function"),
    snapshot: CatalogueSnapshot = Depends(get_snapshot),
):
    try:
        period, report = _report(request, db_session, snapshot, start, end)
    except reports.ReportRangeError as error:
        raise HTTPException(422, str(error)) from None
    filename = f"onewindow-report-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(
        reports.to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
