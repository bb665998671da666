"""The web app: `python -m web.app` serves it on WEB_PORT (started by `make run`).

GET /plan/<token>[?lang=xx]  a person's roadmap as a printable page, in their language or another
GET /widget.js                the embeddable chat widget (web/widget.py)
GET /demo[?lang=xx]           a page with the widget embedded, talking to RASA_PUBLIC_URL
GET /health                   liveness for scripts and load balancers
/, /login, /cases/…, /staff   the staff console (web/console.py)
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
from web import console
from web.plan_page import plan_view
from web.widget import widget_bundle

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
    # Behind a reverse proxy (nginx, an ingress) Sanic trusts this many X-Forwarded-* hops, no more.
    app.config.PROXIES_COUNT = settings.trusted_proxies
    app.config.REAL_IP_HEADER = "x-forwarded-for"

    @app.on_response
    async def strict_transport_security(request: Request, resp) -> None:
        if request.scheme == "https":  # over TLS only: a plain-HTTP header would be ignored anyway
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))

    @app.before_server_start
    async def open_resources(app: Sanic, _loop) -> None:
        app.ctx.store = Store(create_engine(settings.database_url))
        catalogs = Catalogs.load(settings.locales_dir)
        app.ctx.renderer = Renderer(catalogs)
        app.ctx.widget = widget_bundle(catalogs)

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

    console.register(app, settings, templates)

    @app.get("/widget.js")
    async def widget(request: Request):
        bundle = app.ctx.widget
        headers = {
            "Cache-Control": "public, max-age=300",
            "ETag": bundle.etag,
            "Vary": "Accept-Encoding",
            # Embedded on partners' sites: any page may load it, explicitly.
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
            "X-Content-Type-Options": "nosniff",
        }
        if request.headers.get("if-none-match") == bundle.etag:
            return response.empty(status=304, headers=headers)
        body = bundle.script
        if "gzip" in request.headers.get("accept-encoding", ""):
            body, headers["Content-Encoding"] = bundle.gzipped, "gzip"
        return response.raw(body, headers=headers, content_type="application/javascript; charset=utf-8")

    @app.get("/demo")
    async def demo(request: Request):
        requested = request.args.get("lang")
        language = requested if requested in SUPPORTED_LANGUAGES else settings.default_language
        rasa = settings.rasa_public_url
        page = templates.get_template("demo.html").render(
            language=language, languages=SUPPORTED_LANGUAGES, rasa_url=rasa,
            widget_url=f"{settings.public_url}/widget.js",
        )
        # The widget's own styles are inline in its shadow root; it talks only to the Rasa server.
        policy = (
            f"default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
            f"connect-src {rasa} {rasa.replace('http', 'ws', 1)}; frame-ancestors 'none'"
        )
        return response.html(page, headers={**SECURITY_HEADERS, "Content-Security-Policy": policy})

    return app


def main() -> None:
    from bot import redaction

    redaction.install()
    settings = load_settings()
    create_app().run(
        host=settings.web_host, port=settings.web_port, access_log=False, motd=False
    )


if __name__ == "__main__":
    main()
