"""Structured logs: one JSON object a line (python-json-logger), each carrying the id of the request it belongs to."""

import logging
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

request_id_var = ContextVar("request_id", default="")


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request being handled, or '' outside one."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """Format a record as one line of JSON: time, level, logger, message, extra fields and any traceback."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
            json_ensure_ascii=False,
            **kwargs,
        )


class DatabaseDownFilter(logging.Filter):
    """Log a request that failed because the database cannot be reached as one warning line, without a traceback.

    While the database is away every such request fails the same way; its 503 is expected, and the health check and
    the first lines already say why.
    """

    def filter(self, record):
        from .errors import DATABASE_ERRORS

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DATABASE_ERRORS):
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            reason = (str(error).strip() or type(error).__name__).splitlines()[0]
            record.msg = f"{record.msg} (database unreachable: {reason})"
        return True
