"""The demo shop: a creator's line of virtual goods with a believable sales history.

Everything is seeded through the services (sign-up, shop, products, files, reserve, pay),
never raw SQL, so the demo exercises the same rules as real traffic. A ``FixedClock`` is
moved forward through the past weeks to backdate orders, and a seeded ``random.Random``
makes every run produce the same shop.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from soulstock.demo_history import Listed, seed_history
from soulstock.domain.clock import FixedClock
from soulstock.domain.orders import PaymentOutcome
from soulstock.domain.policy import InventoryPolicy
from soulstock.services import accounts, catalog, checkout, payments, restocks, waitlists
from soulstock.services.context import Context, build_context
from soulstock.settings import Settings
from soulstock.store.models import User

SHOP_SLUG = "lingdong"
SHOP_NAME = "灵动设计小铺 · Lingdong Studio"
DEMO_PASSWORD = "soulstock-demo"
SELLER_EMAIL = "maker@soulstock.demo"
BUYER_EMAIL = "buyer@soulstock.demo"
HISTORY_DAYS = 130
SEED = 20261111

OTHER_BUYERS = (
    ("xiaoyu@soulstock.demo", "小鱼"),
    ("azhe@soulstock.demo", "阿哲"),
    ("mumu@soulstock.demo", "木木"),
    ("lin.design@soulstock.demo", "Lin"),
    ("chen.pm@soulstock.demo", "陈经理"),
)
GUEST_EMAILS = ("guest.a@example.com", "guest.b@example.com", "guest.c@example.com")


@dataclass(frozen=True, slots=True)
class DemoProduct:
    slug: str
    title: str
    description: str
    price_minor: int
    total: int | None  # None: a staple product (no cap)
    sold: int
    colour: tuple[int, int, int]
    age_days: int  # listed this many days ago


PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct(
        "yunqi-ui-kit",
        "「云栖」旗舰 UI Kit · Yunqi Flagship UI Kit",
        "旗舰款，仅 20 套，永不复刻，每套带编号。\n\n"
        "600+ components for Figma and Sketch, light and dark themes, a full design-token "
        "set. **Limited to 20 numbered editions — never reissued.**",
        19900,
        20,
        18,
        (52, 84, 209),
        60,
    ),
    DemoProduct(
        "halloween-icons",
        "万圣节图标集 · Halloween Icon Set",
        "南瓜、幽灵、蝙蝠……120 个手绘图标，SVG + PNG。\n\n"
        "120 hand-drawn Halloween icons (SVG, PNG @1x/@2x). Seasonal, 50 copies only.",
        2990,
        50,
        50,
        (232, 118, 26),
        45,
    ),
    DemoProduct(
        "guochao-line-icons",
        "国潮线性图标包 · Guochao Line Icons",
        "常备款：300 个国潮风线性图标，持续更新。\n\n"
        "300 line icons with a Chinese-trend (国潮) flavour; a staple, always in stock.",
        2990,
        None,
        34,
        (196, 30, 58),
        70,
    ),
    DemoProduct(
        "minimal-business-ppt",
        "极简商务 PPT 模板 · Minimal Business Deck",
        "40 页极简商务演示模板，16:9，含图表与时间轴。\n\n"
        "A 40-slide minimal business deck (PowerPoint and Keynote), charts and timelines.",
        4900,
        None,
        0,  # its sales are history (demo_history): 87 → 12 → 3 a month, the article's decay
        (38, 50, 56),
        125,
    ),
    DemoProduct(
        "qingning-handwriting-font",
        "「青柠」手写中文字体 · Qingning Handwritten Font",
        "6763 个常用汉字手写体，含商用授权。\n\n"
        "A handwritten Chinese typeface covering GB2312's 6,763 characters; commercial "
        "licence included. 30 numbered licences.",
        9900,
        30,
        12,
        (139, 195, 74),
        40,
    ),
    DemoProduct(
        "red-packet-covers",
        "新春红包封面素材 · Lunar New Year Red Packet Pack",
        "12 款新春红包封面源文件（PSD + AI）。\n\n"
        "12 red-packet cover designs for the Spring Festival, layered PSD and AI. 50 copies.",
        1990,
        50,
        47,
        (211, 47, 47),
        30,
    ),
    DemoProduct(
        "illustrated-splash-screens",
        "插画风 App 启动页 · Illustrated Splash Screens",
        "10 张原创插画启动页，每套独一无二的编号。\n\n"
        "Ten original illustrated splash screens for iOS and Android. 10 editions, all gone.",
        12900,
        10,
        10,
        (0, 150, 136),
        55,
    ),
    DemoProduct(
        "3d-emoji-stickers",
        "3D 表情贴纸包 · 3D Emoji Stickers",
        "64 个 3D 渲染表情，PNG 透明底。\n\n"
        "64 rendered 3D emoji stickers, transparent PNG. A staple, always available.",
        990,
        None,
        41,
        (255, 193, 7),
        72,
    ),
    DemoProduct(
        "year-in-review-deck",
        "年终总结 PPT · Year-in-Review Deck",
        "年终汇报必备：30 页数据型总结模板。\n\n"
        "A 30-slide year-in-review template with data pages and KPI dashboards.",
        3900,
        None,
        15,
        (63, 81, 181),
        25,
    ),
    DemoProduct(
        "pixel-icon-pack",
        "像素风图标 · Pixel Icon Pack",
        "16×16 与 32×32 像素风游戏图标 200 个。\n\n"
        "200 pixel-art icons at 16×16 and 32×32 for games and retro UIs. 40 copies.",
        1990,
        40,
        22,
        (156, 39, 176),
        35,
    ),
    DemoProduct(
        "mid-autumn-posters",
        "中秋节海报模板 · Mid-Autumn Poster Templates",
        "8 款中秋海报模板，可直接替换文案。\n\n"
        "Eight Mid-Autumn Festival poster templates with editable text. 30 copies.",
        5900,
        30,
        9,
        (255, 152, 0),
        20,
    ),
    DemoProduct(
        "dashboard-charts-kit",
        "数据可视化组件 · Dashboard Charts Kit",
        "80 个图表组件，适配 ECharts 风格。\n\n"
        "80 chart components for dashboards, styled to match ECharts. A staple.",
        14900,
        None,
        7,
        (0, 121, 107),
        50,
    ),
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    shop_slug: str
    products: int
    orders: int


def png_bytes(colour: tuple[int, int, int], *, width: int = 240, height: int = 160) -> bytes:
    """A small PNG: a diagonal gradient of ``colour`` with a light band, no image library."""
    r, g, b = colour
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            band = 70 if abs((x - y * 1.5) % 120 - 60) < 8 else 0
            shade = 0.7 + 0.3 * (x + y) / (width + height)
            rows.extend(min(255, int(c * shade) + band) for c in (r, g, b))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def deliverable_zip(product: DemoProduct, cover: bytes) -> bytes:
    """A small archive standing in for the real goods."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", f"{product.title}\n\n{product.description}\n")
        archive.writestr(
            "LICENSE.txt",
            "个人及商业使用授权 · Personal and commercial use licence (demo).\n"
            "Do not resell or redistribute the source files.\n",
        )
        archive.writestr("preview.png", cover)
    return buffer.getvalue()


def seed(settings: Settings, *, now: datetime | None = None) -> DemoSummary:
    """Fill an empty, migrated database with the demo shop and its history."""
    now = now or datetime.now(UTC)
    clock = FixedClock(now - timedelta(days=HISTORY_DAYS + 1))
    demo_settings = settings.model_copy(update={"dev_payments_enabled": True})
    ctx = build_context(demo_settings, clock=clock)
    try:
        return _seed(ctx, clock=clock, now=now, rng=random.Random(SEED))
    finally:
        ctx.uow.engine.dispose()


def _seed(ctx: Context, *, clock: FixedClock, now: datetime, rng: random.Random) -> DemoSummary:
    seller = accounts.sign_up(
        ctx, email=SELLER_EMAIL, password=DEMO_PASSWORD, display_name="灵动 Lingdong", seller=True
    )
    buyer = accounts.sign_up(
        ctx, email=BUYER_EMAIL, password=DEMO_PASSWORD, display_name="买家小白"
    )
    others = [
        accounts.sign_up(ctx, email=email, password=DEMO_PASSWORD, display_name=name)
        for email, name in OTHER_BUYERS
    ]
    shop = catalog.create_shop(ctx, owner_id=seller.id, slug=SHOP_SLUG, name=SHOP_NAME)
    sales: list[tuple[datetime, int, checkout.Buyer]] = []
    listed: list[tuple[DemoProduct, int, datetime]] = []
    # Oldest first, so "newest first" on the storefront reads like a real release history.
    for item in sorted(PRODUCTS, key=lambda p: -p.age_days):
        listed_at = now - timedelta(days=item.age_days, hours=rng.randint(0, 12))
        clock.set(listed_at)
        product_id = _create_product(ctx, seller=seller, item=item)
        listed.append((item, product_id, listed_at))
        sales += _sales_for(item, product_id, listed_at, now, rng, buyer=buyer, others=others)
    for when, product_id, who in sorted(sales, key=lambda s: s[0]):
        clock.set(when)
        reserved = checkout.reserve(ctx, product_id=product_id, quantity=1, buyer=who)
        payments.dev_notice(
            ctx, order_public_id=reserved.order.public_id, outcome=PaymentOutcome.SUCCEEDED
        )
    clock.set(now)
    _unfinished_checkouts(ctx, buyer=buyer, others=others)
    history = [
        Listed(
            pid,
            item.slug,
            item.total,
            item.price_minor,
            at,
            sorted(w for w, p, _ in sales if p == pid),
        )
        for item, pid, at in listed
    ]
    seed_history(
        ctx, clock=clock, shop_id=shop.id, seller_id=seller.id, products=history, now=now, rng=rng
    )
    _story_for_the_waitlist(ctx, seller=seller, buyer=buyer)
    return DemoSummary(SHOP_SLUG, len(PRODUCTS), len(sales))


def _story_for_the_waitlist(ctx: Context, *, seller: User, buyer: User) -> None:
    """The demo buyer waits for a sold-out limited pack, and the seller tells its story (no
    units: 永不复刻): the email lands in the console's mail sink once the worker runs."""
    for item in PRODUCTS:
        view = catalog.product_view(ctx, shop_slug=SHOP_SLUG, product_slug=item.slug)
        if item.total is None or view.claims.availability.value != "sold_out":
            continue
        waitlists.join_user(ctx, user_id=buyer.id, product_id=view.product.id)
        draft = restocks.RestockDraft(
            title="幕后故事 · Behind the pack",
            story_md="这一套已经全部售出，**永不复刻**。\n\nAll copies found their owners.",
            changes="A story, no new copies",
        )
        restocks.publish(ctx, actor_id=seller.id, product_id=view.product.id, draft=draft)
        return


def _create_product(ctx: Context, *, seller: User, item: DemoProduct) -> int:
    policy = InventoryPolicy.staple() if item.total is None else InventoryPolicy.limited(item.total)
    product = catalog.create_product(
        ctx,
        actor_id=seller.id,
        shop_slug=SHOP_SLUG,
        title=item.title,
        price_minor=item.price_minor,
        policy=policy,
        description_md=item.description,
        slug=item.slug,
    )
    cover = png_bytes(item.colour)
    catalog.add_file(
        ctx,
        actor_id=seller.id,
        product_id=product.id,
        stream=io.BytesIO(cover),
        filename=f"{item.slug}-cover.png",
        as_cover=True,
    )
    catalog.add_file(
        ctx,
        actor_id=seller.id,
        product_id=product.id,
        stream=io.BytesIO(deliverable_zip(item, cover)),
        filename=f"{item.slug}.zip",
    )
    return product.id


def _sales_for(
    item: DemoProduct,
    product_id: int,
    listed_at: datetime,
    now: datetime,
    rng: random.Random,
    *,
    buyer: User,
    others: list[User],
) -> list[tuple[datetime, int, checkout.Buyer]]:
    """When each copy sold and to whom; limited drops sell fast, staples trickle in."""
    span = (now - listed_at).total_seconds() - 3600
    if item.total is not None:
        span = min(span, 20 * 3600 if item.sold == item.total else span / 2)
    buyers = [checkout.Buyer(u.id, u.email) for u in others]
    buyers += [checkout.Buyer(None, e) for e in GUEST_EMAILS]
    sales = []
    for index in range(item.sold):
        offset = timedelta(seconds=rng.uniform(60, span) * (0.3 + 0.7 * rng.random()))
        if index == 0 and item.slug in ("yunqi-ui-kit", "halloween-icons", "guochao-line-icons"):
            who = checkout.Buyer(buyer.id, buyer.email)  # the demo buyer owns a few editions
        else:
            who = rng.choice(buyers)
        sales.append((listed_at + offset, product_id, who))
    return sales


def _unfinished_checkouts(ctx: Context, *, buyer: User, others: list[User]) -> None:
    """A failed payment and a live hold, so orders are not all happy paths."""
    product = catalog.product_view(ctx, shop_slug=SHOP_SLUG, product_slug="pixel-icon-pack").product
    failed = checkout.reserve(
        ctx, product_id=product.id, quantity=1, buyer=checkout.Buyer(others[0].id, others[0].email)
    )
    payments.dev_notice(ctx, order_public_id=failed.order.public_id, outcome=PaymentOutcome.FAILED)
    checkout.reserve(
        ctx, product_id=product.id, quantity=1, buyer=checkout.Buyer(others[1].id, others[1].email)
    )
