"""Open a brief in headless Chromium (Playwright + Debian's chromium), record console
errors and every request that leaves the file, and save a screenshot of its first
screen.

    python scripts/brief_screenshot.py results/demo/report.html docs/img/brief_first_screen.png

Exit code 1 if the page logged an error or asked for anything outside itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}


def check_brief(html: Path, png: Path | None = None) -> dict:
    """Load the brief; returns console errors, outside requests, the page's first-screen
    text and the height of the page. Saves the first screen to `png` if given."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(r):
            url = r.request.url
            if url.startswith(("file://", "data:")):
                return r.continue_()
            outside.append(url)
            return r.abort()

        page.route("**/*", route)
        page.goto(Path(html).resolve().as_uri(), wait_until="load")
        first = page.evaluate(
            """() => { const h = window.innerHeight; const out = [];
            for (const el of document.querySelectorAll('h1,h2,p,li,th,td')) {
              const r = el.getBoundingClientRect();
              if (r.top < h && r.bottom > 0 && el.children.length === 0) out.push(el.innerText); }
            return out.join('\\n'); }"""
        )
        height = page.evaluate("() => document.body.scrollHeight")
        if png is not None:
            Path(png).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(png))
        browser.close()
    return {"errors": errors, "outside": outside, "first_screen": first, "height": height}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    out = check_brief(Path(argv[0]), Path(argv[1]))
    print(out["first_screen"])
    for e in out["errors"]:
        print(f"console error: {e}", file=sys.stderr)
    for u in out["outside"]:
        print(f"outside request: {u}", file=sys.stderr)
    return 1 if out["errors"] or out["outside"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
