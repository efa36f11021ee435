"""The web view driven in the system's headless Chromium: portfolio -> system -> diff -> download
the signed PDF -> verify it (valid) and a tampered copy (invalid), with a screenshot of each page.

Screenshots go to $GOVERN_TEST_ARTIFACTS/serve (CI keeps them) or the test's tmp_path.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from govern.serve.app import create_app
from govern.serve.config import ServeConfig
from govern.sign.keys import generate_keys
from tests.serve.conftest import CHATBOT, CREDIT, Filled

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The distribution's browser and driver (Debian: chromium, chromium-driver); elsewhere (macOS:
# `brew install --cask chromium chromedriver`) name them with these variables.
CHROMIUM = Path(os.environ.get("GOVERN_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("GOVERN_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"))
WAIT = 300.0  # seconds: the first PDF is rendered on demand on a busy CI machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(filled: Filled, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """uvicorn on a free loopback port in a thread, signing with a fresh key: (base URL, .pub)."""
    import uvicorn

    folder = tmp_path_factory.mktemp("browser-server")
    keys = generate_keys(folder / "server", certificate_subject="govern browser tests")
    config = ServeConfig(db_url=filled.url, sign_key=keys.private_key, cache_dir=folder / "cache")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", keys.public_key
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    base = os.environ.get("GOVERN_TEST_ARTIFACTS")
    folder = Path(base) / "serve" if base else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[WebDriver, Path]]:
    """Headless Chromium from the distribution, downloads into tmp_path/downloads."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        if os.environ.get("GOVERN_TEST_BROWSER"):
            pytest.fail(f"GOVERN_TEST_BROWSER is set but {CHROMIUM} or {CHROMEDRIVER} is missing")
        pytest.skip(f"needs {CHROMIUM} and {CHROMEDRIVER} (Debian: chromium chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not fetch a browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,900")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver, downloads
    finally:
        driver.quit()


def shot(driver: WebDriver, folder: Path, name: str, width: int = 1280) -> None:
    """A screenshot of the whole page (the window grown to the page's height, up to 6000 px)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(int(height) + 120, 600), 6000))
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(1280, 900)


def wait_for(condition: object, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def go(driver: WebDriver, element: object, url_part: str) -> None:
    """Click a link or button and wait until the browser is on the next page."""
    element.click()  # type: ignore[attr-defined]
    wait_for(lambda: url_part in driver.current_url, f"a page at {url_part}", timeout=90)
    wait_for(
        lambda: driver.execute_script("return document.readyState") == "complete",
        "the page to load",
        timeout=90,
    )


def test_officer_walks_portfolio_system_diff_report_and_verify(
    served: tuple[str, Path],
    browser: tuple[WebDriver, Path],
    artifacts: Path,
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    base, public_key = served
    driver, downloads = browser

    driver.get(base + "/")
    assert driver.title.startswith("Portfolio")
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "tbody a")]
    assert f"{base}/systems/{CREDIT}" in links and f"{base}/systems/{CHATBOT}" in links
    shot(driver, artifacts, "01-portfolio")
    shot(driver, artifacts, "01b-portfolio-tablet", width=800)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert driver.switch_to.active_element.text == "Skip to content"  # keyboard first stop

    Select(driver.find_element(By.ID, "f-tier")).select_by_value("high")
    go(driver, driver.find_element(By.CSS_SELECTOR, "form.filters button"), "tier=high")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.portfolio tbody tr")
    assert len(rows) == 1 and "Credit Risk Scorer" in rows[0].text

    go(driver, driver.find_element(By.LINK_TEXT, "Credit Risk Scorer"), f"/systems/{CREDIT}")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Credit Risk Scorer")
    assert driver.find_elements(By.CSS_SELECTOR, "figure.chart svg"), "fairness charts"
    shot(driver, artifacts, "02-system")
    driver.set_window_size(1280, 1400)
    driver.execute_script("document.getElementById('h-fairness').scrollIntoView()")
    driver.save_screenshot(str(artifacts / "02b-system-fairness.png"))
    driver.set_window_size(1280, 900)

    Select(driver.find_element(By.ID, "d-before")).select_by_value("1")
    Select(driver.find_element(By.ID, "d-after")).select_by_value("2")
    go(driver, driver.find_element(By.CSS_SELECTOR, "form.diff-form button"), "before=1&after=2")
    assert "New failures (1)" in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, artifacts, "03-diff")

    driver.get(f"{base}/systems/{CREDIT}")
    go(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Report of this run"), "/runs/2")
    assert "signed" in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, artifacts, "04-report")
    driver.find_element(By.PARTIAL_LINK_TEXT, "Download the PDF").click()
    pdf = downloads / f"{CREDIT}-run-2-report.pdf"
    wait_for(pdf.is_file, "the signed PDF download")
    assert pdf.read_bytes().startswith(b"%PDF")

    tampered = tmp_path / "tampered.pdf"
    shutil.copyfile(pdf, tampered)
    data = tampered.read_bytes()
    tampered.write_bytes(data.replace(b"Credit Risk Scorer", b"Credit Risk Scorez", 1))
    for upload, name, expected in (
        (pdf, "05-verify-valid", "VALID"),
        (tampered, "06-verify-tampered", "INVALID"),
    ):
        driver.get(base + "/verify")
        driver.find_element(By.ID, "v-report").send_keys(str(upload))
        driver.find_element(By.ID, "v-key").send_keys(str(public_key))
        driver.find_element(By.CSS_SELECTOR, "form.upload button").click()
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "section.outcome h2"), "a verdict")
        heading = driver.find_element(By.CSS_SELECTOR, "section.outcome h2").text
        assert heading.startswith(f"{expected}: "), heading
        shot(driver, artifacts, name)
    assert "Verdict as signed" not in driver.find_element(By.TAG_NAME, "main").text

    driver.get(base + "/ledger")
    assert "Intact" in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, artifacts, "07-ledger")

    driver.get(f"{base}/systems/{CREDIT}/diff?before=1&after=2")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not driver.find_element(By.CSS_SELECTOR, "header.site nav").is_displayed()
    shot(driver, artifacts, "08-diff-print")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    blocked = [
        e["message"] for e in driver.get_log("browser") if "Content Security" in e["message"]
    ]
    assert blocked == [], blocked


# Every element with its own text: its colour against the first opaque background behind it, as
# WCAG 2.2 computes contrast (relative luminance of sRGB). Large text (24px, or 18.66px bold)
# needs 3:1, other text 4.5:1 (success criterion 1.4.3, level AA).
_CONTRAST_JS = """
function rgb(s) { const m = s.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : [...m, 1]; }
function lum(c) {
  const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c[3] > 0.99) return c;
  }
  return [255, 255, 255, 1];
}
const low = [];
let checked = 0;
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const style = getComputedStyle(el);
  if (!own || style.visibility === 'hidden' || el.offsetParent === null) continue;
  const fg = rgb(style.color), bg = background(el);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
  const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
  checked++;
  const text = el.textContent.trim().slice(0, 30);
  if (ratio < need) low.push(`${el.tagName} "${text}" ${ratio.toFixed(2)} < ${need}`);
}
return [checked, low];
"""


def test_every_page_meets_wcag_aa_contrast_and_shows_keyboard_focus(
    served: tuple[str, Path], browser: tuple[WebDriver, Path]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, _ = served
    driver, _ = browser
    pages = ["/", f"/systems/{CREDIT}", f"/systems/{CHATBOT}", "/verify", "/ledger"]
    for page in pages:
        driver.get(base + page)
        checked, low = driver.execute_script(_CONTRAST_JS)
        assert checked > 10, f"{page}: no text found to check"
        assert low == [], f"{page}: text below WCAG AA contrast: {low}"

    # Keyboard: every stop of the tab order on the portfolio shows a visible focus indicator.
    driver.get(base + "/")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    seen = 0
    for _ in range(40):
        active = driver.switch_to.active_element
        if active.tag_name == "body":
            break
        outline = driver.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return [s.outlineStyle, parseFloat(s.outlineWidth)];",
            active,
        )
        assert outline[0] != "none" and outline[1] >= 2, (
            f"no visible focus on {active.tag_name} {active.text[:30]!r}: {outline}"
        )
        seen += 1
        active.send_keys(Keys.TAB)
    assert seen >= 5, "the portfolio has fewer than five keyboard stops"
