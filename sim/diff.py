"""What a scenario changes, and what it may not mean to: differences and warnings.

A scenario usually ``extends:`` another and states only what differs, but what the
file says and what the run does can part ways in two quiet ways: a list given in the
file replaces the parent's whole list (a DCB list naming only Mauritania drops the
parent's Jordan and Tunisia), and a dated policy can end before the run does
(``months: 240`` with summits that stop in 2034). `differences` lists every field that
differs between two validated scenarios; `warnings` names those two cases. The
``southflank diff`` and ``validate`` commands and the live map's header read them, so
they all say the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .calendar import format_month
from .scenario import Scenario

# Fields that say what a scenario is rather than what it does.
IDENTITY = ("name", "description")
# Lists of dated items whose elements are told apart by these keys (for the warnings).
_KEYED_LISTS = {
    "policy.dcb": ("partner", "start"),
    "policy.summits": ("date",),
    "policy.changes": ("date",),
    "events": ("date", "kind", "country"),
}
# A summit series is meant to go on: silence longer than this after the last summit,
# before the run ends, is worth a warning (the shipped series are yearly).
SUMMIT_GAP_MONTHS = 12


@dataclass(frozen=True)
class Difference:
    """One field that differs: its dotted path and the two values (None when absent).

    For a list, ``added`` and ``removed`` hold the items only one side has."""

    field: str
    parent: Any
    child: Any
    added: tuple = ()
    removed: tuple = ()

    def text(self) -> str:
        """One line a reader can act on."""
        if isinstance(self.parent, list) and isinstance(self.child, list):
            parts = []
            if self.removed:
                parts.append(f"removed {', '.join(_short(x) for x in self.removed)}")
            if self.added:
                parts.append(f"added {', '.join(_short(x) for x in self.added)}")
            if not parts:
                parts.append("same items, another order")
            return f"{self.field}: {'; '.join(parts)}"
        return f"{self.field}: {_short(self.parent)} -> {_short(self.child)}"


@dataclass(frozen=True)
class Caveat:
    """Something the scenario does that its author may not mean: where, and what."""

    field: str
    message: str

    def text(self) -> str:
        return f"{self.field}: {self.message}"


def _short(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{k}: {_short(v)}" for k, v in value.items() if v not in ("", None))
            + "}"
        )
    if isinstance(value, float):
        return f"{value:g}"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


def _walk(parent: Any, child: Any, path: str, out: list[Difference]) -> None:
    if isinstance(parent, dict) and isinstance(child, dict):
        for key in list(dict.fromkeys([*parent, *child])):
            sub = f"{path}.{key}" if path else str(key)
            _walk(parent.get(key), child.get(key), sub, out)
        return
    if parent == child:
        return
    if isinstance(parent, list) and isinstance(child, list):
        added = tuple(x for x in child if x not in parent)
        removed = tuple(x for x in parent if x not in child)
        out.append(Difference(path, parent, child, added, removed))
        return
    out.append(Difference(path, parent, child))


def differences(parent: Scenario, child: Scenario, *, identity: bool = False) -> list[Difference]:
    """Every field in which `child` differs from `parent`, in the schema's order.

    Args:
        identity: also list name and description (off: they differ by design).
    """
    a = parent.model_dump(mode="json")
    b = child.model_dump(mode="json")
    if not identity:
        for key in IDENTITY:
            a.pop(key, None)
            b.pop(key, None)
    out: list[Difference] = []
    _walk(a, b, "", out)
    return out


def _label(item: dict, keys: tuple[str, ...]) -> str:
    return " ".join(str(item[k]) for k in keys if item.get(k) not in (None, ""))


def replaced_lists(parent: Scenario, child: Scenario) -> list[Caveat]:
    """Lists of dated items in which `child` drops items its parent has: a list given
    in a scenario file replaces the parent's, it does not add to it."""
    out = []
    for d in differences(parent, child):
        keys = _KEYED_LISTS.get(d.field)
        if keys is None or not d.removed:
            continue
        kept = {_label(x, keys) for x in d.child}
        dropped = [_label(x, keys) for x in d.removed if _label(x, keys) not in kept]
        if not dropped:
            continue  # items changed in place (another intensity), none dropped
        out.append(
            Caveat(
                d.field,
                f"replaces the parent's list and drops {', '.join(dropped)}; to add to the "
                f"parent's list instead, write {d.field.split('.')[-1]}: {{extend: [...]}}",
            )
        )
    return out


def expiring(sc: Scenario) -> list[Caveat]:
    """Dated policies that stop before the run ends: the last summit more than
    `SUMMIT_GAP_MONTHS` before the end, and DCB packages that end before the run does
    (with no later package for the same partner)."""
    end = sc.end  # the month after the last one run
    last = format_month(end - 1)
    out = []
    if sc.policy.summits:
        final = max(s.date for s in sc.policy.summits)
        if end - 1 - final > SUMMIT_GAP_MONTHS:
            out.append(
                Caveat(
                    "policy.summits",
                    f"the last summit is {format_month(final)} but the run goes on to {last}: "
                    f"no summit in the last {end - 1 - final} months",
                )
            )
    ends: dict[str, int] = {}
    for d in sc.policy.dcb:
        ends[d.partner] = max(ends.get(d.partner, 0), d.start + d.months)
    for partner, stop in sorted(ends.items()):
        if stop < end:
            out.append(
                Caveat(
                    "policy.dcb",
                    f"DCB for {partner} ends {format_month(stop - 1)} but the run goes on to "
                    f"{last} ({end - stop} months without it)",
                )
            )
    return out


def warnings(sc: Scenario, parent: Scenario | None = None) -> list[Caveat]:
    """Everything worth a warning about `sc` (and, given its parent, lists it replaced)."""
    out = replaced_lists(parent, sc) if parent is not None else []
    return out + expiring(sc)
