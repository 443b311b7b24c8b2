"""Open a report in headless Chromium (Debian's ``chromium``) and record what it asked for and complained about.

Used by the report's browser test and by ``make report-demo`` for the screenshot. Needs the ``playwright``
Python package (the dev extra) driving the system's Chromium; it never downloads a browser.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from deid.errors import ConfigError

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")


@dataclass
class PageLoad:
    """What loading one page did: every request, console error and page error, and its title."""

    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    title: str = ""
    pdf_bytes: int = 0

    @property
    def other_requests(self) -> list[str]:
        """Requests for anything but the page itself."""
        return [r for r in self.requests if r != self.url]


def chromium_path() -> str:
    """The system Chromium (``make test`` installs Debian's package when it is missing)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError("chromium is not installed; install Debian's chromium package (`make browser`)")


def load_in_browser(html: str | Path, screenshot: str | Path | None = None, *, width: int = 1100,
                    height: int = 900, full_page: bool = True, pdf: str | Path | None = None) -> PageLoad:
    """Load ``html`` (a file) in headless Chromium; save a screenshot (the whole page, or the first
    ``height`` pixels) and the page printed to PDF, if asked."""
    from playwright.sync_api import sync_playwright

    url = Path(html).resolve().as_uri()
    load = PageLoad(url=url)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("request", lambda request: load.requests.append(request.url))
            page.on("requestfailed", lambda request: load.failed_requests.append(request.url))
            page.on("console", lambda msg: load.console_errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: load.page_errors.append(str(exc)))
            page.goto(url, wait_until="load")
            load.title = page.title()
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=full_page)
            if pdf is not None:
                page.emulate_media(media="print")
                page.pdf(path=str(pdf), format="A4", print_background=True)
                load.pdf_bytes = Path(pdf).stat().st_size
        finally:
            browser.close()
    return load


__all__ = ["CHROMIUM_ARGS", "PageLoad", "chromium_path", "load_in_browser"]
