"""The explorer in a real browser (headless Chromium): every view draws, no JavaScript error, no
request leaves the machine, the density slider changes the WᵀW shown, the table filters.

Skipped, with the reason, only where no browser can run (no chromium or chromedriver on PATH);
``.ci/run`` installs Debian's ``chromium`` and ``chromium-driver``, so CI always runs it.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from tms.explorer.views import VIEWS

from . import browser
from .specs import decode

pytestmark = pytest.mark.skipif(browser.missing() is not None, reason=f"no browser: {browser.missing()}")

VISIBLE_GRAMS = """
var gd = document.getElementById(arguments[0]);
return gd.data.filter(function (t) { return t.visible === true && t.meta && t.meta.quantity === 'gram+b'; })
              .map(function (t) { return {meta: t.meta, z: t.z}; });
"""


@pytest.fixture(scope="module")
def driver(page):
    with browser.chromium() as d:
        browser.open_page(d, page)
        yield d


def test_every_view_draws_without_a_javascript_error(driver, page):
    drawn = driver.execute_script(
        "return Array.from(document.querySelectorAll('div.plot'))"
        ".filter(function (d) { return d.querySelector('.main-svg'); }).map(function (d) { return d.id; })"
    )
    assert {f"plot-{v.figure}-0" for v in VIEWS} <= set(drawn)
    assert browser.console_errors(driver) == []


def test_the_page_makes_no_network_request(driver, page):
    urls = browser.requests(driver)
    assert page.resolve().as_uri() in urls  # the log works: it saw the page itself
    assert browser.remote(urls) == []


def test_moving_the_density_slider_changes_the_gram_view(driver):
    from selenium.webdriver.common.by import By

    div = "plot-basic_results-0"
    before = driver.execute_script(VISIBLE_GRAMS, div)
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, div))
    browser.slide_to_end(driver, div)  # a click on the rail's far right: the sparsest density
    deadline = time.time() + 10
    while time.time() < deadline and driver.execute_script(VISIBLE_GRAMS, div) == before:
        time.sleep(0.2)
    after = driver.execute_script(VISIBLE_GRAMS, div)
    assert [t["meta"]["density"] for t in before] == [1.0, 1.0]
    assert len(after) == 2 and after[0]["meta"]["density"] < 0.01
    assert not np.allclose(decode(before[1]["z"]), decode(after[1]["z"]), equal_nan=True)
    assert browser.console_errors(driver) == []


def test_the_table_filters_by_status(driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    select = driver.find_element(By.ID, "filter-status")
    driver.execute_script("arguments[0].scrollIntoView()", select)
    Select(select).select_by_value("not held")
    shown = driver.execute_script(
        "return Array.from(document.querySelectorAll('#replication tbody tr'))"
        ".filter(function (r) { return r.style.display !== 'none'; }).map(function (r) { return r.dataset.status; })"
    )
    assert shown == ["not held"]
    assert driver.find_element(By.ID, "claim-count").text == "1 of 2 claims"


def test_the_checks_catch_a_remote_request_and_a_script_error(tmp_path):
    """The two checks above can fail: a page that loads from a host and throws is caught by both."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><div class="plot"></div>'
        '<img src="http://127.0.0.1:9/nothing.png"><script>undefinedFunction();</script></body></html>'
    )
    with browser.chromium() as d:
        d.get(bad.resolve().as_uri())
        time.sleep(1)
        assert browser.remote(browser.requests(d)) == ["http://127.0.0.1:9/nothing.png"]
        assert any("undefinedFunction" in m for m in browser.console_errors(d))
