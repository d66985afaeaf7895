"""Analyse one file: decode the excerpt, compute the features. Never raises for a bad
file: the outcome is ``(status, data)`` with status ``"ok"`` and the features, or a
:class:`~.reasons.Reason` value and a one-line detail (what the cache stores)."""

from __future__ import annotations

import logging
from typing import Any

from . import decode, features
from .measures import ANALYSER_VERSION as ANALYSER_VERSION  # the stored measures' version
from .reasons import AudioError, Reason

log = logging.getLogger(__name__)

OK = "ok"

Outcome = tuple[str, Any]  # ("ok", features dict) or (reason value, detail)


def analyse_file(path: str) -> Outcome:
    try:
        excerpt = decode.read_excerpt(path)
        return OK, features.compute(excerpt).to_dict()
    except AudioError as error:
        return error.reason.value, error.detail
    except MemoryError:
        return Reason.ERROR.value, "not enough memory to analyse this file"
    except Exception as error:  # noqa: BLE001 - one bad file must not stop a library
        log.exception("analysing %s failed", path)
        return Reason.ERROR.value, f"{type(error).__name__}: {error}".splitlines()[0]
