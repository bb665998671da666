"""The widget in a real browser: Debian's Chromium, headless, on the demo page (`/demo`), through the
real Rasa server. Playwright's locators reach into the widget's shadow root."""

from __future__ import annotations

import pytest
import requests

from bot.catalog import RIGHT_TO_LEFT, Catalogs, autonym
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from bot.renderer import Renderer
from tests.e2e.test_conversations import SCRIPTS, load

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000


def question(language: str) -> str:
    [script] = [load(p) for p in SCRIPTS if load(p)["language"] == language]
    return script["topics"][0]["say"]


@pytest.fixture
def page(assistant, browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{assistant.web_url}/demo")
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def open_widget(page):
    page.locator("button.launcher").click()
    page.locator(".message.bot").first.wait_for(timeout=TIMEOUT_MS)  # the greeting


def ask(page, text: str):
    answers_before = page.locator(".message.bot").count()
    page.locator("textarea").fill(text)
    page.locator("textarea").press("Enter")
    page.locator(".message.bot").nth(answers_before).wait_for(timeout=TIMEOUT_MS)
    page.locator(".typing").wait_for(state="hidden", timeout=TIMEOUT_MS)
    return page.locator(".message.bot").nth(answers_before)


def test_the_demo_page_embeds_the_widget_with_one_script_tag(assistant):
    html = requests.get(f"{assistant.web_url}/demo", timeout=30).text
    assert f'<script src="/widget.js" data-server="{assistant.base_url}" data-lang="en" defer>' in html
    served = requests.get(f"{assistant.web_url}/widget.js", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert served.headers["Content-Encoding"] == "gzip"
    assert served.headers["Content-Type"].startswith("application/javascript")
    assert len(served.raw.data if served.raw.data else served.content) > 0
    again = requests.get(f"{assistant.web_url}/widget.js", headers={"If-None-Match": served.headers["ETag"]},
                         timeout=30)
    assert again.status_code == 304


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_question_gets_an_answer_in_its_language_and_the_widget_follows(page, language):
    open_widget(page)  # the demo page is English
    answer = ask(page, question(language))
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    assert answer.locator(".text").get_attribute("lang") == language
    assert answer.locator(".text").get_attribute("dir") == direction
    assert page.locator(".frame").get_attribute("lang") == language
    assert page.locator(".frame").get_attribute("dir") == direction
    placeholder = Catalogs.load(load_settings().locales_dir).get(language, "widget.placeholder")
    assert page.locator("textarea").get_attribute("placeholder") == placeholder


def test_an_arabic_question_turns_the_widget_right_to_left(page):
    open_widget(page)
    answer = ask(page, question("ar"))
    assert answer.locator(".text").get_attribute("dir") == "rtl"
    assert answer.locator(".text").get_attribute("lang") == "ar"
    assert page.locator(".frame").get_attribute("dir") == "rtl"
    # Right to left: the bot's bubbles start at the right edge of the conversation.
    log_box, bubble_box = page.locator(".log").bounding_box(), answer.bounding_box()
    assert log_box["x"] + log_box["width"] - (bubble_box["x"] + bubble_box["width"]) < 30
    assert page.locator(".send").inner_text() == "إرسال"


def test_a_quick_reply_is_sent_by_clicking_it_and_shown_by_its_title(page):
    open_widget(page)
    ask(page, "/change_language")
    page.locator("button.reply", has_text="Français").click()
    page.locator(".message.user", has_text="Français").wait_for(timeout=TIMEOUT_MS)
    page.locator(".message.bot .text[lang='fr']").last.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".frame").get_attribute("lang") == "fr"


def test_the_conversation_survives_a_reload(page):
    open_widget(page)
    ask(page, question("pt"))
    before = page.locator(".message .text").all_inner_texts()
    page.reload()
    page.locator(".message").nth(len(before) - 1).wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".message .text").all_inner_texts() == before
    assert page.locator(".panel").is_visible()  # it was open, it is open again
    ask(page, "obrigado")
    assert page.locator(".message").count() > len(before)


def test_the_language_menu_names_every_language_in_itself_and_switches(page):
    open_widget(page)
    options = page.locator("select.language option")
    assert options.all_inner_texts() == [autonym(code) for code in SUPPORTED_LANGUAGES]
    page.locator("select.language").select_option("zh")
    assert page.locator(".send").inner_text() == "发送"
    page.locator(".message.bot .text[lang='zh']").last.wait_for(timeout=TIMEOUT_MS)  # the bot switched too


def test_links_are_clickable_and_text_is_never_html(page):
    open_widget(page)
    ask(page, "<img src=x onerror=alert(1)> <b>bold</b>")
    mine = page.locator(".message.user").last
    assert "<b>bold</b>" in mine.inner_text()
    assert mine.locator("img, b").count() == 0
    answer = ask(page, "what is ECFMG?")
    link = answer.locator("a").first  # the answer names ECFMG's site, ecfmg.org
    assert link.get_attribute("href") == "https://" + link.inner_text()
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")


def test_it_works_with_the_keyboard_alone(page):
    launcher = page.locator("button.launcher")
    for _ in range(30):  # past the demo page's own links: the widget comes last in the page
        page.keyboard.press("Tab")
        if page.locator("button.launcher:focus").count():
            break
    assert page.locator("button.launcher:focus").count() == 1
    assert launcher.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.locator(".panel").is_visible() and launcher.get_attribute("aria-expanded") == "true"
    page.locator(".message.bot").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("textarea:focus").count() == 1  # opening moves the focus to the input
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    page.locator(".message.user", has_text="hello").wait_for(timeout=TIMEOUT_MS)
    page.keyboard.press("Escape")
    assert not page.locator(".panel").is_visible()
    assert page.locator("button.launcher:focus").count() == 1  # and closing gives it back
    assert page.locator(".log").get_attribute("role") == "log"
    assert page.locator(".log").get_attribute("aria-live") == "polite"


def test_it_fits_a_360_pixel_phone_screen(assistant, browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{assistant.web_url}/demo?lang=ru")
    page.locator("button.launcher").tap()
    page.locator(".message.bot").first.wait_for(timeout=TIMEOUT_MS)
    for part in (".panel", ".header", "textarea", ".send"):
        box = page.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, part
        assert box["y"] >= 0 and box["y"] + box["height"] <= 640, part
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator(".send").inner_text() == "Отправить"
    context.close()


def test_starting_over_leaves_nothing_of_the_old_conversation_on_the_screen(page):
    open_widget(page)
    ask(page, question("es"))
    old_session = page.evaluate("() => Object.entries(localStorage).find(([k]) => k.endsWith(':session'))[1]")
    restart = page.locator("button.restart")
    assert restart.get_attribute("aria-label") == Catalogs.load(load_settings().locales_dir).get(
        "es", "widget.restart")  # labelled in the conversation's language
    restart.click()
    page.locator(".message.bot").first.wait_for(timeout=TIMEOUT_MS)  # a fresh greeting
    assert page.locator(".message.user").count() == 0
    new_session = page.evaluate("() => Object.entries(localStorage).find(([k]) => k.endsWith(':session'))[1]")
    assert new_session and new_session != old_session
    page.reload()  # and a reload brings back the new conversation, not the old one
    page.locator(".message.bot").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".message.user").count() == 0


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_plan_shows_its_steps_links_buttons_and_printable_page(page, language):
    catalogs = Catalogs.load(load_settings().locales_dir)
    open_widget(page)
    page.locator("select.language").select_option(language)
    page.locator(f".message.bot .text[lang='{language}']").last.wait_for(timeout=TIMEOUT_MS)
    for typed in ("/ask_roadmap", '/inform{"profession":"nurse"}', "/skip", '/inform{"us_state":"NY"}',
                  '/inform{"immigration_status":"visa"}'):
        ask(page, typed)
    ask(page, "/deny")  # nothing done yet
    printable = page.locator(".message.bot a[href*='/plan/']").last
    printable.wait_for(timeout=TIMEOUT_MS)
    plan = page.locator(".message.bot", has_text=catalogs.get(language, "roadmap.title.nclex")).last
    lines = plan.locator(".text").inner_text().split("\n")
    # One step a line, numbered in order, the next step's official site a link that opens outside.
    renderer = Renderer(catalogs)
    first = {"number": 1, "title": catalogs.get(language, "roadmap.title.nursing_board")}
    assert renderer.text(language, "roadmap.line_next", first).split("\n")[0] in lines
    later = [{"number": n, "title": catalogs.get(language, "roadmap.title.nclex")} for n in range(2, 8)]
    assert any(renderer.text(language, "roadmap.line_later", step) in lines for step in later)
    site = plan.locator("a[href^='https://']").first
    assert site.get_attribute("target") == "_blank" and site.inner_text() in site.get_attribute("href")
    assert page.locator(".message.bot .text[lang]").last.get_attribute("dir") == (
        "rtl" if language in RIGHT_TO_LEFT else "ltr"
    )
    # The printable page opens in the person's language.
    assert f'lang="{language}"' in requests.get(printable.get_attribute("href"), timeout=30).text
    # The plan's buttons carry their titles in the language, and one click asks for the programs.
    page.locator("button.reply", has_text=catalogs.get(language, "button.programs")).last.click()
    programs_ending = catalogs.get(language, "utter_programs_found").rsplit("}", 1)[1].strip()
    page.locator(".message.bot", has_text=programs_ending).nth(1).wait_for(timeout=TIMEOUT_MS)
