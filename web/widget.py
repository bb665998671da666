"""The embeddable widget: one script, built from the socket.io client, web/widget/ and the catalogs.

The bundle is built once per web-app start (`widget_bundle`) and served as /widget.js, gzipped when
the browser accepts it. The socket.io client is scoped inside the bundle, so a partner page's own `io`
is left alone.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict

from bot.catalog import RIGHT_TO_LEFT, Catalogs, autonym, msgid
from bot.languages import SUPPORTED_LANGUAGES

WIDGET_DIR = Path(__file__).parent / "widget"
SOCKET_IO_CLIENT = WIDGET_DIR / "vendor" / "socket.io.min.js"
BRAND = "IHP Navigator"  # a name, the same in every language
TEXTS = {
    "open": msgid("widget.open"),
    "close": msgid("widget.close"),
    "restart": msgid("widget.restart"),
    "subtitle": msgid("widget.subtitle"),
    "language": msgid("widget.language"),
    "messages": msgid("widget.messages"),
    "typing": msgid("widget.typing"),
    "offline": msgid("widget.offline"),
    "options": msgid("widget.options"),
    "placeholder": msgid("widget.placeholder"),
    "send": msgid("widget.send"),
    "notice": msgid("widget.notice"),
    "you": msgid("widget.you"),
    "assistant": msgid("widget.assistant"),
    "staff": msgid("widget.staff"),
}


@dataclass(frozen=True)
class Bundle:
    script: bytes
    gzipped: bytes
    etag: str


def widget_assets(catalogs: Catalogs) -> Dict:
    """What the widget script needs besides its code: every language's texts, names and direction."""
    return {
        "brand": BRAND,
        "css": (WIDGET_DIR / "widget.css").read_text(encoding="utf-8"),
        "languages": {code: autonym(code) for code in SUPPORTED_LANGUAGES},
        "rightToLeft": sorted(RIGHT_TO_LEFT),
        "text": {
            language: {key: catalogs.get(language, message) for key, message in TEXTS.items()}
            for language in SUPPORTED_LANGUAGES
        },
    }


def widget_bundle(catalogs: Catalogs) -> Bundle:
    assets = json.dumps(widget_assets(catalogs), ensure_ascii=False, separators=(",", ":"))
    # "</" inside a JSON string could end an inline <script> on a page that inlines the bundle.
    assets = assets.replace("</", "<\\/")
    script = "\n".join([
        "/*! IHP Navigator widget. Includes the Socket.IO client (MIT License, see web/widget/vendor). */",
        "(function () {",
        "var module = { exports: {} }, exports = module.exports, define;",
        SOCKET_IO_CLIENT.read_text(encoding="utf-8"),
        "var io = module.exports;",
        (WIDGET_DIR / "widget.js").read_text(encoding="utf-8"),
        "var script = document.currentScript;",
        f"var assets = {assets};",
        "function start() { window.IHPNavigator = ihpNavigatorWidget(io, assets, script); }",
        "if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);",
        "})();",
        "",
    ]).encode("utf-8")
    return Bundle(
        script=script,
        gzipped=gzip.compress(script, compresslevel=9, mtime=0),
        etag='"' + hashlib.sha256(script).hexdigest()[:20] + '"',
    )
