"""Every module-level memo of the core, in one registry, so one call resets them all.

The core memoizes per process what is expensive to redo per track (tag layouts, escaped
values, derived write plans, compiled rules, the vocabulary). Each memo is bounded where
it is defined, and says its bound when it registers (a dict or set by a limit its module
checks before adding, an ``lru_cache`` by its maxsize); the long-lived GUI process, and
tests that must start clean, call :func:`reset_caches` to drop them all. Modules register
their memo where they define it.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, TypeVar, runtime_checkable


@runtime_checkable
class _Clearable(Protocol):
    def clear(self) -> None: ...


_T = TypeVar("_T")
_REGISTERED: dict[str, Any] = {}
#: name -> the most entries that memo holds
_LIMITS: dict[str, int] = {}


def register(name: str, memo: _T, limit: int | None = None) -> _T:
    """Register ``memo`` under ``name``: a dict or set its module keeps to at most
    ``limit`` entries where it adds them, or an ``lru_cache`` function with a maxsize (its
    limit). An unbounded memo is refused: a long-lived process would only ever grow it."""
    target: Any = memo
    if hasattr(target, "cache_clear"):
        maxsize = target.cache_parameters()["maxsize"] if hasattr(target, "cache_parameters") else None
        if maxsize is None:
            raise ValueError(f"{name}: an lru_cache needs a maxsize")
        if limit is not None and limit != maxsize:
            raise ValueError(f"{name}: limit {limit} but maxsize {maxsize}")
        limit = maxsize
    elif not isinstance(target, _Clearable):
        raise TypeError(f"{name}: neither .clear() nor .cache_clear()")
    elif limit is None or limit < 1:
        raise ValueError(f"{name}: a memo needs the bound its module keeps it to")
    _REGISTERED[name] = memo
    _LIMITS[name] = limit
    return memo


def registered(name: str) -> Callable[[_T], _T]:
    """Decorator form of :func:`register`, above ``@lru_cache(maxsize=...)``."""

    def mark(memo: _T) -> _T:
        return register(name, memo)

    return mark


def reset_caches() -> None:
    """Empty every registered memo (they refill on the next use)."""
    for memo in _REGISTERED.values():
        if hasattr(memo, "cache_clear"):
            memo.cache_clear()
        else:
            memo.clear()


def cache_sizes() -> dict[str, int]:
    """Entries held per registered memo (for diagnostics and tests)."""
    return {name: memo.cache_info().currsize if hasattr(memo, "cache_info") else len(memo)
            for name, memo in _REGISTERED.items()}


def cache_limits() -> dict[str, int]:
    """The most entries each registered memo holds."""
    return dict(_LIMITS)
