"""Headless Chromium (Debian's ``chromium`` and its ``chromedriver``) driven by Selenium, for the
explorer's browser test and its screenshot (docs/explorer.png):

    python -m tests.explorer.browser results/explorer.html docs/explorer.png

The browser logs the console (``browser``) and the DevTools network events (``performance``), so
a test can ask for JavaScript errors and for every request the page made.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import time
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser")
DRIVER = "chromedriver"
LOCAL = ("file:", "data:", "blob:", "about:", "chrome-extension:", "devtools:")  # requests that stay in the machine


def missing() -> str | None:
    """Why no browser can run here (None when one can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not any(shutil.which(b) for b in BROWSERS):
        return "no chromium on PATH (apt-get install chromium chromium-driver)"
    if not shutil.which(DRIVER):
        return "no chromedriver on PATH (apt-get install chromium-driver)"
    return None


@contextlib.contextmanager
def chromium(width: int = 1300, height: int = 1000):
    """A headless Chromium WebDriver with console and network logging; quit on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = next(shutil.which(b) for b in BROWSERS if shutil.which(b))
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--use-angle=swiftshader",  # WebGL (the 3-D views) in software: no GPU here
        "--enable-unsafe-swiftshader",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # an explicit driver path: Selenium would otherwise try to download one
    driver = webdriver.Chrome(service=Service(shutil.which(DRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver, path: Path, timeout: float = 60.0) -> None:
    """Load ``path`` and wait until every plot element has been drawn by plotly."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(Path(path).resolve().as_uri())
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script(
            "var divs = document.querySelectorAll('div.plot');"
            "return divs.length > 0 && Array.from(divs).every(function (d) {"
            "  return d.classList.contains('js-plotly-plot') && d.querySelector('.main-svg'); });"
        )
    )


def console_errors(driver) -> list[str]:
    """The console's error messages since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def requests(driver) -> list[str]:
    """The URL of every request the page made (DevTools ``Network.requestWillBeSent``) since the last call."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def remote(urls: list[str]) -> list[str]:
    """The URLs that would leave the machine."""
    return [u for u in urls if not u.startswith(LOCAL)]


def slide_to_end(driver, div: str) -> None:
    """Click the far right of the slider rail of plot ``div``: its last (sparsest) step."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    rail = driver.find_element(By.ID, div).find_element(By.CSS_SELECTOR, "rect.slider-rail-touch-rect")
    # offsets are from the element's centre
    ActionChains(driver).move_to_element_with_offset(rail, rail.size["width"] // 2 - 2, 0).click().perform()


def screenshot(page: Path, png: Path, width: int = 1300, height: int = 1400) -> None:
    """A PNG of the page's first ``height`` pixels, the intro's slider moved to its sparsest
    density (the pentagon), as the browser test's browser draws it."""
    with chromium(width, height) as driver:
        open_page(driver, page)
        slide_to_end(driver, "plot-intro-0")
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(1)  # the slider's transition
        driver.save_screenshot(str(png))


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
