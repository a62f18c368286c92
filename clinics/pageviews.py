"""Counting views of clinic pages without a database write for every view.

Each process adds up its views in memory and a background thread writes them every
PAGE_VIEWS_FLUSH_SECONDS in one statement. A write that fails (the database is down) keeps its
counts for the next. A process stopped gracefully writes what it holds on the way out; one that
is killed loses at most those seconds of counts, which a monthly figure on the dashboard can bear.
With the setting at 0, every view is written at once (the tests do this).
"""

import atexit
import logging
import os
import threading
import time
from collections import Counter
from datetime import date

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from clinics.models import ClinicPageViews

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_counts: Counter[tuple[str, date]] = Counter()
_writer_pid: int | None = None  # the process whose writer thread is running, if any


def count_view(slug: str) -> None:
    """Count one view today of the page of the clinic with this slug."""
    key = (slug, timezone.localdate())
    if not settings.PAGE_VIEWS_FLUSH_SECONDS:
        ClinicPageViews.add({key: 1})
        return
    with _lock:
        _counts[key] += 1
        _start_writer()


def _start_writer() -> None:
    """Start this process's writer thread once (a forked app server starts its own). Call with the lock held."""
    global _writer_pid
    if _writer_pid == os.getpid():
        return
    _writer_pid = os.getpid()
    threading.Thread(target=_write_every_few_seconds, name="page-view-writer", daemon=True).start()


def _write_every_few_seconds() -> None:
    global _writer_pid
    while interval := settings.PAGE_VIEWS_FLUSH_SECONDS:
        time.sleep(interval)
        flush()
        connection.close()  # this thread's own connection; the next write opens a fresh one
    with _lock:
        _writer_pid = None  # counting is now immediate; a later change of setting starts a new writer
    flush()
    connection.close()


def flush() -> None:
    """Write the views counted so far; if the database refuses, keep them for the next try."""
    with _lock:
        counts = _counts.copy()
        _counts.clear()
    if not counts:
        return
    try:
        ClinicPageViews.add(counts)
    except DatabaseError:
        logger.warning("Could not write %d page-view counts; keeping them for the next try.", len(counts))
        with _lock:
            _counts.update(counts)


atexit.register(flush)
