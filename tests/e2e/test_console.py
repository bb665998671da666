"""The staff console end to end: a person asks for a human in the widget, a case manager logs in, claims
the case (the bot goes quiet), replies (the reply arrives live in the widget), resolves (the bot answers
again). Plus the console's defences: login required, CSRF, throttled logins, escaped text."""

from __future__ import annotations

import asyncio
import re
import secrets

import pytest
import requests

from actions.store import Store, create_engine
from bot.catalog import Catalogs
from bot.config import load_settings
from tests.e2e.test_sms import phone as sms_phone
from tests.e2e.test_sms import text_sms
from tests.e2e.test_telegram import chat_id as telegram_chat_id
from tests.e2e.test_telegram import post as telegram_post
from tests.e2e.test_telegram import text_update
from tests.e2e.test_webchat import WidgetUser
from web.accounts import MAX_FAILED_LOGINS, Accounts

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def staff_account(assistant, role: str = "case_manager") -> str:
    email = f"{secrets.token_hex(4)}@example.org"
    Accounts.from_url(assistant.database_url).create_user(email, "Ana Staff", role, PASSWORD)
    return email


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def logged_in(assistant, email: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{assistant.web_url}/login", timeout=30)
    answer = browser.post(f"{assistant.web_url}/login", timeout=30, allow_redirects=False, data={
        "email": email, "password": PASSWORD, "csrf_token": csrf_of(form.text), "next": "/"})
    assert answer.status_code == 302, answer.text
    return browser


async def post(browser: requests.Session, url: str, **data: str) -> requests.Response:
    page = await asyncio.to_thread(browser.get, url.rsplit("/", 1)[0], timeout=30)
    data.setdefault("csrf_token", csrf_of(page.text))
    return await asyncio.to_thread(browser.post, url, data=data, timeout=60)


CONSOLE_PAGES = ["/", "/cases/H-000000", "/staff", "/inbox/rows", "/cases/H-000000/conversation",
                 "/dashboard", "/handoffs.csv"]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_nothing_is_shown_without_logging_in(assistant, path):
    answer = requests.get(f"{assistant.web_url}{path}", timeout=30, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_posting_without_a_session_or_without_the_csrf_token_is_refused(assistant):
    assert requests.post(f"{assistant.web_url}/cases/H-000000/claim", timeout=30).status_code == 403
    assert requests.post(f"{assistant.web_url}/login", data={"email": "x", "password": "y"},
                         timeout=30).status_code == 403
    browser = logged_in(assistant, staff_account(assistant))
    answer = browser.post(f"{assistant.web_url}/staff", data={"csrf_token": "forged"}, timeout=30)
    assert answer.status_code == 403


def test_repeated_wrong_passwords_are_throttled(assistant):
    email = staff_account(assistant)
    browser = requests.Session()
    token = csrf_of(browser.get(f"{assistant.web_url}/login", timeout=30).text)
    for _ in range(MAX_FAILED_LOGINS):
        wrong = browser.post(f"{assistant.web_url}/login", timeout=30,
                             data={"email": email, "password": "nope", "csrf_token": token})
        assert wrong.status_code == 401
    right = browser.post(f"{assistant.web_url}/login", timeout=30,
                         data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert right.status_code == 429 and "Too many failed attempts" in right.text


def test_the_dashboard_draws_charts_and_the_export_is_csv(assistant):
    browser = logged_in(assistant, staff_account(assistant))
    dashboard = browser.get(f"{assistant.web_url}/dashboard", timeout=30)
    assert dashboard.status_code == 200
    assert "<svg" in dashboard.text and "Barriers people raise" in dashboard.text
    export = browser.get(f"{assistant.web_url}/handoffs.csv", timeout=30)
    assert export.headers["Content-Type"].startswith("text/csv")
    assert export.text.splitlines()[0].startswith("reference,created_at_utc,status,language")


def test_a_case_manager_cannot_manage_staff(assistant):
    browser = logged_in(assistant, staff_account(assistant, "case_manager"))
    assert browser.get(f"{assistant.web_url}/staff", timeout=30).status_code == 403


async def test_a_handoff_is_claimed_answered_and_resolved_from_the_console(assistant):
    catalogs = Catalogs.load(load_settings().locales_dir)
    person = WidgetUser(assistant.base_url)
    await person.open()
    await person.say("hola, soy enfermera de Colombia y vivo en Texas <script>alert(1)</script>")
    await person.answer()
    await person.say("/request_human")
    [confirmation] = await person.answer()
    reference = re.search(r"H-[0-9A-F]{6}", confirmation["text"]).group(0)
    email = await asyncio.to_thread(assistant.mail.wait_for, reference)  # staff were told
    assert f"{assistant.web_url}/cases/{reference}" in email and "Subject: New handoff" in email

    browser = logged_in(assistant, staff_account(assistant))
    inbox = await asyncio.to_thread(browser.get, f"{assistant.web_url}/", timeout=30)
    assert reference in inbox.text
    case_url = f"{assistant.web_url}/cases/{reference}"
    case = await asyncio.to_thread(browser.get, case_url, timeout=30)
    assert "Spanish" in case.text and "Texas" in case.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in case.text and "<script>alert(1)" not in case.text

    assert (await post(browser, f"{case_url}/claim")).status_code == 200
    joined = await person.next("bot_uttered")
    assert joined["text"] == catalogs.get("es", "handoff.claimed") and joined["language"] == "es"

    await person.say("¿hay alguien ahí?")
    assert await person.answer() == []  # the bot stays quiet while a case manager holds the conversation
    case = await asyncio.to_thread(browser.get, case_url, timeout=30)
    assert "¿hay alguien ahí?" in case.text  # but the message reaches the console

    reply = await post(browser, f"{case_url}/reply", text="Hola, soy Ana. <b>Le ayudo</b>")
    assert "Reply sent." in reply.text
    staff_message = await person.next("bot_uttered")
    assert staff_message == {"text": "Hola, soy Ana. <b>Le ayudo</b>", "language": "es", "direction": "ltr",
                             "sender": "staff"}

    assert (await post(browser, f"{case_url}/resolve")).status_code == 200
    resumed = await person.next("bot_uttered")
    assert resumed["text"] == catalogs.get("es", "handoff.resolved")
    store = Store(create_engine(assistant.database_url))
    assert store.handoff(reference)["status"] == "resolved"
    await person.say("una pregunta más: ¿cuánto cuesta el NCLEX?")
    assert await person.answer()  # the bot answers again
    await person.close()

    # Writing again after the resolution reopens the case (the console checks every second in tests).
    for _ in range(100):
        if store.handoff(reference)["status"] == "open":
            break
        await asyncio.sleep(0.1)
    kinds = [a["kind"] for a in store.handoff_activity(reference)]
    assert kinds == ["opened", "claimed", "reply", "resolved", "reopened"]
    assert store.handoff(reference)["status"] == "open"


def claim_and_reply(assistant, reference: str, text: str) -> None:
    browser = logged_in(assistant, staff_account(assistant))
    case_url = f"{assistant.web_url}/cases/{reference}"
    for action, data in (("claim", {}), ("reply", {"text": text})):
        token = csrf_of(browser.get(case_url, timeout=30).text)
        answer = browser.post(f"{case_url}/{action}", data={"csrf_token": token, **data}, timeout=60)
        assert answer.status_code == 200
        assert "not delivered" not in answer.text and "not reached" not in answer.text


def handoff_reference(text: str) -> str:
    return re.search(r"H-[0-9A-F]{6}", text).group(0)


def test_a_reply_reaches_a_telegram_user_through_the_bot_api(assistant):
    chat = telegram_chat_id()
    # The help menu's "talk to a person" button, before the person wrote anything: the Telegram app's
    # language is all there is, and the case manager's notices must be in it too.
    assert telegram_post(assistant, text_update(chat, "/request_human", "uk")).status_code == 200
    [confirmation] = assistant.telegram.wait_for("sendMessage", str(chat))
    claim_and_reply(assistant, handoff_reference(confirmation["text"]), "Вітаю, я ваш куратор.")
    sent = assistant.telegram.wait_for("sendMessage", str(chat), count=3)
    assert sent[1]["text"] == Catalogs.load(load_settings().locales_dir).get("uk", "handoff.claimed")
    assert sent[2]["text"] == "Вітаю, я ваш куратор."


def test_a_reply_reaches_an_sms_user_through_twilio(assistant):
    number = sms_phone()
    assert text_sms(assistant, number, "I want to talk to a real person please").status_code == 200
    [confirmation] = assistant.twilio.wait_for(number)
    claim_and_reply(assistant, handoff_reference(confirmation), "Hi, this is Ana, your case manager.")
    assert assistant.twilio.wait_for(number, count=3)[2] == "Hi, this is Ana, your case manager."


def test_a_rest_user_gets_the_reply_with_their_next_message(assistant, sender):
    [confirmation] = [m for m in assistant.send(sender, "/request_human") if "H-" in m.get("text", "")]
    claim_and_reply(assistant, handoff_reference(confirmation["text"]), "Hello, this is Ana.")
    answer = assistant.send(sender, "hello? anyone?")
    joined = Catalogs.load(load_settings().locales_dir).get("en", "handoff.claimed")
    assert [m["text"] for m in answer] == [joined, "Hello, this is Ana."]  # and nothing from the paused bot
    assert answer[1]["sender"] == "staff"
    assert assistant.send(sender, "ok thanks") == []  # delivered once


def test_a_case_can_be_assigned_to_a_colleague_and_the_person_is_told_once(assistant, sender):
    [confirmation] = [m for m in assistant.send(sender, "/request_human") if "H-" in m.get("text", "")]
    reference = handoff_reference(confirmation["text"])
    colleague = Accounts.from_url(assistant.database_url).create_user(
        f"{secrets.token_hex(4)}@example.org", "Bea Colleague", "case_manager", PASSWORD)
    browser = logged_in(assistant, staff_account(assistant))
    case_url = f"{assistant.web_url}/cases/{reference}"
    for _ in range(2):  # assigning twice tells the person only once
        form = {"csrf_token": csrf_of(browser.get(case_url, timeout=30).text), "staff_id": colleague.id}
        answer = browser.post(f"{case_url}/assign", data=form, timeout=60)
        assert "Assigned to Bea Colleague." in answer.text
    store = Store(create_engine(assistant.database_url))
    assert store.handoff(reference)["claimed_by"] == "Bea Colleague"
    joined = Catalogs.load(load_settings().locales_dir).get("en", "handoff.claimed")
    assert [m["text"] for m in assistant.send(sender, "hi?")] == [joined]
