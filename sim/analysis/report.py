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
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..io import atomic_write, write_text_atomic
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
    "to_html",
    "to_markdown",
    "write",
]

# --- writers ------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
.statement{border:2px solid #1a1a1a;padding:.6rem .9rem;font-weight:600;background:#f4f4f4}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.2rem .45rem;text-align:left;vertical-align:top}
th{background:#eee}figure{margin:1.2rem 0}img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#333}code{font-size:.85rem}
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
    """(kind, heading or text, payload) in reading order, shared by both writers."""
    s: list[tuple[str, str, object]] = [("statement", STATEMENT, None)]
    s.append(("h2", "Scenarios compared", None))
    s.append(
        (
            "p",
            f"Each scenario was run with the same seeds as the baseline, {brief.baseline} "
            "(common random numbers), so differences are paired run by run.",
            None,
        )
    )
    s.append(("table", "", brief.scenarios))
    s.append(("h2", "Headline effects", None))
    if brief.effects is None:
        s.append(("p", "Only one scenario in this batch: there is nothing to compare.", None))
    else:
        s.append(
            (
                "p",
                "Mean paired difference from the baseline with its confidence interval "
                "[low, high], per metric and horizon (June of the year, as "
                "southflank compare reads it). '~0' marks an interval that contains 0: the "
                "runs cannot tell the scenario from the baseline on that metric.",
                None,
            )
        )
        for line in brief.findings:
            s.append(("li", line, None))
        s.append(("table", "", effects_table(brief.effects)))
    s.append(("h2", "Key figures", None))
    for item in brief.items:
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


def to_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (images as base64 PNG, no links out)."""
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(brief.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(brief.title)}</h1>",
    ]
    in_list = False
    for kind, text, payload in _sections(brief):
        if kind != "li" and in_list:
            out.append("</ul>")
            in_list = False
        if kind == "statement":
            out.append(f'<p class="statement">{esc(text)}</p>')
        elif kind == "h2":
            out.append(f"<h2>{esc(text)}</h2>")
        elif kind == "p":
            out.append(f"<p>{esc(text)}</p>")
        elif kind == "li":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{esc(text)}</li>")
        elif kind == "table":
            out.append(_html_table(payload))
        elif kind == "figure":
            data = base64.b64encode(payload.png).decode("ascii")
            out.append(
                f"<figure><h3>{esc(text)}</h3>"
                f'<img src="data:image/png;base64,{data}" alt="{esc(payload.caption)}">'
                f"<figcaption>{esc(payload.caption)}</figcaption></figure>"
            )
    if in_list:
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


def to_markdown(brief: Brief, figures_dir: str) -> str:
    """The brief as Markdown; figure ``name`` is linked as ``figures_dir/name.png``."""
    out = [f"# {brief.title}", ""]
    for kind, text, payload in _sections(brief):
        if kind == "statement":
            out += [f"> **{text}**", ""]
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
    metrics: Sequence[str] = HEADLINE,
) -> tuple[Path, Path]:
    """Write ``out`` (HTML), its Markdown twin (same name, ``.md``) and the twin's
    figures (folder ``<name>_files``); returns the two paths.

    Everything is built first and then moved into place, so an error or an interrupt
    leaves no half-written report.
    """
    out = Path(out)
    brief = build(batch, baseline, horizons, metrics)
    md_path = out.with_suffix(".md")
    fig_dir = out.with_name(out.stem + "_files")
    page, md = to_html(brief), to_markdown(brief, fig_dir.name)
    out.parent.mkdir(parents=True, exist_ok=True)

    def figures(tmp: Path) -> None:
        tmp.mkdir()
        for item in brief.items:
            (tmp / f"{item.name}.png").write_bytes(item.png)

    atomic_write(fig_dir, figures)
    write_text_atomic(md_path, md)
    write_text_atomic(out, page)
    return out, md_path
