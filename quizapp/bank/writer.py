"""Writing a bank document (plain dicts and lists, as the bank format has them) as YAML text
that the strict reader reads back to the same bank: no anchors or aliases (the reader refuses
them), no tags, keys in the order given, text in UTF-8 as written.

Pure: no Flask, no database.
"""

from __future__ import annotations

from typing import Any

import yaml


class _PlainDumper(yaml.SafeDumper):
    """Never writes anchors and aliases (``&id001``): a bank names every value in full."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def bank_yaml(document: dict[str, Any]) -> str:
    """``document`` as YAML text for a bank file (or a part of one)."""
    return yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)


__all__ = ["bank_yaml"]
