"""Redraw only what moves: matplotlib "blitting" onto an Agg canvas, encoded as PNG.

A figure's axes, ticks, tick labels, colour bar and legend frame cost most of a
matplotlib draw (text layout and font lookup) and do not change from month to month.
`BlitFigure` draws them once, keeps the pixels, and on each frame restores those pixels
and draws only the artists declared dynamic (the field layer, the markers, the lines),
in z-order, then encodes the canvas with PIL. This is matplotlib's documented blitting
technique (``copy_from_bbox`` / ``restore_region`` / ``draw_artist``), done without a GUI.
"""

from __future__ import annotations

import io

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

# zlib level 1: ~3x faster than the default and, with the map's flat areas, still small.
PNG_COMPRESS_LEVEL = 1
PNG_OPTIONS = {"pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}}  # for Figure.savefig


def encode_png(rgba, size: tuple[int, int]) -> bytes:
    """RGBA pixels (a buffer of width x height x 4 bytes) -> PNG bytes."""
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


class BlitFigure:
    """A figure whose static part is drawn once and whose dynamic artists are redrawn.

    Call `animate` for every artist that changes between frames, `invalidate` after
    changing anything static (axis limits, tick labels), and `png` for a frame.
    """

    def __init__(self, fig: Figure):
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.dynamic: list[Artist] = []
        self._background = None
        self.full_draws = 0  # how often the static part was drawn (tests check reuse)

    def animate(self, *artists: Artist) -> None:
        for artist in artists:
            artist.set_animated(True)
            self.dynamic.append(artist)
        self.dynamic.sort(key=lambda a: a.get_zorder())

    def invalidate(self) -> None:
        self._background = None

    def png(self) -> bytes:
        """The current frame as PNG bytes."""
        if self._background is None:
            self.canvas.draw()  # animated artists are skipped
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self.full_draws += 1
        else:
            self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        size = self.canvas.get_width_height(physical=True)
        return encode_png(self.canvas.buffer_rgba(), size)
