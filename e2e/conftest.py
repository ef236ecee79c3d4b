"""Shared browser fixtures for the Playwright journeys (STYLE §7).

Journeys drive Debian's Chromium in headless mode against pytest-django's `live_server`.
Without /usr/bin/chromium they skip locally; under CI=true a missing browser is a failure, so CI
can never go green by silently skipping every journey.

Use in a test:

    @pytest.mark.browser
    def test_it_joins(live_server, transactional_db, world, phone_page, screenshot):
        phone_page.goto(live_server.url + "/join/")
        screenshot(phone_page, "portal/join")   # → artifacts/screenshots/portal/join.png

`transactional_db` is needed because the live server thread reads through its own connection and
would not see rows written inside a test transaction.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM calls
# made by the test itself (fixtures creating rows) as "async unsafe". They are not: the loop only
# drives the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"

# What WeChat's in-app browser (XWEB, Chromium based) sends on an Android phone: pages must not
# sniff it into a degraded mode, and any WeChat-specific branch gets exercised.
WECHAT_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2585 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin "
    "NetType/WIFI Language/zh_CN ABI/arm64"
)
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium package to run browser journeys"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# Every page in every journey is watched for Content-Security-Policy violations (issue 14 item 3):
# the policy refuses inline script, so a violation is either a page that still relies on one or
# text that reached the DOM as HTML. The listener is installed before any page script runs and
# reports through the console, which survives navigations. Since the policy also refuses eval,
# wait_for_function takes a function ("() => …"): a bare expression is eval'ed in the page.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.documentURI + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""
CSP_VIOLATIONS: list[str] = []


def _watch_csp(context: Any) -> None:
    context.add_init_script(CSP_WATCH)

    def on_console(message: Any) -> None:
        text = message.text
        if text.startswith("CSP violation:") or "Content Security Policy" in text:
            CSP_VIOLATIONS.append(text)

    context.on("console", on_console)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (launching costs about a second); every
    context it opens, here or in a test module, is watched for CSP violations."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        new_context = instance.new_context

        def watched_context(*args: Any, **kwargs: Any) -> Any:
            context = new_context(*args, **kwargs)
            _watch_csp(context)
            return context

        instance.new_context = watched_context
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[list[str]]:
    """Fails a journey whose pages broke the Content-Security-Policy anywhere."""
    CSP_VIOLATIONS.clear()
    yield CSP_VIOLATIONS
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


def _page(browser: Any, **context_options: Any) -> Iterator[Any]:
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A fresh phone (390×844, touch, zh-CN, WeChat user agent) with its own cookies."""
    yield from _page(
        browser,
        viewport=PHONE_VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        user_agent=WECHAT_USER_AGENT,
    )


@pytest.fixture
def desktop_page(browser: Any) -> Iterator[Any]:
    """A fresh desktop window (1366×900, zh-CN) with its own cookies, for the staff console."""
    yield from _page(browser, viewport=DESKTOP_VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")


# axe-core (npm devDependency, never served) checks every page a journey photographs against the
# WCAG 2.0–2.2 A/AA rules: older riders read these pages in bright sunlight, so contrast, labels and
# names are part of a page working. The source is evaluated through the DevTools protocol, which the
# page's Content-Security-Policy does not govern; nothing is added to the page's own scripts.
AXE_SOURCE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = r"""
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => v.id + " (" + v.impact + "): " + v.help + "\n    " +
    v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " — " + n.failureSummary.replace(/\n\s*/g, " ")).join("\n    "));
}
"""


def accessibility_violations(page: Any) -> list[str]:
    """The WCAG A/AA rules axe-core finds broken on the page as it is now (empty when clean)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        session = page.context.new_cdp_session(page)
        session.send("Runtime.evaluate", {"expression": AXE_SOURCE.read_text(encoding="utf-8")})
        session.detach()
    violations: list[str] = page.evaluate(AXE_RUN, AXE_TAGS)
    return violations


def assert_accessible(page: Any, name: str = "") -> None:
    violations = accessibility_violations(page)
    if os.environ.get("AXE_REPORT"):
        # Survey mode (AXE_REPORT=file): collect every page's findings instead of stopping at one.
        with open(os.environ["AXE_REPORT"], "a", encoding="utf-8") as report:
            report.writelines(f"{name or page.url}: {line}\n" for line in violations)
        return
    assert not violations, f"axe-core (WCAG 2.2 AA) on {name or page.url}:\n" + "\n".join(violations)


def save_screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as artifacts/screenshots/<name>.png (name may hold folders), after
    checking the page against WCAG 2.2 AA with axe-core: every page a journey shows is checked."""
    safe = "/".join(re.sub(r"[^\w.-]+", "_", part) for part in name.strip("/").split("/") if part)
    path = SCREENSHOT_DIR / f"{safe}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    # From the top: a sticky header would otherwise be painted mid-page in a full-page capture.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    assert_accessible(page, name)
    return path


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """`screenshot(page, "portal/join")` → artifacts/screenshots/portal/join.png."""
    return save_screenshot


def menu(page: Any, label: str) -> None:
    """Go to a console section through the side menu as an officer does: open the section's group
    (groups other than the current page's are folded) and click the link."""
    # By text, not role: a link inside a folded group is hidden, so not in the accessibility tree.
    named = page.locator("a", has_text=re.compile(f"^{re.escape(label)}$"))
    link = page.locator(".console-nav").locator(named)
    group = page.locator(".console-nav details.nav-group", has=named)
    if group.count() and group.get_attribute("open") is None:
        group.locator("summary").click()
    link.click()


def portal_login(page: Any, base_url: str, phone: str) -> None:
    """A member logs in to the portal with the SMS code the demo's console backend kept."""
    from gongyou.portal.sms import ConsoleBackend

    page.goto(f"{base_url}/me/login/")
    page.fill("#id_phone", phone)
    page.click("#sms-box button")
    page.wait_for_selector(".sms-note.ok")
    page.fill("#id_sms_code", ConsoleBackend.last_code(phone, "login"))
    page.click("button.btn[value=login]")
    page.wait_for_url("**/me/")
