"""Months as integers: one model step is one calendar month.

A month is stored as ``year * 12 + (month - 1)`` so that date arithmetic is integer
arithmetic; scenario files and result tables show it as ``YYYY-MM``.
"""

from __future__ import annotations

import re

_YM = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """``'2025-07'`` -> month number; ValueError with the allowed form otherwise."""
    m = _YM.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2025-07")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def format_month(month: int) -> str:
    """Month number -> ``'YYYY-MM'``."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def year_of(month: int) -> int:
    return month // 12


HORIZON_MONTH = 6  # June: a model year runs July to June, so "2030" means 2030-06
_YEAR = re.compile(r"^\d{4}$")


def horizon_month(when: int | str) -> str:
    """The month a horizon names: a bare year (``2030`` or ``"2030"``) is its June, the
    end of a model year; a ``'YYYY-MM'`` month is itself. ValueError otherwise.

    The one reading of a horizon: ``southflank compare``, the brief, the maps, the
    sensitivity analysis and the visualization's results explorer all use it.
    """
    text = str(when).strip()
    if _YEAR.match(text):
        return f"{int(text):04d}-{HORIZON_MONTH:02d}"
    if not _YM.match(text):
        raise ValueError(f"{when!r} is not a horizon; write YYYY (its June) or YYYY-MM")
    return format_month(parse_month(text))
