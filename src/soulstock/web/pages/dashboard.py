"""Console dashboard pages: the shop's (or a product's) metrics as SVG charts and tables, the
stock bands form, the secondary-market log, and a CSV export of every table."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from soulstock.domain.advisor import ActionKind
from soulstock.domain.errors import NotFound
from soulstock.services import advisor, dashboard
from soulstock.web.deps import CtxDep
from soulstock.web.pages.charts import Mark, bars
from soulstock.web.pages.console import Seller, page
from soulstock.web.pages.i18n import N_, gettext
from soulstock.web.pages.render import check_csrf, redirect

router = APIRouter(include_in_schema=False)
Csrf = [Depends(check_csrf)]
BUTTONS = {
    ActionKind.TO_PERIODIC: N_("Switch to monthly drops of %(value)s"),
    ActionKind.LOWER_BUYER_CAP: N_("Lower the per-buyer cap to %(value)s"),
    ActionKind.SET_HINT_THRESHOLD: N_("Show “only X left” at %(value)s or fewer"),
    ActionKind.TO_STAPLE: N_("Make it a staple"),
}


def tables(dash: dashboard.Dashboard) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every table of the dashboard as (header, rows): shown on the page and exported."""
    f = dash.funnel
    return {
        "funnel": (
            ["views", "holds", "checkouts", "paid", "abandoned"],
            [[f.views, f.holds, f.checkouts, f.paid, f.abandoned]],
        ),
        "bands": (
            ["band", "views", "holds", "paid", "abandoned"],
            [[r.band, r.views, r.holds, r.paid, r.abandoned] for r in dash.by_band],
        ),
        "daily": (
            ["day", "units", "revenue_minor", "views", "waitlist_joins"],
            [
                [p.start.isoformat(), p.units, p.revenue_minor, p.views, p.waitlist_joins]
                for p in dash.daily
            ],
        ),
        "drops": (
            [
                "product",
                "seq",
                "kind",
                "quantity",
                "sold",
                "opened_at",
                "hours_to_sell_out",
                "waiting",
                "converted",
            ],
            [
                [
                    d.title,
                    d.seq,
                    d.kind,
                    d.quantity,
                    d.sold,
                    d.opened_at.isoformat(),
                    d.hours_to_sell_out,
                    d.waiting,
                    d.converted,
                ]
                for d in dash.drops
            ],
        ),
        "switches": (
            ["product", "at", "from", "to", "units_per_30d_before", "units_per_30d_after"],
            [
                [
                    s.title,
                    s.at.isoformat(),
                    s.before_policy,
                    s.after_policy,
                    s.before.units_per_30_days,
                    s.after.units_per_30_days,
                ]
                for s in dash.switches
            ],
        ),
        "mentions": (
            ["noted_on", "source", "url", "note"],
            [[m.noted_on.isoformat(), m.source, m.url, m.note] for m in dash.mentions],
        ),
    }


def charts(dash: dashboard.Dashboard) -> dict[str, Any]:
    days = [p.start.strftime("%m-%d") for p in dash.daily]
    index = {p.start: i for i, p in enumerate(dash.daily)}
    marks = [
        Mark(index[d.opened_at.date()], f"{d.title} #{d.seq}")
        for d in dash.drops
        if d.opened_at.date() in index
    ]
    marks += [  # the product's timeline: secondary-market talk beside its drops
        Mark(index[m.noted_on], f"{m.source}: {m.note or m.url}", kind="mention")
        for m in dash.mentions
        if m.noted_on in index
    ]
    f = dash.funnel
    return {
        "sales": bars(
            title=gettext("Units sold per day, with drops and market mentions marked"),
            labels=days,
            values=[p.units for p in dash.daily],
            marks=marks,
        ),
        "funnel": bars(
            title=gettext("Funnel: views, holds, checkouts, paid"),
            labels=[
                gettext("Page views"),
                gettext("Holds placed"),
                gettext("Checkouts started"),
                gettext("Orders paid"),
            ],
            values=[f.views, f.holds, f.checkouts, f.paid],
        ),
        "bands": bars(
            title=gettext("Conversion by stock band"),
            labels=[r.band for r in dash.by_band],
            values=[r.conversion or 0.0 for r in dash.by_band],
            unit="%",
        ),
        "sellout": bars(
            title=gettext("Hours to sell out per drop"),
            labels=[
                f"{d.title[:8]} #{d.seq}" for d in dash.drops if d.hours_to_sell_out is not None
            ],
            values=[
                d.hours_to_sell_out or 0.0 for d in dash.drops if d.hours_to_sell_out is not None
            ],
        ),
        "waitlist": bars(
            title=gettext("Waitlist joins per day"),
            labels=days,
            values=[p.waitlist_joins for p in dash.daily],
        ),
    }


def advice(dash: dashboard.Dashboard) -> list[dict[str, Any]]:
    """Each suggestion as its translated sentence, its evidence and its action's form."""
    out = []
    for s in dash.advice:
        value = next(iter(s.action.params.values()), None) if s.action else None
        button = gettext(BUTTONS[s.action.kind]) % {"value": value} if s.action else ""
        out.append(
            {
                "rule": s.rule.value,
                "text": gettext(s.message) % s.params,
                "evidence": s.evidence,
                "action": s.action,
                "value": value,
                "button": button,
                "product_id": s.product_id,
            }
        )
    return out


def _show(request: Request, dash: dashboard.Dashboard, ctx: CtxDep, seller_id: int) -> Response:
    values = {
        "shop": dash.shop,
        "section": "dashboard",
        "dash": dash,
        "charts": lambda: charts(dash),  # built while rendering, in the page's language
        "tables": tables(dash),
        "advice": lambda: advice(dash),
    }
    return page(request, "console/dashboard.html", values)


@router.get("/console/{shop_slug}/dashboard", response_class=HTMLResponse)
def shop_dashboard(
    request: Request,
    shop_slug: str,
    ctx: CtxDep,
    seller: Seller,
    first: date | None = None,
    last: date | None = None,
) -> Response:
    dash = dashboard.dashboard(ctx, actor_id=seller.id, shop_slug=shop_slug, first=first, last=last)
    return _show(request, dash, ctx, seller.id)


@router.get("/console/{shop_slug}/dashboard/p/{product_id}", response_class=HTMLResponse)
def product_dashboard(
    request: Request,
    shop_slug: str,
    product_id: int,
    ctx: CtxDep,
    seller: Seller,
    first: date | None = None,
    last: date | None = None,
) -> Response:
    dash = dashboard.dashboard(
        ctx, actor_id=seller.id, shop_slug=shop_slug, first=first, last=last, product_id=product_id
    )
    return _show(request, dash, ctx, seller.id)


@router.get("/console/{shop_slug}/dashboard/{name}.csv")
def export_csv(
    shop_slug: str,
    name: str,
    ctx: CtxDep,
    seller: Seller,
    product_id: int | None = None,
    first: date | None = None,
    last: date | None = None,
) -> Response:
    dash = dashboard.dashboard(
        ctx, actor_id=seller.id, shop_slug=shop_slug, first=first, last=last, product_id=product_id
    )
    found = tables(dash).get(name)
    if found is None:
        raise NotFound(f"no table called {name!r}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(found[0])
    writer.writerows(found[1])
    headers = {
        "Content-Disposition": f'attachment; filename="{shop_slug}-{name}.csv"',
        "Cache-Control": "private, no-store",
    }
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/console/{shop_slug}/dashboard/p/{product_id}/mentions", dependencies=Csrf)
def add_mention(
    shop_slug: str,
    product_id: int,
    ctx: CtxDep,
    seller: Seller,
    url: Annotated[str, Form()],
    source: Annotated[str, Form()],
    noted_on: Annotated[date, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    dashboard.add_mention(
        ctx,
        actor_id=seller.id,
        product_id=product_id,
        url=url,
        source=source,
        noted_on=noted_on,
        note=note,
    )
    return redirect(f"/console/{shop_slug}/dashboard/p/{product_id}")


@router.post("/console/{shop_slug}/dashboard/advice", dependencies=Csrf)
def apply_advice(
    shop_slug: str,
    ctx: CtxDep,
    seller: Seller,
    product_id: Annotated[int, Form()],
    action: Annotated[ActionKind, Form()],
    value: Annotated[int | None, Form()] = None,
) -> Response:
    advisor.apply(ctx, actor_id=seller.id, product_id=product_id, kind=action, value=value)
    return redirect(f"/console/{shop_slug}/dashboard#advisor")


@router.post("/console/{shop_slug}/dashboard/bands", dependencies=Csrf)
def set_bands(
    shop_slug: str,
    ctx: CtxDep,
    seller: Seller,
    high: Annotated[int, Form()],
    low: Annotated[int, Form()],
) -> Response:
    dashboard.set_bands(ctx, actor_id=seller.id, shop_slug=shop_slug, high=high, low=low)
    return redirect(f"/console/{shop_slug}/dashboard")
