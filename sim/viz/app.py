"""The Solara app of `southflank viz`: two pages, wiring only.

- ``/``: the live model (sim/viz/components.py): map, charts, controls, event feed.
- ``/results``: the results explorer (sim/viz/results_view.py): fan charts and
  side-by-side maps of a batch folder.

Why not Mesa's ``SolaraViz``: it builds a model from keyword parameters and rebuilds it
with ``type(model)(**params)``; our model takes a validated pydantic `Scenario`, and
its levers are nested fields (summit guest lists, DCB packages, naval presence per
zone) rather than flat keyword arguments. The pages are therefore plain Solara
components around `sim.SouthernFlankModel`, which is a Mesa model; they read its
``datacollector`` interface and layers as Mesa's components would (docs/viz.md).

Run it with ``southflank viz`` (or ``solara run sim.viz.app``).
"""

import solara

from .components import LivePage
from .results_view import ResultsPage


@solara.component
def Layout(children=[]):  # noqa: B006 - the signature Solara calls
    """Solara's app layout with the pages as named tabs in the app bar."""
    current, all_routes = solara.use_route()
    index = all_routes.index(current) if current in all_routes else 0
    with (
        solara.AppLayout(children=children),
        solara.AppBar(),
        solara.lab.Tabs(value=index, align="center", dark=True),
    ):
        for route in all_routes:
            solara.lab.Tab(route.label, path_or_route=route)


routes = [
    solara.Route(path="/", component=LivePage, label="Live model", layout=Layout),
    solara.Route(path="results", component=ResultsPage, label="Results explorer"),
]
