"""Pausing Python's cyclic garbage collector while a bank is read and written.

Reading a bank builds hundreds of thousands of small containers (YAML nodes, dicts, pydantic
models), nearly all of which live until the import ends. Each batch of allocations triggers a
collection, and the full ones walk every live object: with the collector on, importing 10,000
questions cost twice the CPU time of importing them with it paused, and ten times the
questions cost 13.5 times the time instead of 11. The objects are freed by reference counting
as usual; the collector resumes when the outermost import step returns (nested or concurrent
steps leave it to the first one that paused it).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with the cyclic garbage collector paused."""

    @wraps(function)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapped
