"""Helpers for the admin tests: editors, and the data the mutual change form posts."""

from django.contrib.auth.models import Group, User
from django.forms.models import model_to_dict

from directory.models import Contract, Mutual, Source

MUTUAL_FIELDS = [f.name for f in Mutual._meta.get_fields() if f.concrete and f.editable and f.name != "id"]
CONTRACT_FIELDS = [
    "commissioner",
    "service",
    "value_gbp",
    "value_basis",
    "start_year",
    "end_year",
    "funding_type",
    "funding_detail",
    "source_url",
    "source_quote",
]
SOURCE_FIELDS = ["url", "title", "backs", "position"]


def make_editor(username="editor"):
    """Return a staff user in the Editors group that the data migration made."""
    user = User.objects.create_user(username, f"{username}@example.org", "a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def as_posted(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [getattr(item, "pk", item) for item in value]
    return getattr(value, "pk", value)


def inline_data(prefix, rows, fields, existing=()):
    """Return management form and row data for an inline formset: `existing` objects first, then new `rows`."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(existing) + len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(existing)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    values = [{"id": obj.pk, **model_to_dict(obj, fields)} for obj in existing] + [dict(row) for row in rows]
    for index, row in enumerate(values):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = as_posted(value)
    return data


def mutual_form_data(mutual=None, contracts=(), sources=(), **changes):
    """Return what the admin's mutual form posts: `mutual`'s values (if any), its inlines, and `changes`."""
    values = model_to_dict(mutual, MUTUAL_FIELDS) if mutual else {"status": "active", "evidence": "psm"}
    values.update(changes)
    data = {name: as_posted(value) for name, value in values.items()}
    data = {name: value for name, value in data.items() if value != ""}
    existing_contracts = list(Contract.objects.filter(mutual=mutual)) if mutual else []
    existing_sources = list(Source.objects.filter(mutual=mutual)) if mutual else []
    data.update(inline_data("contracts", contracts, CONTRACT_FIELDS, existing_contracts))
    data.update(inline_data("sources", sources, SOURCE_FIELDS, existing_sources))
    return data
