"""The web app: `python -m web.app` serves it on WEB_PORT (started by `make run`).

GET /plan/<token>[?lang=xx]  a person's roadmap as a printable page, in their language or another
GET /health                   liveness for scripts and load balancers
"""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request

from actions.store import Store, create_engine
from bot.catalog import RIGHT_TO_LEFT, Catalogs, msgid
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from bot.renderer import Renderer
from web.plan_page import plan_view

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
# Printable pages are self-contained: inline CSS, no scripts, nothing loaded from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app() -> Sanic:
    settings = load_settings()
    app = Sanic("ihp_web")
    templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))

    @app.before_server_start
    async def open_resources(app: Sanic, _loop) -> None:
        app.ctx.store = Store(create_engine(settings.database_url))
        app.ctx.renderer = Renderer(Catalogs.load(settings.locales_dir))

    @app.get("/health")
    async def health(_request: Request):
        return response.json({"status": "ok"})

    @app.get("/plan/<token:str>")
    async def plan(request: Request, token: str):
        record = app.ctx.store.roadmap(token)
        requested = request.args.get("lang")
        if record is None:
            language = requested if requested in SUPPORTED_LANGUAGES else settings.default_language
            page = templates.get_template("not_found.html").render(
                language=language,
                direction="rtl" if language in RIGHT_TO_LEFT else "ltr",
                message=app.ctx.renderer.text(language, msgid("page.not_found")),
            )
            return response.html(page, status=404, headers=SECURITY_HEADERS)
        language = requested if requested in SUPPORTED_LANGUAGES else record["language"]
        view = plan_view(record, app.ctx.store, app.ctx.renderer, language)
        page = templates.get_template("plan.html").render(token=token, **view)
        return response.html(page, headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})

    return app


def main() -> None:
    settings = load_settings()
    create_app().run(
        host="127.0.0.1", port=settings.web_port, access_log=False, motd=False
    )


if __name__ == "__main__":
    main()
