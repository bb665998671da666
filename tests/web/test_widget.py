import gzip
import json
import re

from bot.catalog import Catalogs
from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from web.widget import TEXTS, widget_assets, widget_bundle

MAX_GZIPPED_BYTES = 30 * 1024  # issue 6: under 30 KB gzipped


def catalogs():
    return Catalogs.load(load_settings().locales_dir)


def test_the_bundle_is_under_30_kb_gzipped_and_decompresses_to_the_script():
    bundle = widget_bundle(catalogs())
    assert len(bundle.gzipped) < MAX_GZIPPED_BYTES
    assert gzip.decompress(bundle.gzipped) == bundle.script


def test_every_language_has_every_widget_text_and_its_own_name():
    assets = widget_assets(catalogs())
    assert sorted(assets["text"]) == sorted(SUPPORTED_LANGUAGES)
    for language, texts in assets["text"].items():
        assert sorted(texts) == sorted(TEXTS)
        assert all(text and not text.startswith("widget.") for text in texts.values()), language
    assert assets["languages"]["es"] == "Español" and assets["languages"]["zh"] == "中文"
    assert assets["rightToLeft"] == ["ar", "fa"]
    # Translations differ from English (a copied English catalog would pass the presence check).
    assert assets["text"]["fr"]["send"] != assets["text"]["en"]["send"]


def test_the_socket_io_client_is_scoped_inside_the_bundle():
    script = widget_bundle(catalogs()).script.decode("utf-8")
    assert script.startswith("/*! IHP Navigator widget")
    assert script.rstrip().endswith("})();")
    assert "var module = { exports: {} }" in script  # the UMD header assigns io to this, not to window


def test_the_embedded_assets_cannot_close_a_script_element():
    script = widget_bundle(catalogs()).script.decode("utf-8")
    assets = re.search(r"var assets = (\{.*\});\n", script).group(1)
    assert "</" not in assets
    assert json.loads(assets)["brand"] == "IHP Navigator"


def test_the_etag_changes_with_the_content():
    first = widget_bundle(catalogs())
    assert first.etag == widget_bundle(catalogs()).etag

    class Retranslated(Catalogs):
        def get(self, language, message_id):
            return "Send it" if message_id == "widget.send" else super().get(language, message_id)

    assert widget_bundle(Retranslated.load(load_settings().locales_dir)).etag != first.etag
