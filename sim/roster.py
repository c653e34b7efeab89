"""The actor roster: who is in the model, with sourced attributes (sim/data/actors.csv).

Every actor named in the source analysis is a row of one data file with a source key
for every value (sim/data/actors_sources.md), so that a reader can check any number.
This module only loads and indexes that data; it holds no behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import pandas as pd

from .calendar import parse_month

REGIMES = ("democracy", "hybrid", "monarchy", "autocracy", "military")

# Invited partners that act only through summit guest lists: they need no cells.
OTHER_GUESTS = {
    "EU": "European Union",
    "UKR": "Ukraine",
    "AUS": "Australia",
    "JPN": "Japan",
    "NZL": "New Zealand",
    "KOR": "South Korea",
}
GUEST_GROUPS = {"AP4": ("AUS", "JPN", "NZL", "KOR")}

SUBREGIONS = ("Maghreb", "Sahel", "Levant", "Gulf")


def _data_path(name: str):
    return resources.files("sim") / "data" / name


@dataclass(frozen=True)
class Roster:
    """The actor table (indexed by code) and the named groups scenarios can refer to."""

    table: pd.DataFrame
    frictions: pd.DataFrame

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.table.index)

    @cached_property
    def _groups(self) -> dict[str, tuple[str, ...]]:
        t = self.table
        g = {
            "NATO": tuple(t.index[t.nato == 1]),
            "NATO_SOUTH": tuple(t.index[t.kind == "ally_south"]),
            "MD": tuple(t.index[t.md_year.notna()]),
            "ICI": tuple(t.index[t.ici_year.notna()]),
            "AES": tuple(t.index[t.aes == 1]),
        }
        for sub in SUBREGIONS:
            g[sub.upper()] = tuple(t.index[t.subregion == sub])
        return g

    def groups(self) -> dict[str, tuple[str, ...]]:
        """Named groups: NATO, NATO_SOUTH, MD, ICI, AES, and the sub-regions."""
        return dict(self._groups)

    @cached_property
    def attributes(self) -> dict[str, dict]:
        """Each actor's row as a plain dict (fast lookups for agents)."""
        return {code: dict(row) for code, row in self.table.iterrows()}

    def expand(self, names: list[str]) -> list[str]:
        """Group names and codes -> codes (roster actors and other guests), in order, unique."""
        groups = self.groups()
        out: list[str] = []
        for name in names:
            members = groups.get(name) or GUEST_GROUPS.get(name) or (name,)
            out.extend(m for m in members if m not in out)
        return out

    def friction_between(self, a: str, b: str, month: int) -> float:
        """Friction level in force between two actors at a month (latest row that applies)."""
        f = self.frictions
        rows = f[((f.a == a) & (f.b == b)) | ((f.a == b) & (f.b == a))]
        rows = rows[rows.since_month <= month]
        if rows.empty:
            return 0.0
        return float(rows.sort_values("since_month").level.iloc[-1])


def _since_month(text) -> int:
    text = str(text)
    return parse_month(text if len(text) == 7 else f"{text[:4]}-01")


@cache
def load_roster() -> Roster:
    """Read the packaged actor and friction tables (cached: they never change in a run)."""
    with _data_path("actors.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, keep_default_na=False, na_values=[""]).set_index("code")
    with _data_path("frictions.csv").open(encoding="utf-8") as fh:
        frictions = pd.read_csv(fh, keep_default_na=False, na_values=[""])
    frictions["since_month"] = [_since_month(s) for s in frictions.since]
    return Roster(table=table, frictions=frictions)


@cache
def load_table(name: str) -> pd.DataFrame:
    """A packaged data table by file name (resources, migration routes, ...)."""
    with _data_path(name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""])
