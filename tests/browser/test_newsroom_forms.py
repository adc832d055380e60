"""Journalists' second steps and staff pages of issue 15 in a real Chromium: a source
made in the middle of a claim form, under the strict CSP (any violation fails the
test through the page fixture), and the deleted records in the main navigation."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Dispute, Source
from tests.browser.conftest import sign_in


def test_a_new_source_from_the_claim_form_comes_back_selected_with_the_text_kept(
        page, seeded, journalist):
    db.session.expire_all()
    dispute = db.session.scalars(sa.select(Dispute).where(
        Dispute.slug == "biden-warned-kyiv-could-be-sacked")).one()
    sign_in(page, journalist)
    page.goto(f"/disputes/{dispute.id}/claims/new")
    page.get_by_label("What is asserted").fill("The ambassador said nothing of the sort.")
    page.get_by_label("Number of independent sources").fill("2")
    page.get_by_role("button", name="New source… for “Who asserts it (claimant)”").click()
    expect(page.get_by_text("Your half-filled form is kept")).to_be_visible()
    page.get_by_label("Name").fill("Oksana Markarova")
    page.get_by_role("button", name="Add source").click()
    expect(page.get_by_text("Your form is as you left it, with the new record selected."))\
        .to_be_visible()
    expect(page.get_by_label("What is asserted")).to_have_value(
        "The ambassador said nothing of the sort.")
    expect(page.get_by_label("Number of independent sources")).to_have_value("2")
    db.session.expire_all()
    source = db.session.scalars(sa.select(Source).where(
        Source.name == "Oksana Markarova")).one()
    expect(page.get_by_label("Who asserts it (claimant)")).to_have_value(str(source.id))
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("Account added.")).to_be_visible()
    expect(page.locator("table.glance")).to_contain_text("Oksana Markarova")


def test_staff_find_deleted_records_in_the_main_navigation(page, seeded, editor):
    sign_in(page, editor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deleted").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deleted records")
