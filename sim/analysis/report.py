"""The policy brief of a batch: a self-contained HTML file (figures embedded) and a
Markdown twin (figures as PNG files beside it).

The brief is what a busy reader sees, so it leads with what was compared and the
headline effects with their intervals, shows a few key figures, and is plain about
what the model leaves out and that it is an exploratory model, not a forecast. Its
content is computed in sim.analysis.brief from the batch's tables alone; this module
only writes it, so the HTML and the Markdown always say the same thing.
"""

from __future__ import annotations

import base64
import html
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .brief import (
    FOREST_METRICS,
    HEADLINE,
    HORIZONS,
    LIMITS,
    STATEMENT,
    Brief,
    Item,
    build,
    choose_baseline,
    effects_table,
)

__all__ = [
    "FOREST_METRICS",
    "HEADLINE",
    "HORIZONS",
    "LIMITS",
    "STATEMENT",
    "Brief",
    "Item",
    "build",
    "choose_baseline",
    "effects_table",
    "PdfError",
    "print_pdf",
    "to_html",
    "to_markdown",
    "write",
]

# --- writers ------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:72rem;margin:1.2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.4}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #ccc}
h3{font-size:1rem;margin:.8rem 0 .3rem}
.question{font-size:1.05rem;margin:.2rem 0 .5rem;color:#333}
.statement{font-size:.8rem;color:#444;margin:.2rem 0 .6rem}
.bottom{border-left:5px solid #0072B2;padding:.45rem .8rem;background:#f3f7fa;margin:.4rem 0}
.bottom p{margin:.15rem 0}
table{border-collapse:collapse;font-size:.8rem;margin:.4rem 0}
th,td{border:1px solid #bbb;padding:.15rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}figure{margin:1rem 0}img{max-width:100%;height:auto}
figcaption{font-size:.8rem;color:#333}code{font-size:.8rem}
.caveats li{font-size:.85rem}
@media print{body{max-width:none}h2{break-after:avoid}figure{break-inside:avoid}}
"""


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _md_table(df: pd.DataFrame) -> str:
    def cell(v) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(c) for c in df.columns) + " |",
        "|" + "---|" * len(df.columns),
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def _sections(brief: Brief) -> list[tuple[str, str, object]]:
    """(kind, heading or text, payload) in reading order, shared by both writers: the
    first screen (question, bottom line, ranked table, channels, caveats), then the
    details."""
    s: list[tuple[str, str, object]] = [
        ("question", brief.question, None),
        ("statement", STATEMENT, None),
        ("bottom", "", brief.bottom_line),
    ]
    if brief.policy_table is not None:
        s.append(("h2", "Policies ranked", None))
        s.append(("table", "", brief.policy_table))
    if brief.channels:
        s.append(("h2", "Why: the main channels", None))
        for line in brief.channels:
            s.append(("p", line, None))
        if brief.channels_table is not None:
            s.append(("table", "", brief.channels_table))
    s.append(("h2", "Caveats", None))
    for line in brief.caveats:
        s.append(("li", line, None))
    s.append(("h2", "Scenarios compared", None))
    s.append(
        (
            "p",
            "Each scenario was run with the same seeds as the baseline "
            f"({brief.baseline}) in every draw (common random numbers), so differences "
            "are paired run by run.",
            None,
        )
    )
    s.append(("table", "", brief.scenarios))
    for section in brief.sections:
        s.append(("h2", section.title, None))
        for line in section.paragraphs:
            s.append(("p", line, None))
        for line in section.bullets:
            s.append(("li", line, None))
        if section.table is not None and len(section.table):
            s.append(("table", "", section.table))
        for item in section.items:
            s.append(("figure", item.title, item))
    s.append(("h2", "What the model does not capture", None))
    for line in LIMITS:
        s.append(("li", line, None))
    s.append(("h2", "Provenance", None))
    s.append(
        (
            "table",
            "",
            pd.DataFrame({"": list(brief.provenance), "value": list(brief.provenance.values())}),
        )
    )
    return s


def _html_part(kind: str, text: str, payload) -> str:
    """One part of the page (every kind but list items)."""
    esc = html.escape
    if kind == "question":
        return f'<p class="question">{esc(text)}</p>'
    if kind == "statement":
        return f'<p class="statement">{esc(text)}</p>'
    if kind == "bottom":
        lines = "".join(f"<p>{esc(x)}</p>" for x in payload)
        return f'<div class="bottom" id="bottom-line">{lines}</div>'
    if kind == "h2":
        return f"<h2>{esc(text)}</h2>"
    if kind == "p":
        return f"<p>{esc(text)}</p>"
    if kind == "table":
        return _html_table(payload)
    data = base64.b64encode(payload.png).decode("ascii")
    return (
        f"<figure><h3>{esc(text)}</h3>"
        f'<img src="data:image/png;base64,{data}" alt="{esc(payload.caption)}">'
        f"<figcaption>{esc(payload.caption)}</figcaption></figure>"
    )


def to_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (images as base64 PNG, no links out)."""
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(brief.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(brief.title)}</h1>",
    ]
    in_list = False
    for kind, text, payload in _sections(brief):
        if kind != "li" and in_list:
            out.append("</ul>")
            in_list = False
        if kind == "li":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{esc(text)}</li>")
        else:
            out.append(_html_part(kind, text, payload))
    if in_list:
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


def to_markdown(brief: Brief, figures_dir: str) -> str:
    """The brief as Markdown; figure ``name`` is linked as ``figures_dir/name.png``."""
    out = [f"# {brief.title}", ""]
    for kind, text, payload in _sections(brief):
        if kind == "question":
            out += [f"**{text}**", ""]
        elif kind == "bottom":
            out += [f"> {x}" for x in payload] + [""]
        elif kind == "statement":
            out += [f"*{text}*", ""]
        elif kind == "h2":
            out += [f"## {text}", ""]
        elif kind == "p":
            out += [text, ""]
        elif kind == "li":
            out.append(f"- {text}")
        elif kind == "table":
            out += ["", _md_table(payload), ""]
        elif kind == "figure":
            out += [
                f"### {text}",
                "",
                f"![{payload.caption}]({figures_dir}/{payload.name}.png)",
                "",
                f"*{payload.caption}*",
                "",
            ]
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"


def write(
    batch,
    out: str | Path,
    baseline: str | None = None,
    horizons: Sequence[int | str] = HORIZONS,
    metrics: Sequence[str] | None = None,
    *,
    scenarios: Sequence[str] | None = None,
    headline: str | None = None,
    window: int | str | None = None,
    pdf: bool = False,
) -> tuple[Path, Path]:
    """Write ``out`` (HTML), its Markdown twin (same name, ``.md``) and the twin's
    figures (folder ``<name>_files``); with `pdf`, also ``out`` as PDF printed by
    headless Chromium (`print_pdf`). Returns the HTML and Markdown paths.

    Everything is built first and then moved into place, so an error or an interrupt
    leaves no half-written report. See `sim.analysis.brief.build` for the arguments.
    """
    out = Path(out)
    brief = build(
        batch, baseline, horizons, metrics, scenarios=scenarios, headline=headline, window=window
    )
    md_path = out.with_suffix(".md")
    fig_dir = out.with_name(out.stem + "_files")
    out.parent.mkdir(parents=True, exist_ok=True)
    items = [i for sec in brief.sections for i in sec.items]
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".report-") as tmp:
        tmp = Path(tmp)
        (tmp / "figs").mkdir()
        for item in items:
            (tmp / "figs" / f"{item.name}.png").write_bytes(item.png)
        (tmp / "report.html").write_text(to_html(brief), encoding="utf-8")
        (tmp / "report.md").write_text(to_markdown(brief, fig_dir.name), encoding="utf-8")
        if pdf:
            print_pdf(tmp / "report.html", tmp / "report.pdf")
        if fig_dir.exists():
            shutil.rmtree(fig_dir)
        (tmp / "figs").replace(fig_dir)
        (tmp / "report.md").replace(md_path)
        if pdf:
            (tmp / "report.pdf").replace(out.with_suffix(".pdf"))
        (tmp / "report.html").replace(out)
    return out, md_path


CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


class PdfError(RuntimeError):
    """The PDF could not be printed (no Chromium, or it failed)."""


def print_pdf(html_path: Path, pdf_path: Path, timeout: float = 120) -> Path:
    """Print an HTML file to PDF with headless Chromium (Debian's ``chromium``): the
    brief is self-contained, so nothing is fetched. PdfError names what is missing."""
    exe = next((shutil.which(c) for c in CHROMIUM if shutil.which(c)), None)
    if exe is None:
        raise PdfError(
            "printing a PDF needs Chromium (apt-get install -y chromium); the HTML brief "
            "was not changed"
        )
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf_path}",
        Path(html_path).resolve().as_uri(),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PdfError(f"Chromium did not print the PDF within {timeout:.0f} s") from None
    if done.returncode != 0 or not Path(pdf_path).exists():
        raise PdfError(f"Chromium failed to print the PDF: {done.stderr.strip()[-300:]}")
    return Path(pdf_path)
