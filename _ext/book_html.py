"""Sphinx tweaks for the book's HTML pages (loaded through `_config.yml`'s local_extensions).

sphinx-thebe 0.3.1 on Sphinx 7.4 registers its inline configuration script twice on every
page (once through the app registry with filename ``None``, once through the builder with
``''``, which Sphinx's de-duplication tells apart), and the second ``const THEBE_JS_URL``
is a console error ("Identifier has already been declared") for every reader. Keep one
copy of each script.
"""

from __future__ import annotations


def _script_key(script) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    return (
        str(getattr(script, "filename", script) or ""),
        tuple(sorted((k, str(v)) for k, v in attributes.items() if k != "priority")),
    )


def _one_copy_of_each_script(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _one_copy_of_each_script, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
