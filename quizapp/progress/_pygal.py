"""pygal, imported once, without the import hook it adds.

pygal appends to ``sys.meta_path`` a legacy importer for its optional map plugins (unused here).
It has no ``find_spec``, so on Python 3.11 every failed import anywhere in the process (Flask
looking for the optional python-dotenv, say) then raises an ImportWarning, which the test
suite's "error" filter turns into a failure. Nothing else uses it: it is taken out at once,
before any other import can reach it.
"""

from __future__ import annotations

import sys

import pygal

sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

from pygal.style import Style  # noqa: E402  (already loaded by pygal itself)

__all__ = ["Style", "pygal"]
