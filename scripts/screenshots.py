"""`make screenshots`: pictures for the README: the widget in three languages (docs/widget-*.png) and
the staff console working a handoff (docs/console-*.png).

Starts the whole assistant on free ports with temporary databases and drives headless Chromium: one
question per language on the demo page; then a person asks for a human and a case manager claims and
answers the case.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from bot.config import PROJECT_ROOT
from scripts.browser import launch_chromium
from scripts.run import isolated_environment, load_knowledge_base, start
from scripts.train import model_path

QUESTIONS = {
    "en": "Hi, I'm a pharmacist from India. What exams do I need to practice in New Jersey?",
    "ar": "مرحبا، أنا طبيب من مصر وأسكن في ميشيغان. كيف أبدأ في الحصول على الرخصة؟",
    "zh": "你好，我是在中国读的护理，现在住在加州，想当RN要考什么？",
}
TIMEOUT_MS = 60_000
HANDOFF_CONVERSATION = [
    "hola, soy enfermera de Colombia, vivo en Houston y tengo green card",
    "¿qué examen de inglés necesito?",
    "quiero hablar con una persona de verdad",
]

STAFF_REPLY = "Hola, soy Ana. Con gusto le ayudo con el examen de inglés y la licencia en Texas."


def save(page, name: str, full_page: bool = False) -> None:
    target = PROJECT_ROOT / "docs" / name
    page.screenshot(path=str(target), full_page=full_page, animations="disabled")
    print(f"==> wrote {target.relative_to(PROJECT_ROOT)}")


def console_pictures(browser, web_url: str, database_url: str) -> None:
    from web.accounts import Accounts

    person = browser.new_page(viewport={"width": 900, "height": 760})
    person.goto(f"{web_url}/demo?lang=es")
    person.locator("button.launcher").click()
    person.locator(".message.bot").first.wait_for(timeout=TIMEOUT_MS)
    for text in HANDOFF_CONVERSATION:
        answers = person.locator(".message.bot").count()
        person.locator("textarea").fill(text)
        person.locator("textarea").press("Enter")
        person.locator(".message.bot").nth(answers).wait_for(timeout=TIMEOUT_MS)
        person.locator(".typing").wait_for(state="hidden", timeout=TIMEOUT_MS)
    password = secrets.token_urlsafe(16)
    Accounts.from_url(database_url).create_user("ana@example.org", "Ana Reyes", "admin", password)
    staff = browser.new_page(viewport={"width": 1200, "height": 900})
    staff.goto(f"{web_url}/login")
    staff.get_by_label("E-mail address").fill("ana@example.org")
    staff.get_by_label("Password").fill(password)
    staff.get_by_role("button", name="Log in").click()
    staff.locator("tbody a").first.click()
    staff.get_by_role("button", name="Claim (the bot goes quiet)").click()
    staff.get_by_label("Reply").fill(STAFF_REPLY)
    staff.get_by_role("button", name="Send reply").click()
    person.locator(".message.staff").wait_for(timeout=TIMEOUT_MS)
    save(staff, "console-case.png", full_page=True)
    staff.goto(f"{web_url}/dashboard")
    save(staff, "console-dashboard.png", full_page=True)
    person.close()
    staff.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    model = model_path()
    if not model.exists():
        raise SystemExit("error: no trained model for the current data; run `make train` first")
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        env = isolated_environment(var)
        load_knowledge_base(env)
        print("==> Starting the assistant")
        stack = start(model, env, rasa_args=["--cors", "*"], log_dir=var)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for language, question in QUESTIONS.items():
                    page = browser.new_page(viewport={"width": 900, "height": 760}, device_scale_factor=1)
                    page.goto(f"{stack.web_url}/demo?lang={language}")
                    page.locator("button.launcher").click()
                    page.locator(".message.bot").first.wait_for(timeout=TIMEOUT_MS)
                    page.locator("textarea").fill(question)
                    page.locator("textarea").press("Enter")
                    page.locator(".message.bot").nth(1).wait_for(timeout=TIMEOUT_MS)
                    page.locator(".typing").wait_for(state="hidden", timeout=TIMEOUT_MS)
                    # The question at the top, the answer below it.
                    page.locator(".message.user").last.evaluate(
                        "b => { b.parentElement.scrollTop += b.getBoundingClientRect().top"
                        " - b.parentElement.getBoundingClientRect().top - 12; }"
                    )
                    target = PROJECT_ROOT / "docs" / f"widget-{language}.png"
                    page.locator(".panel").screenshot(path=str(target), animations="disabled")
                    print(f"==> wrote {target.relative_to(PROJECT_ROOT)}")
                    page.close()
                console_pictures(browser, stack.web_url, env["DATABASE_URL"])
                browser.close()
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
