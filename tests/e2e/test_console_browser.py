"""A case manager in a real browser answers a person who is using the widget in another one."""

from __future__ import annotations

import re

import pytest

from bot.catalog import Catalogs
from bot.config import load_settings
from tests.e2e.test_console import PASSWORD, staff_account

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000


def test_log_in_open_the_case_claim_reply_and_resolve_while_the_person_watches(assistant, browser):
    catalogs = Catalogs.load(load_settings().locales_dir)
    person = browser.new_context().new_page()
    person.goto(f"{assistant.web_url}/demo")
    person.locator("button.launcher").click()
    person.locator(".message.bot").first.wait_for(timeout=TIMEOUT_MS)
    person.locator("textarea").fill("I want to talk to a real person")
    person.locator("textarea").press("Enter")
    confirmation = person.locator(".message.bot", has_text=re.compile(r"H-[0-9A-F]{6}"))
    confirmation.wait_for(timeout=TIMEOUT_MS)
    reference = re.search(r"H-[0-9A-F]{6}", confirmation.inner_text()).group(0)

    staff = browser.new_context().new_page()
    staff.goto(f"{assistant.web_url}/")
    assert staff.url.startswith(f"{assistant.web_url}/login")
    staff.get_by_label("E-mail address").fill(staff_account(assistant))
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_role("link", name=reference).click()
    assert "English" in staff.locator(".brief").inner_text()
    staff.get_by_role("button", name=re.compile("^Claim")).click()
    joined = catalogs.get("en", "handoff.claimed")
    person.locator(".message.bot", has_text=joined).wait_for(timeout=TIMEOUT_MS)
    bot_messages_when_claimed = person.locator(".message.bot").count()

    person.locator("textarea").fill("ok, are you there?")
    person.locator("textarea").press("Enter")
    # No reload: the console fetches the conversation again by itself.
    staff.locator(".line", has_text="ok, are you there?").wait_for(timeout=TIMEOUT_MS)
    assert person.locator(".message.bot").count() == bot_messages_when_claimed  # the bot stayed quiet

    staff.get_by_label("Reply").fill("Hello, I'm Ana, your case manager. How can I help?")
    staff.get_by_role("button", name="Send reply").click()
    assert "Reply sent." in staff.locator(".notice").inner_text()
    person.locator(".message.staff", has_text="I'm Ana, your case manager").wait_for(timeout=TIMEOUT_MS)

    staff.get_by_role("button", name=re.compile("^Resolve")).click()
    resolved = catalogs.get("en", "handoff.resolved")
    person.locator(".message.bot", has_text=resolved).wait_for(timeout=TIMEOUT_MS)
    assert "resolved" in staff.locator("h1 .status").inner_text().lower()
