"""Debian's Chromium driven by Playwright, for the browser tests and the widget screenshots."""

from __future__ import annotations

import os
from typing import Any

# No sandbox (root in CI); no calls home: the network is closed here and nothing may depend on it.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


def launch_chromium(playwright: Any) -> Any:
    executable = chromium_path()
    if not os.path.exists(executable):
        raise RuntimeError(f"no browser at {executable}: run `make system-deps` or set CHROMIUM")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
