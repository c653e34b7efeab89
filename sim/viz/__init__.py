"""The interactive visualization: `southflank viz` serves it (sim/viz/app.py).

Drawing (basemap, mapview, charts, results_plots) is plain matplotlib and can be used
from notebooks; the Solara pages (components, results_view) wire it to widgets.
"""
