"""Play: step the model in a background thread for as long as someone is watching.

Solara gives each browser tab a virtual kernel; when the tab's page disconnects
(the tab or browser closes, the network drops) the kernel records it in
``page_status``, and it is closed outright later (a page-close message or the cull
timeout). A run left playing would otherwise step on the server forever, so the loop
checks before every step that a page of its kernel is still connected and stops, with a
log line, when none is (`viewer_present`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger("sim.viz")

# Time between the starts of two frames while playing: a frame costs ~0.2 s here
# (docs/viz.md), so this only paces machines much faster than that.
PLAY_INTERVAL_S = 0.25


def current_kernel():
    """The Solara kernel context of the calling thread, or None outside a server."""
    try:
        from solara.server import kernel_context
    except ImportError:  # pragma: no cover - solara is a dependency of the viz extra
        return None
    if not kernel_context.has_current_context():
        return None
    return kernel_context.get_current_context()


def viewer_present(kernel) -> bool:
    """Whether a browser page of this kernel is connected (True outside a server)."""
    if kernel is None:
        return True
    if kernel.closed_event.is_set():
        return False
    statuses = list(getattr(kernel, "page_status", {}).values())
    if not statuses:  # an in-process render (tests): no page has connected at all
        return True
    return any(getattr(s, "value", s) == "connected" for s in statuses)


def _stopped(kernel) -> str:
    """Why the loop ends when it is told to or finds nobody watching.

    Closing a tab can reach the loop either as a cancelled task (Solara unmounts the
    component) or as a disconnected page; both mean nobody is watching, and both are
    logged the same way.
    """
    if viewer_present(kernel) and not (kernel is not None and kernel.closed_event.is_set()):
        return "paused"
    logger.warning("play stopped: no browser page is connected to this session")
    return "no viewer"


def play_loop(
    step: Callable[[], bool],
    show: Callable[[], None],
    cancel: threading.Event,
    kernel=None,
    interval: float = PLAY_INTERVAL_S,
) -> str:
    """Step and show until the run ends, Pause is pressed or nobody is watching.

    Args:
        step: advances the model one month; returns False at the end of the run.
        show: triggers a redraw of the page.
        cancel: set by Pause (or by Solara when the component goes away).
        kernel: the Solara kernel context whose pages count as viewers.

    Returns:
        Why it stopped: "end", "paused" or "no viewer".
    """
    while True:
        if cancel.is_set():
            return _stopped(kernel)
        if not viewer_present(kernel):
            return _stopped(kernel)
        t0 = time.perf_counter()
        going = step()
        show()
        if not going:
            return "end"
        rest = interval - (time.perf_counter() - t0)
        if rest > 0 and cancel.wait(rest):
            return _stopped(kernel)
