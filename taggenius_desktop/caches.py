"""Every module-level memo of the core, in one registry, so one call resets them all.

The core memoizes per process what is expensive to redo per track (tag layouts, escaped
values, derived write plans, compiled rules, the vocabulary). Each memo is bounded where
it is defined; the long-lived GUI process, and tests that must start clean, call
:func:`reset_caches` to drop them all. Modules register their memo where they define it.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, TypeVar, runtime_checkable


@runtime_checkable
class _Clearable(Protocol):
    def clear(self) -> None: ...


_T = TypeVar("_T")
_REGISTERED: dict[str, Any] = {}


def register(name: str, memo: _T) -> _T:
    """Register ``memo`` (a dict or set, or an ``lru_cache`` function) under ``name``."""
    if not isinstance(memo, _Clearable) and not hasattr(memo, "cache_clear"):
        raise TypeError(f"{name}: neither .clear() nor .cache_clear()")
    _REGISTERED[name] = memo
    return memo


def registered(name: str) -> Callable[[_T], _T]:
    """Decorator form of :func:`register`, above ``@lru_cache``."""

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
