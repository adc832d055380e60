"""The seeded dispute page as a reader sees it on a desk and on a phone: screenshots
kept under tests/artifacts/ (git-ignored), the verdict within the first phone screen,
and the page's length on a phone in screens."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Dispute

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _sacked() -> Dispute:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Dispute).where(Dispute.slug == "biden-warned-kyiv-could-be-sacked")).one()


def _screens(page) -> float:
    return page.evaluate("document.documentElement.scrollHeight") / page.viewport_size["height"]


def test_screenshots_at_desk_and_phone_widths(page, seeded):
    ARTIFACTS.mkdir(exist_ok=True)
    dispute = _sacked()
    for name, size in (("1280", DESK), ("390", PHONE)):
        page.set_viewport_size(size)
        page.goto(f"/disputes/{dispute.id}")
        path = ARTIFACTS / f"dispute-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
    top = page.locator("#our-verdict").bounding_box()["y"]
    (ARTIFACTS / "dispute-390-screens.txt").write_text(
        f"page height at 390x844: {_screens(page):.2f} screens; "
        f"'Our verdict' block top at {top:.0f}px\n")


def test_on_a_phone_our_verdict_is_on_the_first_screen_and_said_once(page, seeded):
    dispute = _sacked()
    page.set_viewport_size(PHONE)
    page.goto(f"/disputes/{dispute.id}")
    block = page.locator("#our-verdict")
    box = block.bounding_box()
    # the block starts within the first screen, and its rating with it
    assert box["y"] < PHONE["height"], box
    rating = block.locator(".badge.rating").first.bounding_box()
    assert rating["y"] + rating["height"] <= PHONE["height"]
    expect(block).to_contain_text("Unsupported")
    expect(block).to_contain_text("Only one unnamed Ukrainian source reports the word")
    expect(block.get_by_role("link", name="The full verdict, its evidence and history")) \
        .to_have_attribute("href", f"/claims/{dispute.claims[0].id}#verdicts")
    # the accounts without a verdict: said once, not on every card and row
    assert page.get_by_text("No verdict yet").count() == 1
    expect(block).to_contain_text("No verdict yet on the other 5 accounts.")
    # nothing wider than the phone, and the page far shorter than its ~9.6 screens before
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert _screens(page) < 7.5


def test_the_key_is_near_the_top_and_open(page, seeded):
    dispute = _sacked()
    page.set_viewport_size(DESK)
    page.goto(f"/disputes/{dispute.id}")
    key = page.locator("section.key")
    expect(key).to_be_visible()
    assert key.bounding_box()["y"] < page.locator("table.glance").bounding_box()["y"]
    expect(key).to_contain_text("not that the person named said them")


def test_quote_badges_say_where_the_words_were_found_and_who_attributes_them(page, seeded):
    dispute = _sacked()
    page.goto(f"/disputes/{dispute.id}")
    sacked = page.locator("li.quote").filter(has=page.locator("q", has_text="sacked")).first
    expect(sacked.locator(".badge.integrity")).to_have_text(
        "✓ found in DailyMail.com’s stored text")
    expect(sacked.locator(".attribution")).to_have_text(
        "attributed to Joe Biden by an unnamed Ukrainian source (via CNN)")
    horne = page.locator("li.quote").filter(
        has=page.locator("q", has_text="Also, no one said")).first
    expect(horne.locator(".attribution")).to_have_text(
        "Emily Horne’s own words, as CNN reports them")


def test_the_glance_table_names_who_carries_each_account_and_how_it_relates(page, seeded):
    dispute = _sacked()
    page.set_viewport_size(DESK)
    page.goto(f"/disputes/{dispute.id}")
    rows = page.locator("table.glance tbody tr")
    expect(rows.nth(0).locator("th")).to_contain_text("CNN, citing an unnamed Ukrainian source")
    expect(rows.nth(1).locator("th")).to_contain_text("CNN, quoting Emily Horne")
    expect(rows.nth(1).locator(".relates")).to_have_text("denies the words “sacked” in A")
    expect(rows.nth(0).locator(".relates")).to_contain_text("denied by B (the words “sacked”)")
    expect(rows.nth(0).locator(".relates")).to_contain_text(
        "contradicted by F (the words “did not go well”)")
