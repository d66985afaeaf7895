"""Logging to files in the user's log folder, with secrets redacted.

Why files: in a windowed build stdout and stderr are None, and worker processes have no
console at all. Why redaction in a filter: an exception from an HTTP library can carry a
request header or an echo of the key; the filter is the last line of defence, applied to
every record whatever logged it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys

from . import paths

_KEY_PATTERN = re.compile(r"(sk-[A-Za-z0-9_\-]{4})[A-Za-z0-9_\-]{8,}")
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)


def redact_secrets(text: str) -> str:
    """Hide anything shaped like an API key; the configured key itself is hidden too."""
    text = _KEY_PATTERN.sub(r"\1…[redacted]", text)
    text = _BEARER.sub(r"\1[redacted]", text)
    key = os.environ.get("OPENAI_API_KEY")
    if key and len(key) >= 8:
        text = text.replace(key, "[redacted]")
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_secrets(message)
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now so the redacted text is what reaches the file.
            formatted = logging.Formatter().formatException(record.exc_info)
            cleaned = f"{cleaned}\n{redact_secrets(formatted)}"
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = cleaned, None
        return True


def log_file(role: str) -> str:
    return str(paths.log_dir() / f"taggenius-{role}.log")


def _say_logging_is_off(path: str, error: BaseException | None) -> None:
    # stderr is None in a windowed build; then there is nobody to tell.
    if sys.stderr is not None:
        reason = f" ({error.strerror or error})" if isinstance(error, OSError) else ""
        try:
            print(f"taggenius: cannot write the log {path}{reason}; logging is off for this run.", file=sys.stderr)
        except (OSError, ValueError):
            pass


class QuietFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that, when it cannot be written (full disk, read-only folder),
    drops records quietly instead of printing a ``--- Logging error ---`` traceback for
    every one, and says once on stderr that logging is off."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if self.failed:
            return
        self.failed = True
        _say_logging_is_off(self.baseFilename, sys.exc_info()[1])
        try:
            self.close()
        except OSError:
            pass

    def emit(self, record: logging.LogRecord) -> None:
        if not self.failed:
            super().emit(record)


def setup_logging(role: str, level: int = logging.INFO) -> None:
    """Send this process's logs to ``logs/taggenius-<role>.log`` (rotated, redacted)."""
    root = logging.getLogger()
    if any(getattr(h, "_taggenius", False) for h in root.handlers):
        return
    path = "logs"
    try:
        path = log_file(role)
        handler: logging.Handler = QuietFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError as error:
        _say_logging_is_off(path, error)
        handler = logging.NullHandler()
    handler._taggenius = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # httpx2 logs every request URL at INFO; keep the log about our work.
    for noisy in ("httpx", "httpx2", "httpcore", "httpcore2", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def recent_lines(count: int = 50) -> list[str]:
    """The newest lines of every log (for "Copy diagnostics"), redacted again."""
    lines: list[str] = []
    try:
        folder = paths.log_dir()
    except OSError:  # no log folder: nothing was logged
        return []
    for path in sorted(folder.glob("taggenius-*.log")):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines.extend(f"{path.name}: {line.rstrip()}" for line in handle.readlines()[-count:])
        except OSError:
            continue
    return [redact_secrets(line) for line in lines[-count:]]
