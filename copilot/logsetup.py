"""Logging to a file under the log dir, with every known key redacted."""

from __future__ import annotations

import logging
import threading

from copilot.paths import log_dir

__all__ = ["RedactingFilter", "configure_logging", "redact", "redacted_traceback", "register_secret"]

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    if len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text


def redacted_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` as Python prints it, with every known key redacted (crash hooks,
    ``--debug``): an exception's text may quote a request, a header or a URL with a key in it."""
    import traceback

    return redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


class RedactingFilter(logging.Filter):
    """Formats the record once and scrubs keys from the result, args included."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        record.msg, record.args = cleaned, None
        return True


_handlers: list[logging.Handler] = []


def configure_logging(debug: bool = False) -> None:
    """Log to desk-copilot.log (and stderr with --debug). Calling it again re-targets the log dir."""
    root = logging.getLogger()
    for old in _handlers:
        root.removeHandler(old)
        old.close()
    _handlers.clear()
    handler = logging.FileHandler(log_dir() / "desk-copilot.log", encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    from copilot.incognito import IncognitoFilter

    handler.addFilter(IncognitoFilter())  # nothing of an incognito run in the log file
    _handlers.append(handler)
    if debug:
        stream = logging.StreamHandler()
        stream.addFilter(RedactingFilter())
        _handlers.append(stream)
    for new in _handlers:
        root.addHandler(new)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    # Libraries' warnings (openpyxl's "Cannot parse header or footer") go to the log, not stderr.
    logging.captureWarnings(True)
    # The SDK's transport logs request headers at DEBUG; keep it quiet even with --debug.
    for noisy in ("httpx", "httpx2", "httpcore", "httpcore2", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
