"""Hot-drop benchmark: N buyers hammer one limited product through HTTP on a real server.

For each backend it starts its own uvicorn process on a fresh database (SQLite: a temp file;
PostgreSQL: a throwaway database on 127.0.0.1:5432, dropped afterwards), seeds one limited
product through the services, measures ``GET /api/v1/ping`` as a baseline, then lets the
buyers race: ``POST /api/v1/products/{id}/reservations`` (201 or 409 ``sold_out``), each
winner paying at once with a signed dev callback. It ends by recounting the database rows and
exits non-zero if anything was oversold. See bench/README.md.

    .venv/bin/python bench/hot_drop.py --backend both --buyers 1000 --concurrency 200 --units 50
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

from soulstock.devserver import live_server
from soulstock.domain.clock import SystemClock
from soulstock.domain.orders import OrderStatus, PaymentOutcome
from soulstock.domain.policy import InventoryPolicy
from soulstock.payments.dev import DevPaymentProvider
from soulstock.settings import Settings
from soulstock.store.migrate import upgrade
from soulstock.store.models import Edition, Order, Release, Reservation

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scheduled

PG_ADMIN_URL = os.environ.get(
    "SOULSTOCK_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUEST_TIMEOUT_S = 60.0
PHASE_TIMEOUT_S = 120.0


# --- databases -------------------------------------------------------------------------


@contextmanager
def fresh_database(backend: str, workdir: Path) -> Iterator[str]:
    """A migrated, empty database of the run's own; PostgreSQL ones are dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        upgrade(url)
        yield url
        return
    name = f"soulstock_bench_{secrets.token_hex(5)}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(settings: Settings, *, units: int) -> int:
    """One limited product of ``units`` in a fresh shop."""
    return scheduled.seed_product(
        settings, title="Hot Drop", slug="hot-drop", policy=InventoryPolicy.limited(units)
    )


# --- the server ------------------------------------------------------------------------


# --- load ------------------------------------------------------------------------------


@dataclass
class Phase:
    """What one phase measured: per-request latencies by answer, and its wall time."""

    wall_s: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)

    def count(self, *kinds: str) -> int:
        return sum(len(self.latencies.get(k, [])) for k in kinds)

    def all(self, *kinds: str) -> list[float]:
        return sorted(itertools.chain.from_iterable(self.latencies.get(k, []) for k in kinds))


Request = Callable[[httpx.Client, int, Phase], None]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_phase(
    base_url: str, *, total: int, concurrency: int, one: Request, at: float | None = None
) -> Phase:
    """``concurrency`` threads, each with its own connection (warmed up with a ping), released
    together (at epoch second ``at`` if given), pull request numbers until ``total`` are done:
    a closed-loop load."""
    phase = Phase()
    numbers = itertools.count()
    numbers_lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1, timeout=PHASE_TIMEOUT_S)
    errors: list[BaseException] = []

    def worker() -> None:
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
            client.get("/api/v1/ping")  # open the connection before the clock starts
            barrier.wait()
            if at is not None:
                time.sleep(max(0.0, at - time.time()))
            deadline = time.monotonic() + PHASE_TIMEOUT_S
            while time.monotonic() < deadline:
                with numbers_lock:
                    n = next(numbers)
                if n >= total:
                    return
                try:
                    one(client, n, phase)
                except Exception as exc:  # recorded and reported; the run then fails
                    errors.append(exc)
                    phase.record("error", 0.0)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    if at is not None:
        time.sleep(max(0.0, at - time.time()))
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=PHASE_TIMEOUT_S)
    phase.wall_s = time.perf_counter() - started
    if errors:
        print(f"  ! {len(errors)} request errors, first: {errors[0]!r}")
    return phase


def ping(client: httpx.Client, _n: int, phase: Phase) -> None:
    t0 = time.perf_counter()
    r = client.get("/api/v1/ping")
    phase.record(
        "ok" if r.status_code == 200 else f"http {r.status_code}", time.perf_counter() - t0
    )


def buyer(product_id: int, provider: DevPaymentProvider) -> Request:
    def buy(client: httpx.Client, n: int, phase: Phase) -> None:
        t0 = time.perf_counter()
        r = client.post(
            f"/api/v1/products/{product_id}/reservations", json={"email": f"b{n}@example.com"}
        )
        elapsed = time.perf_counter() - t0
        if r.status_code == 409 and r.json()["error"]["code"] == "sold_out":
            phase.record("sold_out", elapsed)
            return
        if r.status_code != 201:
            phase.record(f"http {r.status_code}", elapsed)
            return
        phase.record("reserved", elapsed)
        order = r.json()["order"]
        body, headers = provider.make_notice(
            order_public_id=order["id"],
            outcome=PaymentOutcome.SUCCEEDED,
            amount_minor=order["amount_minor"],
            currency=order["currency"],
        )
        t1 = time.perf_counter()
        paid = client.post("/api/v1/payments/dev/callback", content=body, headers=headers)
        kind = "paid" if paid.status_code == 200 else f"pay http {paid.status_code}"
        phase.record(kind, time.perf_counter() - t1)

    return buy


# --- the check -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recount:
    units: int
    sold: int
    live_held: int
    paid_orders_units: int
    editions: list[int]

    def problems(self) -> list[str]:
        found = []
        if self.sold + self.live_held > self.units:
            found.append(f"oversold: sold {self.sold} + live holds {self.live_held} > {self.units}")
        if len(set(self.editions)) != len(self.editions):
            found.append("duplicate edition numbers")
        if self.editions != list(range(1, len(self.editions) + 1)):
            found.append(f"editions are not 1..{len(self.editions)}")
        if self.paid_orders_units != len(self.editions) or self.sold != len(self.editions):
            found.append(
                f"paid units {self.paid_orders_units}, release.sold {self.sold} and "
                f"{len(self.editions)} editions disagree"
            )
        return found


def recount(url: str, product_id: int) -> Recount:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            release = conn.execute(
                select(Release.id, Release.quantity, Release.sold).where(
                    Release.product_id == product_id
                )
            ).one()
            live = conn.scalar(
                select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
                    Reservation.release_id == release.id,
                    Reservation.status == "held",
                    Reservation.expires_at > SystemClock().now(),
                )
            )
            paid = conn.scalar(
                select(func.coalesce(func.sum(Order.quantity), 0)).where(
                    Order.product_id == product_id, Order.status == OrderStatus.PAID.value
                )
            )
            numbers = conn.scalars(
                select(Edition.number)
                .where(Edition.product_id == product_id)
                .order_by(Edition.number)
            ).all()
    finally:
        engine.dispose()
    return Recount(release.quantity, release.sold, int(live or 0), int(paid or 0), list(numbers))


# --- the run ---------------------------------------------------------------------------


def bench_backend(backend: str, args: argparse.Namespace) -> bool:
    """One backend, start to finish; True when nothing was oversold and no request failed."""
    print(
        f"\n=== {backend} ({args.mode}): {args.buyers} buyers, {args.concurrency} at a time, "
        f"{args.units} units"
    )
    with tempfile.TemporaryDirectory(prefix=f"soulstock-bench-{backend}-") as tmp:
        workdir = Path(tmp)
        with fresh_database(backend, workdir) as url:
            settings = Settings(
                database_url=url, data_dir=workdir / "data", secret_key=secrets.token_urlsafe(48)
            )
            out = scheduled.SellOut()
            product_id, at = (
                (seed(settings, units=args.units), None) if args.mode == "instant" else (0, 0.0)
            )
            provider = DevPaymentProvider(
                secret=settings.secret_key.encode(),
                base_url="http://127.0.0.1",
                clock=SystemClock(),
            )
            with live_server(
                database_url=settings.database_url,
                data_dir=settings.data_dir,
                secret_key=settings.secret_key,
                hold_ttl_seconds=settings.hold_ttl_seconds,
            ) as live:
                base_url = live.base_url
                kw = {"total": args.buyers, "concurrency": args.concurrency}
                baseline = run_phase(base_url, one=ping, **kw)
                if at is None:
                    drop = run_phase(base_url, one=buyer(product_id, provider), **kw)
                else:  # seeded now, with the server up: the drop opens 3 s from here
                    product_id, at = scheduled.seed_periodic(settings, units=args.units, lead_s=3)
                    print(f"  all buyers wait; the drop opens in {at - time.time():.1f} s")
                    one = scheduled.scheduled_buyer(product_id, provider, out, at)
                    drop = run_phase(base_url, one=one, at=at, **kw)
            after = recount(url, product_id)
    report(baseline, drop)
    if at is not None:
        scheduled.report_scheduled(drop, out, units=args.units, percentile=percentile)
    problems = after.problems()
    failures = drop.count(*[k for k in drop.latencies if k.startswith(("http", "pay", "error"))])
    failures += baseline.count(*[k for k in baseline.latencies if k != "ok"])
    print(
        f"  check: sold {after.sold}, live holds {after.live_held}, editions "
        f"{len(after.editions)} (1..{len(after.editions)}), paid units {after.paid_orders_units}"
        f" -> {'OK' if not problems else 'FAILED: ' + '; '.join(problems)}"
    )
    if failures:
        print(f"  ! {failures} requests did not get an expected answer")
    return not problems and not failures


def report(baseline: Phase, drop: Phase) -> None:
    ping_all = baseline.all("ok")
    reserve_all = drop.all("reserved", "sold_out")
    ping_rps = len(ping_all) / baseline.wall_s
    calls_rps = len(reserve_all) / drop.wall_s
    reserved_rps = drop.count("reserved") / drop.wall_s
    sold_out_rps = drop.count("sold_out") / drop.wall_s

    def ms(values: list[float], p: float) -> float:
        return percentile(values, p) * 1000

    rows = [
        ("ping (baseline)", f"{ping_rps:9.0f}/s", ms(ping_all, 50), ms(ping_all, 99), "1.00"),
        (
            "reserve calls, all",
            f"{calls_rps:9.0f}/s",
            ms(reserve_all, 50),
            ms(reserve_all, 99),
            f"{calls_rps / ping_rps:.2f}",
        ),
        (
            "  201 reservations",
            f"{reserved_rps:9.1f}/s",
            ms(drop.all("reserved"), 50),
            ms(drop.all("reserved"), 99),
            f"{reserved_rps / ping_rps:.3f}",
        ),
        (
            "  409 sold_out",
            f"{sold_out_rps:9.0f}/s",
            ms(drop.all("sold_out"), 50),
            ms(drop.all("sold_out"), 99),
            f"{sold_out_rps / ping_rps:.2f}",
        ),
        ("  payment callbacks", "", ms(drop.all("paid"), 50), ms(drop.all("paid"), 99), ""),
    ]
    print(f"  {'':22}{'throughput':>12}{'p50 ms':>10}{'p99 ms':>10}{'x ping/s':>10}")
    for name, rps, p50, p99, ratio in rows:
        print(f"  {name:22}{rps:>12}{p50:10.1f}{p99:10.1f}{ratio:>10}")
    print(
        f"  latency vs ping: reserve p50 x{ms(reserve_all, 50) / ms(ping_all, 50):.1f}, "
        f"p99 x{ms(reserve_all, 99) / ms(ping_all, 99):.1f}; "
        f"wall: ping {baseline.wall_s:.2f} s, drop {drop.wall_s:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--buyers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument(
        "--mode",
        choices=["instant", "scheduled"],
        default="instant",
        help="scheduled: a periodic drop opens a few seconds after start; all buyers fire then",
    )
    args = parser.parse_args(argv)
    if not (1 <= args.concurrency <= 1000 and args.buyers >= 1 and args.units >= 1):
        parser.error("need 1 <= concurrency <= 1000, buyers >= 1, units >= 1")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    ok = all([bench_backend(backend, args) for backend in backends])
    print("\nresult:", "nothing oversold" if ok else "FAILED (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
