"""Chapter-specific rows, sentences and figures for the book (tested apart from the core).

Nothing in the core library imports this package: it sits on top of ``extract``,
``discover``, ``experiments`` and ``viz`` and shapes their results for the chapters.
"""
