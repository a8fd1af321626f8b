"""Read the directory's change history (django-simple-history) for editors and for public "last updated" dates."""

from django.utils.text import capfirst

from .models import Contract, Source


def field_changes(record):
    """Return [(field label, old value, new value)] for what `record` changed since the version before it."""
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous, foreign_keys_are_objs=True)
    model = record.instance_type
    labels = {f.name: capfirst(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
    return [(labels.get(change.field, change.field), change.old, change.new) for change in delta.changes]


def related_changes(mutual_id, limit=50):
    """Return the latest changes to a mutual's contract values and sources, newest first, with what changed."""
    records = [
        *Contract.history.filter(mutual_id=mutual_id).select_related("history_user")[:limit],
        *Source.history.filter(mutual_id=mutual_id).select_related("history_user")[:limit],
    ]
    records.sort(key=lambda record: record.history_date, reverse=True)
    return [
        {"record": record, "kind": record.instance_type._meta.verbose_name, "changes": field_changes(record)}
        for record in records[:limit]
    ]
