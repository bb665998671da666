"""`make screenshots`: pictures of the widget in a conversation, for the README (docs/widget-*.png).

Starts the whole assistant on free ports with temporary databases, asks one question per language on
the demo page in headless Chromium, and saves the widget's panel.
"""

from __future__ import annotations

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
                browser.close()
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
