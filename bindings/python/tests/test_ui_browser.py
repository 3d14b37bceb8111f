"""The web view in a real browser: Debian's Chromium, headless, driven by Selenium through
Debian's chromium-driver (`make setup` installs all three). Separate processes fill a registry
file (holders, a sub-claim, a queue, refusals, claims that ended each way), `python -m wir.ui`
serves it, and the test reads what the page shows, as a person would see it.

The screenshot lands in the test's output directory (its tmp_path). To refresh the README's,
run with WIR_UI_SCREENSHOT=docs/images/wir-ui.png (a path from the repository's root).
"""

import os
import shutil
import subprocess
import time

import pytest

selenium = pytest.importorskip("selenium", reason="the browser test needs selenium (make setup installs it)")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

import wir  # noqa: E402
from ui_support import ROOT, Actor, run_actor, ui_report, wir_ui  # noqa: E402

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
HOSTILE = "<img src=x onerror=alert(1)>"


def browser_runs() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    if not CHROMIUM or not DRIVER:
        return ("needs Debian's chromium and chromium-driver packages (make setup installs them where the "
                "distribution ships them)")
    try:
        version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{CHROMIUM} does not run: {error}"
    if version.returncode != 0 or "Chromium" not in version.stdout:
        return f"{CHROMIUM} is not a working Chromium (a snap stand-in?): {version.stdout}{version.stderr}".strip()
    return None


WHY_NOT = browser_runs()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=f"the browser test {WHY_NOT}")


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("SE_OFFLINE", "true")          # Selenium's driver manager: use the given driver, fetch nothing
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1440,1000", "--hide-scrollbars", "--force-color-profile=srgb"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


PAGE_STATE = """
const text = id => (document.getElementById(id) || {}).textContent;
return {window: document.getElementById('window').value, shown: text('window-text'), banner: text('error'),
        status: text('status-text'), rows: document.querySelectorAll('#timeline .tl-row').length,
        holds: Array.from(document.querySelectorAll('#timeline rect.hold')).map(r => r.dataset.task)};
"""


def wait_for(driver, script, *arguments, timeout=10.0):
    """Runs ``script`` in the page until it returns something true; returns that. If it never
    does, the failure says what the page showed, and where its screenshot is."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(
            lambda d: d.execute_script(script, *arguments))
    except TimeoutException:
        shown = driver.execute_script(PAGE_STATE)
        shot = f"/tmp/wir-ui-failure-{os.getpid()}.png"
        driver.save_screenshot(shot)
        raise AssertionError(f"the page never satisfied: {script}\nit showed: {shown} (screenshot: {shot})\n"
                             f"console: {driver.get_log('browser')}") from None


def no_alert(driver) -> bool:
    try:
        driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def console_errors(driver) -> list:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


# Each returns what the named part of the page shows, read from the DOM.
HOLDERS_AT = """
const row = Array.from(document.querySelectorAll('#tree .row')).find(r => r.dataset.path === arguments[0]);
if (!row) return null;
return Array.from(row.querySelectorAll(':scope > .holds > .hold')).map(h => ({
  task: h.querySelector('.chip').textContent, label: (h.querySelector('.label') || {}).textContent || '',
  lease: (h.querySelector('.lease') || {}).textContent || '', waiting: h.classList.contains('waiting'),
  text: h.textContent}));
"""
QUEUE = """
return Array.from(document.querySelectorAll('#queue .waiter')).map(w => ({
  task: w.dataset.task, behind: Array.from(w.querySelectorAll('.blocker')).map(b => b.dataset.blocker),
  text: w.textContent}));
"""
LOG = """
return Array.from(document.querySelectorAll('#log tbody tr')).map(r => ({
  task: r.dataset.task, holder: r.dataset.holder, outcome: r.dataset.outcome, text: r.textContent}));
"""
TREE_TASKS = "return Array.from(document.querySelectorAll('#tree .hold')).map(h => h.dataset.task);"
ENDED_BARS = """
return Array.from(document.querySelectorAll('#timeline rect.hold')).map(r => [r.dataset.task, r.dataset.reason]);
"""
# Where, across the chart, this test's activity lies: from its first bar or mark to "now".
CHART_SPAN = """
const chart = document.querySelector('#timeline svg.tl');
const box = chart.getBoundingClientRect();
const lefts = Array.from(chart.querySelectorAll('rect.hold, g.mark, g.end, .end, rect.wait'))
  .map(node => node.getBoundingClientRect().left);
const now = chart.querySelector('line.now');
const right = now ? now.getBoundingClientRect().left : Math.max(...Array.from(chart.querySelectorAll('rect.hold'))
  .map(node => node.getBoundingClientRect().right));
return {left: Math.min(...lefts) - box.left - 10, right: right - box.left + 6, width: box.width, height: box.height};
"""


def drag_across_the_chart(browser):
    """Drags over the timeline's bars from their left end to their right end (a zoom to that
    span); returns the span as it was before."""
    span = browser.execute_script(CHART_SPAN)
    chart = browser.find_element("css selector", "#timeline svg.tl")
    (ActionChains(browser)
     .move_to_element_with_offset(chart, round(span["left"] - span["width"] / 2), round(40 - span["height"] / 2))
     .click_and_hold().move_by_offset(round(span["right"] - span["left"]), 0).release().perform())
    return span


def test_the_page_shows_holders_waiters_refusals_and_follows_a_release(browser, tmp_path):
    registry = tmp_path / "registry.db"
    project = tmp_path / "proj"
    p = {name: str(project / name) for name in
         ("src", "src/api", "src/api/routes.py", "src/api/server.py", "docs/index.md", "data", "data/cache.db",
          "data/tmp.bin")}
    # Claims that ended, each its own way.
    run_actor(registry, "run", "lint-1", "--writes", p["src"], "--label", "ruff + mypy", "--hold", "0.4")
    run_actor(registry, "run", "test-2", "--writes", p["src/api"], "--label", "pytest -x", "--outcome", "failed")
    run_actor(registry, "die", "crashy", "--writes", p["data/tmp.bin"], "--label", "killed worker")
    wir.Registry(registry).reap()                      # its owner is gone: it ends "owner-dead"
    actors = []
    try:
        actors.append(Actor(registry, "hold", "build-api", "--writes", p["src/api"], "--label", "nightly build",
                            "--ttl", "600", "--sub", "build-api.routes", "--sub-writes", p["src/api/routes.py"],
                            "--sub-label", "codegen", wait_for="held"))
        actors.append(Actor(registry, "hold", "agent-7", "--writes", p["docs/index.md"], "--label", HOSTILE,
                            wait_for="held"))
        migrate = Actor(registry, "hold", "migrate-db", "--writes", p["data/cache.db"], "--label", "schema migration",
                        "--ttl", "45", wait_for="held")
        actors.append(migrate)
        waiter = Actor(registry, "queue", "agent-9", "--writes", p["src/api/server.py"])
        actors.append(waiter)
        deadline = time.monotonic() + 20
        while not wir.Registry(registry).in_flight()["waiters"]:
            assert time.monotonic() < deadline, "agent-9 never queued"
            time.sleep(0.05)
        run_actor(registry, "refuse", "agent-3", "--writes", p["data"], "--times", "3")
        run_actor(registry, "refuse", "agent-5", "--writes", p["src/api/server.py"])

        with wir_ui("--registry", str(registry)) as (_, url):
            browser.get(url)
            # The holder of a path, with its label, owners, token and a lease counting down.
            [holder] = wait_for(browser, HOLDERS_AT, p["src/api"])
            assert (holder["task"], holder["label"], holder["waiting"]) == ("build-api", "nightly build", False)
            assert "token" in holder["text"] and "pid" in holder["text"]
            assert holder["lease"][0].isdigit() and ":" in holder["lease"]
            # The sub-claim, beneath its parent's path, says whose it is.
            [sub] = wait_for(browser, HOLDERS_AT, p["src/api/routes.py"])
            assert sub["task"] == "build-api.routes" and "sub-claim of build-api" in sub["text"]
            # The waiter, at its path in the tree and in the queue, behind the holder.
            [waiting] = wait_for(browser, HOLDERS_AT, p["src/api/server.py"])
            assert waiting["task"] == "agent-9" and waiting["waiting"]
            [queued] = wait_for(browser, QUEUE)
            assert queued["task"] == "agent-9" and queued["behind"] == ["build-api"]
            assert "holds proj/src/api" in queued["text"]
            # The refusals, with who held what; a repeated one is one row with its count.
            log = wait_for(browser, "const rows = (" + LOG.replace("return ", "", 1).rstrip().rstrip(";") +
                           "); return rows.length >= 4 ? rows : null;")
            outcomes = {(row["task"], row["holder"], row["outcome"]) for row in log}
            assert {("agent-3", "migrate-db", "refused"), ("agent-5", "build-api", "refused"),
                    ("agent-9", "build-api", "queued")} <= outcomes
            assert "×3" in next(row["text"] for row in log if row["task"] == "agent-3")
            # A hostile label is text: no element was made of it, and nothing ran.
            [xss] = wait_for(browser, HOLDERS_AT, p["docs/index.md"])
            assert xss["label"] == HOSTILE
            assert browser.execute_script("return document.querySelectorAll('img, [onerror]').length") == 0
            assert no_alert(browser)

            # A release leaves the tree within 2 s, and the timeline shows how the claim ended.
            started = time.monotonic()
            migrate.release("completed")
            wait_for(browser, "return !(" + TREE_TASKS.replace("return ", "", 1).rstrip(";") +
                     ").includes('migrate-db');", timeout=2.0)
            took = time.monotonic() - started
            (tmp_path / "release-to-screen.txt").write_text(f"{took:.3f} s from release to the tree\n")
            print(f"wir-ui: the release left the tree {took * 1000:.0f} ms after it was made")
            assert took < 2.0
            wait_for(browser, "return (" + ENDED_BARS.replace("return ", "", 1).rstrip().rstrip(";") +
                     ").some(([task, reason]) => task === 'migrate-db' && reason === 'completed');")
            bars = browser.execute_script(ENDED_BARS)
            for ended in (["lint-1", "completed"], ["test-2", "failed"], ["crashy", "owner-dead"],
                          ["build-api", "in-flight"]):
                assert ended in bars, f"{ended} not in the timeline: {bars}"

            # The filter keeps the log rows of one task; the task view nests sub-claims under their parent.
            browser.find_element("id", "f-task").send_keys("agent-3")
            wait_for(browser, "const r = document.querySelectorAll('#log tbody tr'); "
                              "return r.length === 1 && r[0].dataset.task === 'agent-3';")
            browser.find_element("id", "f-task").clear()
            browser.execute_script("document.getElementById('f-task').dispatchEvent(new Event('input'))")
            browser.find_element("css selector", "#tree-view button[data-value='task']").click()
            wait_for(browser, "return Array.from(document.querySelectorAll('#tree .card')).some(c => "
                              "c.dataset.task === 'build-api' && Array.from(c.querySelectorAll('.subclaims .card'))"
                              ".some(s => s.dataset.task === 'build-api.routes'));")
            browser.find_element("css selector", "#tree-view button[data-value='path']").click()

            # The last minute; then a drag across the chart chooses this test's few seconds as the
            # window (read from the server), which the screenshot shows.
            Select(browser.find_element("id", "window")).select_by_value("60000")
            wait_for(browser, "return document.querySelectorAll('#timeline .tl-row').length >= 10;")
            # The whole page in the window (for the drag, whose offsets are from the chart's visible
            # centre, and for the screenshot).
            height, frame = browser.execute_script("return [document.documentElement.scrollHeight, "
                                                   "window.outerHeight - window.innerHeight];")
            browser.set_window_size(1440, height + frame + 2)
            wait_for(browser, "return window.innerHeight >= document.documentElement.scrollHeight;")
            span = drag_across_the_chart(browser)
            wait_for(browser, "return document.getElementById('window').value === 'custom' && "
                              "document.querySelectorAll('#timeline .tl-row').length >= 10 && "
                              "document.querySelectorAll('#timeline rect.hold').length >= 7;")
            chosen = browser.execute_script(CHART_SPAN)
            assert chosen["right"] - chosen["left"] > 3 * (span["right"] - span["left"]), "the drag did not zoom in"
            shot = tmp_path / "wir-ui.png"
            assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 20_000
            if os.environ.get("WIR_UI_SCREENSHOT"):
                shutil.copyfile(shot, ROOT / os.environ["WIR_UI_SCREENSHOT"])
            assert no_alert(browser)
            assert console_errors(browser) == []

        # The report: the same timeline from one file, with no server behind it.
        report = tmp_path / "report.html"
        ui_report(registry, report, "--since", "10m")
        browser.get(report.as_uri())
        wait_for(browser, "return document.querySelectorAll('#timeline rect.hold').length >= 6;")
        assert browser.execute_script("return document.getElementById('status-text').textContent").startswith(
            "report made")
        [xss] = wait_for(browser, HOLDERS_AT, p["docs/index.md"])
        assert xss["label"] == HOSTILE
        assert browser.execute_script("return document.querySelectorAll('img, [onerror]').length") == 0
        # It zooms within what it holds.
        whole = browser.execute_script("return document.getElementById('window-text').textContent")
        drag_across_the_chart(browser)
        wait_for(browser, "return document.getElementById('window-text').textContent !== arguments[0] && "
                          "document.querySelectorAll('#timeline rect.hold').length >= 6;", whole)
        assert no_alert(browser) and console_errors(browser) == []
    finally:
        for actor in actors:
            actor.stop()
