"""ipywidgets that also render in the static book.

A widget needs a live kernel; the static book has none, and a widget view there is an
empty box (or a widget manager fetched from a CDN). `StaticFallback` gives a widget a
``text/html`` rendering beside its widget view: JupyterLab shows the widget, the book
(configured to prefer ``text/html``) shows what the chapter was built with.

The rule picker is read through a function, `RulePicker.rule`, when a cell runs, so
re-running the cells below a picker uses the rule it shows now.
"""

from __future__ import annotations

import html
from typing import Optional, Sequence

from ..rules import NOTES_RULES, Rule, as_rule
from .assets import asset

__all__ = ["StaticFallback", "RulePicker", "rule_picker"]

#: The rules chapter 6 offers by default: the notes' eight and a hexagonal one.
PICKER_RULES = (*NOTES_RULES, "B2/S34H")


class StaticFallback:
    """Mixin for an ipywidgets class: adds ``text/html`` (from `static_html`) to the
    widget's mime bundle, so a page without a kernel shows something true."""

    def static_html(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle["text/html"] = (
            f"<style>{asset('viewer.css')}</style><div class='lifecore-static-widget'>"
            f"{self.static_html()}</div>"
        )
        return bundle


def _combobox():
    import ipywidgets

    return ipywidgets.Combobox


class RulePicker:
    """A combobox of rules; `rule` reads the rule it shows when a cell runs.

    Display it as a cell's result. ``widget`` is the ipywidgets ``Combobox``.
    """

    def __init__(
        self,
        value: str = "B36/S23",
        options: Sequence[str] = PICKER_RULES,
        description: str = "rule",
    ):
        as_rule(value)  # raises RuleError
        cls = type("RuleCombobox", (StaticFallback, _combobox()), {"static_html": _static})
        self.widget = cls(
            value=value, options=list(options), description=description, ensure_option=False
        )

    @property
    def value(self) -> str:
        """The text in the box."""
        return self.widget.value

    @property
    def rule(self) -> Rule:
        """The rule in the box, read now.

        Raises
        ------
        RuleError
            If the box holds text that is not a rule.
        """
        return as_rule(self.widget.value)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"RulePicker(value={self.widget.value!r})"


def _static(widget) -> str:
    try:
        shown = str(Rule.parse(widget.value))
    except ValueError:
        shown = widget.value
    options = ", ".join(html.escape(o) for o in widget.options)
    return (
        f"<p><strong>{html.escape(widget.description)}:</strong> <code>{html.escape(shown)}</code>"
        f" &mdash; this page was built with this rule. In JupyterLab the box above offers "
        f"{options} or any rule you type, and the cells below use it when they are run "
        f"again.</p>"
    )


def rule_picker(value: str = "B36/S23", options: Optional[Sequence[str]] = None) -> RulePicker:
    """A rule picker for a chapter: display it, then call ``picker.rule`` in the cells below.

    Parameters
    ----------
    value : str
        The rule shown first (and the one the static book is built with).
    options : sequence of str, optional
        The rules offered (default: `PICKER_RULES`); any other rule can be typed.

    Returns
    -------
    RulePicker

    Raises
    ------
    RuleError
        If ``value`` is not a rule.
    """
    return RulePicker(value, PICKER_RULES if options is None else options)
