"""The viz package's front door: light to import, every name the chapters use still there,
and no core module built on the book layer."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import lifecore.viz

ROOT = Path(lifecore.viz.__file__).resolve().parents[2]

CHAPTER_NAMES = [
    "animation_html", "show_board", "show_stencil", "show_trajectory", "trajectory_viewer",
    "table", "percent", "animate", "rule_picker",
]  # fmt: skip
#: chapter figures live in lifecore.book.plots only: the core package does not reach up
BOOK_PLOTS = [
    "plot_coverage", "show_sizes", "plot_equivariance", "equivariance_table",
    "plot_time_to_exact", "plot_learning_curves", "compare_rollouts",
    "plot_class_probabilities", "plot_basis_scores", "plot_seconds", "plot_candidates",
]  # fmt: skip


def test_importing_viz_loads_no_plotting_or_widget_library():
    code = (
        "import sys, lifecore, lifecore.viz\n"
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'anywidget') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"import lifecore.viz loaded {done.stdout.strip()}"


@pytest.mark.parametrize("name", CHAPTER_NAMES)
def test_every_name_the_chapters_use_is_importable(name):
    assert callable(getattr(lifecore.viz, name))


@pytest.mark.parametrize("name", BOOK_PLOTS)
def test_chapter_plots_live_in_the_book_layer_only(name):
    from lifecore.book import plots

    assert callable(getattr(plots, name))
    assert not hasattr(lifecore.viz, name)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError):
        lifecore.viz.no_such_thing  # noqa: B018


def test_no_core_module_imports_the_book_layer():
    offenders = []
    for path in (ROOT / "lifecore").rglob("*.py"):
        if "book" in path.relative_to(ROOT / "lifecore").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[-1] == "book"
                or "lifecore.book" in n
                or n.lstrip(".").startswith("book")
            ]
    assert not offenders, offenders
