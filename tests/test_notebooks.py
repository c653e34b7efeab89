"""The notebooks run top to bottom on a fresh kernel, from an empty working folder, and
are committed without outputs (so diffs stay readable and nothing stale is shown)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 600  # seconds; the notebooks' batches are small, this only stops a hang
DRAW = {"01_quickstart", "02_compare_policies", "03_why"}  # notebooks whose point is figures


def _ids(paths):
    return [p.stem for p in paths]


def test_there_are_notebooks():
    assert {"01_quickstart", "02_compare_policies", "03_why"} <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: clear the outputs before committing "
                "(jupyter nbconvert --clear-output --inplace)"
            )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_runs_on_a_fresh_kernel(path, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    assert path.stem not in DRAW or any(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    ), f"{path.name} drew no figure"


def test_docs_list_every_notebook():
    text = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    missing = [p.stem for p in NOTEBOOKS if f"`{p.stem}`" not in text]
    assert not missing, f"docs/analysis.md does not list {missing}"


def test_notebooks_write_where_results_go_not_to_a_relative_folder():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert '"results/' not in code and '"../results' not in code, path.name
        assert "results_dir(" in code, f"{path.name} does not use sim.analysis.results_dir"


def test_results_go_to_the_env_else_the_checkouts_folder_else_here(tmp_path, monkeypatch):
    from sim.analysis import results_dir

    monkeypatch.delenv("SOUTHFLANK_RESULTS", raising=False)
    # inside the checkout, from any folder of it (notebooks/ included)
    assert results_dir(cwd=ROOT / "notebooks") == ROOT / "results"
    assert results_dir("nb01", cwd=ROOT / "sim" / "viz") == ROOT / "results" / "nb01"
    # outside any checkout: ./results
    assert results_dir("nb01", cwd=tmp_path) == tmp_path / "results" / "nb01"
    # the environment wins everywhere
    monkeypatch.setenv("SOUTHFLANK_RESULTS", str(tmp_path / "elsewhere"))
    assert results_dir("x", cwd=ROOT / "notebooks") == tmp_path / "elsewhere" / "x"
