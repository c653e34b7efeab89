"""End to end: `southflank viz` in a subprocess, driven by Debian's Chromium through
Playwright, with every request that is not to the local server blocked.

What it proves: the page, its map and its charts load with no internet (the server is
also pointed at an unreachable CDN, so a missing asset fails instead of being fetched);
Step advances the month shown as YYYY-MM; a lever marks the run as changed and Reset
applies it; Play stops on the server when the tab closes; the results explorer opens a
batch folder; Ctrl-C stops the server cleanly. Screenshots go to the test's tmp folder.

Needs /usr/bin/chromium (`.ci/run` installs it from Debian; locally: apt-get install -y
chromium). Without it the test is skipped, with that reason in the summary.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = [pytest.mark.browser, pytest.mark.slow]
# In the page: where the map picture and its hover layer are, and which country's shape
# is under the middle of the first cell row of the given country.
HOVER_PROBE = """(code) => {
  const img = document.querySelector('img.sf-map, .sf-map img, .sf-map');
  const svg = document.querySelector('svg.sf-hover');
  const path = svg.querySelector(`path[data-key="${code}"]`);
  const m = path.getAttribute('d').match(/M([\\d.]+) ([\\d.]+)H([\\d.]+)V([\\d.]+)/);
  const pt = svg.createSVGPoint();
  pt.x = (parseFloat(m[1]) + parseFloat(m[3])) / 2;
  pt.y = (parseFloat(m[2]) + parseFloat(m[4])) / 2;
  const p = pt.matrixTransform(svg.getScreenCTM());
  const hit = document.elementFromPoint(p.x, p.y);
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height}; };
  return {img: box(img), svg: box(svg), hit: hit && hit.getAttribute('data-key'),
          title: hit && hit.querySelector('title') && hit.querySelector('title').textContent};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`southflank viz` in a subprocess, its output collected by reader threads."""

    def __init__(self, port: int, results: Path):
        exe = Path(sys.executable).with_name("southflank")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.cli"]
        env = {
            **os.environ,
            # a CDN that cannot answer: anything not in the local asset cache fails
            "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/npm/",
            "PYTHONUNBUFFERED": "1",
        }
        self.cmd = cmd
        self.proc = subprocess.Popen(
            [*cmd, "viz", "--port", str(port), "--results", str(results)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink.append(line)

    def wait_for(self, sink: list[str], text: str, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(text in line for line in sink):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def logs(self) -> str:
        return "stdout:\n" + "".join(self.out) + "\nstderr:\n" + "".join(self.err)


@pytest.fixture(scope="module")
def playwright_browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(.ci/run does) to run the end-to-end browser test"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    from sim.viz.assets import missing

    absent = missing()
    assert not absent, (
        f"browser assets missing from Solara's cache: {absent}; run "
        "`.venv/bin/python scripts/install_viz_assets.py` (make does)"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def test_viz_server_in_chromium_offline(playwright_browser, tmp_path):  # noqa: PLR0915 - one browser session walks the page end to end
    from sim import library
    from sim.calendar import format_month
    from tests.test_viz import make_batch

    results = tmp_path / "results"
    results.mkdir()
    make_batch(results)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = Server(port, results)
    try:
        assert server.wait_for(server.out, url, timeout=90), server.logs()

        context = playwright_browser.new_context(viewport={"width": 1400, "height": 1000})
        blocked: list[str] = []

        def only_local(route):
            if route.request.url.startswith(f"http://127.0.0.1:{port}"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        page.goto(url)
        page.locator("img.sf-map, .sf-map").first.wait_for(timeout=90_000)
        page.locator(".sf-charts").first.wait_for(timeout=30_000)
        start = library.default_scenario().start
        date = page.locator(".sf-date")
        assert date.inner_text() == format_month(start)
        page.screenshot(path=str(tmp_path / "1-loaded.png"), full_page=True)

        for _ in range(3):
            page.locator("button.sf-step").click()
        page.wait_for_function(
            f"document.querySelector('.sf-date').innerText == '{format_month(start + 3)}'",
            timeout=30_000,
        )
        page.screenshot(path=str(tmp_path / "2-three-steps.png"), full_page=True)
        # the feed leaves naval incidents out until they are chosen
        kinds = page.locator(".sf-events .sf-ev-kind").all_inner_texts()
        assert kinds and "naval incident" not in kinds, kinds

        # a lever: invite the Mediterranean Dialogue to the next summit, then Reset
        pending = page.get_by_text("apply when you press Reset")
        assert pending.count() == 0
        page.get_by_text("Invite the Mediterranean Dialogue", exact=False).click()
        pending.wait_for(timeout=15_000)
        page.locator("button.sf-reset").click()
        page.wait_for_function(
            f"document.querySelector('.sf-date').innerText == '{format_month(start)}'",
            timeout=30_000,
        )
        pending.wait_for(state="detached", timeout=15_000)
        page.screenshot(path=str(tmp_path / "3-lever-reset.png"), full_page=True)
        # the header names the run as changed, and the change
        header = page.locator(".sf-scenario").inner_text()
        assert header == f"{library.DEFAULT} (modified: 1 change)", header
        assert "policy.summits" in page.locator(".sf-changes").inner_text()
        # the invitation shows in the list of summits; DCB packages are listed
        assert "Mediterranean Dialogue" in page.locator(".sf-summits").inner_text() or (
            "MD (" in page.locator(".sf-summits").inner_text()
        )
        assert "Jordan" in page.locator(".sf-dcb").inner_text()

        # the names on hover: the shape under a point of Italy's land is Italy's, and the
        # hover layer lies exactly over the map picture
        geometry = page.evaluate(HOVER_PROBE, "ITA")
        img, svg = geometry["img"], geometry["svg"]
        for k in ("x", "y", "width", "height"):
            assert abs(img[k] - svg[k]) < 1.0, geometry
        assert geometry["hit"] == "ITA" and geometry["title"] == "Italy (ITA)", geometry

        # save the levers as a scenario file: it validates
        with page.expect_download(timeout=30_000) as download:
            page.get_by_text("Save levers as a scenario file").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name == f"{library.DEFAULT}_modified.yaml"
        check = subprocess.run(
            [*server.cmd, "validate", str(saved)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stderr

        # Play, then close the tab: the server stops stepping
        page.locator("button.sf-play").click()
        page.wait_for_function(
            f"document.querySelector('.sf-date').innerText > '{format_month(start + 1)}'",
            timeout=30_000,
        )
        page.close()
        assert server.wait_for(server.err, "play stopped: no browser page", timeout=30), (
            server.logs()
        )

        page = context.new_page()
        page.goto(url + "results")
        page.locator(".sf-fan").first.wait_for(timeout=60_000)
        page.locator(".sf-maps").first.wait_for(timeout=60_000)
        assert "2 scenario(s)" in page.locator(".sf-batch-summary").inner_text()
        # the fan chart (legend inside it) is shown whole, not cut by its container
        fan = page.locator("img.sf-fan, .sf-fan").first.bounding_box()
        assert fan["x"] >= 0 and fan["x"] + fan["width"] <= 1400, fan
        page.screenshot(path=str(tmp_path / "4-results.png"), full_page=True)
        context.close()
        assert blocked == [], f"the page asked for outside resources: {blocked}"
        assert "Could not load URL" not in "".join(server.err), server.logs()
    finally:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                server.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.proc.kill()
                raise
    assert server.proc.returncode == 0, server.logs()
    assert server.wait_for(server.out, "viz server stopped", timeout=5), server.logs()
