"""The directory's data version: bumped by every change to directory data, read by cacheable requests."""

import contextlib
import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from time import monotonic

from django.apps import apps
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone
from simple_history.models import HistoricalChanges

from .errors import DATABASE_ERRORS

ROW_ID = 1
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime


# Sent by bump(), inside the transaction that changed the data: for what is kept with the data (directory/tallies.py).
changed = Signal()

# By database alias: (version, monotonic() when read) of this process's last read outside a transaction; the error
# instead of the version when the database could not be reached.
recent = {}


def current():
    """Return the data version, as read from the database at most DATA_VERSION_MAX_AGE seconds ago in this process.

    A change made in this process is seen at once (bump() forgets the last read); one made by another process within
    DATA_VERSION_MAX_AGE. Inside a transaction the database is always read, so an uncommitted version is never kept.
    A failed read raises its error again for the same time, so that while the database is away each request does not
    wait for another connection to fail. The version is read from the database that the request reads its data from
    (a replica for public pages, when there is one), so that a page is never kept under a version newer than its data.
    """
    from .models import DataVersion

    alias = router.db_for_read(DataVersion)
    connection = connections[alias]
    if connection.in_atomic_block:
        return read_current(connection)
    last = recent.get(alias)
    if last is not None and monotonic() - last[1] < settings.DATA_VERSION_MAX_AGE:
        if isinstance(last[0], Exception):
            raise copy.copy(last[0])
        return last[0]
    try:
        version = read_checked(connection)
    except DATABASE_ERRORS as error:
        recent[alias] = (error.with_traceback(None), monotonic())
        raise
    recent[alias] = (version, monotonic())
    return version


def forget():
    """Make the next current() read the database."""
    recent.clear()


def read_checked(connection):
    """Read the data version, standing in for Django's connection health check (CONN_HEALTH_CHECKS).

    Often the first query of a request, so this saves a round trip: a connection that fails it is closed and opened
    once more.
    """
    if connection.connection is None:
        return read_current(connection)
    connection.health_check_done = True
    try:
        return read_current(connection)
    except DATABASE_ERRORS:
        with contextlib.suppress(DATABASE_ERRORS):
            connection.close()
        return read_current(connection)


def read_current(connection):
    from .models import DataVersion

    # Raw SQL: the ORM takes several times as long as the database to answer this.
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, changed_at FROM {table} WHERE id = {ROW_ID}")
        row = cursor.fetchone()
    if row is None:
        return Version(0, EPOCH)
    number, changed_at = row
    if timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, UTC)
    return Version(number, changed_at)


def bump(**kwargs):
    """Make every cached page built from older data unusable; safe to call from any process."""
    from .models import DataVersion

    now = timezone.now()
    if not DataVersion.objects.filter(pk=ROW_ID).update(version=F("version") + 1, changed_at=now):
        DataVersion.objects.update_or_create(pk=ROW_ID, defaults={"version": 1, "changed_at": now})
    # Once committed (at once outside a transaction), so that no thread of this process keeps the old version.
    transaction.on_commit(forget)
    changed.send(sender=DataVersion)


def tracked_models():
    """Return the models whose changes alter what the public sees: every model of the data apps but history and corrections."""
    for label in settings.DATA_VERSION_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if issubclass(model, HistoricalChanges) or model._meta.label in settings.DATA_VERSION_IGNORED_MODELS:
                continue
            yield model


def connect_signals():
    for model in tracked_models():
        uid = f"ops.dataversion.{model._meta.label}"
        if model._meta.auto_created:
            m2m_changed.connect(bump_on_m2m, sender=model, dispatch_uid=uid)
        else:
            post_save.connect(bump, sender=model, dispatch_uid=uid)
            post_delete.connect(bump, sender=model, dispatch_uid=uid)


def bump_on_m2m(action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump()
