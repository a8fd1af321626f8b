"""What changed in the directory, read from the history: the entries of the change feed."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils.text import capfirst

from .models import Mutual
from .records import PUBLIC_FIELDS

FEED_LENGTH = 50

PUBLIC_FIELD_IDS = [Mutual._meta.get_field(name).attname for name in PUBLIC_FIELDS]


@dataclass
class Change:
    """One entry of the feed: a published mutual added, updated, closed, merged or returned in-house."""

    kind: str
    title: str
    description: str
    url: str
    history_id: int
    date: datetime


def recent_changes(request, limit=FEED_LENGTH):
    """Return the latest changes to mutuals that are published now, as they stood while published, newest first."""
    history = Mutual.history.model.objects
    previous = history.filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
        id=OuterRef("id"),
    ).order_by("-history_date", "-history_id")
    records = list(
        history.filter(id__in=Mutual.objects.published().values("pk"), is_published=True)
        .exclude(history_type="-")
        .annotate(previous_id=Subquery(previous.values("history_id")[:1]))
        .order_by("-history_date", "-history_id")[: limit * 2]
    )
    earlier = history.in_bulk(
        [record.previous_id for record in records if record.previous_id], field_name="history_id"
    )
    mutuals = Mutual.objects.published().in_bulk({record.id for record in records})
    changes = []
    for record in records:
        change = describe(record, earlier.get(record.previous_id), mutuals[record.id], request)
        if change:
            changes.append(change)
    return changes[:limit]


def describe(record, before, mutual, request):
    """Return the change `record` made to `mutual` since `before`, or None if nothing public changed."""
    url = request.build_absolute_uri(mutual.get_absolute_url())
    if before is None or not before.is_published:
        kind, title = "added", f"Added: {mutual.name}"
        description = mutual.summary or f"{mutual.name} was added to the directory."
    elif record.status != before.status and record.status != Mutual.Status.ACTIVE:
        kind = record.status
        label = Mutual.Status(record.status).label
        title = f"{label}: {mutual.name}"
        description = " ".join(
            filter(None, [f"{label}{f' in {record.status_year}' if record.status_year else ''}.", record.status_note])
        )
    else:
        changed = [
            str(Mutual._meta.get_field(name).verbose_name)
            for name, attname in zip(PUBLIC_FIELDS, PUBLIC_FIELD_IDS, strict=True)
            if getattr(record, attname) != getattr(before, attname)
        ]
        if not changed:
            return None
        kind, title = "updated", f"Updated: {mutual.name}"
        description = f"Changed: {', '.join(changed)}."
    return Change(kind, title, capfirst(description), url, record.history_id, record.history_date)
