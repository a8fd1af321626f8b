"""Export mutuals as CSV in the research files' columns, and import such a file with a dry run first."""

import copy
import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from .models import Mutual, Source
from .research_data import READ_ERRORS, RowError, area_fields, mutual_fields, save_mutual

# The columns of ../shared/data/mutuals.csv (documented in fixtures/research/README.md), in its order.
COLUMNS = [
    "name",
    "sector",
    "sector_detail",
    "services_summary",
    "town_or_area",
    "region",
    "legal_form",
    "legal_form_detail",
    "year_spun_out",
    "parent_public_body",
    "website",
    "company_or_society_number",
    "registered_postcode",
    "annual_turnover_gbp",
    "turnover_year",
    "staff_count",
    "status",
    "status_year",
    "status_note",
    "evidence",
    "lat",
    "lng",
    "geocode_basis",
    "source_urls",
    "notes",
    "compiled_on",
]
# Where it works, as the columns of areas_served.csv (research_data.AREA_COLUMNS) are called here.
AREA_COLUMNS = {
    "scope": "area_scope",
    "districts": "area_districts",
    "basis": "area_basis",
    "basis_detail": "area_basis_detail",
    "source_url": "area_source_urls",
    "quote": "area_quote",
}
# Exports add the slug, so that an import can rename a mutual (files without it match mutuals by name), and the
# areas (files without those columns leave the areas as they are; a file has all of them or none).
OPTIONAL_COLUMNS = ["slug", *AREA_COLUMNS.values()]

COLUMN_OF_FIELD = {
    "summary": "services_summary",
    "primary_sector": "sector",
    "town": "town_or_area",
    "ownership_detail": "legal_form_detail",
    "parent_body": "parent_public_body",
    "register": "company_or_society_number",
    "registration_number": "company_or_society_number",
    "postcode": "registered_postcode",
    "turnover_gbp": "annual_turnover_gbp",
    "turnover_period": "turnover_year",
    "staff_count_detail": "staff_count",
    "latitude": "lat",
    "longitude": "lng",
    "location_basis": "geocode_basis",
    "location_note": "geocode_basis",
    "last_verified": "compiled_on",
    "districts": AREA_COLUMNS["districts"],
    **{name: name for name in ("area_scope", "area_basis", "area_basis_detail", "area_source_urls", "area_quote")},
}
TRACKED_FIELDS = [f for f in Mutual._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at"}]
MAX_ROWS = 2000


def staff_text(mutual):
    if mutual.staff_count_detail:
        return mutual.staff_count_detail
    return "" if mutual.staff_count is None else str(mutual.staff_count)


def export_row(mutual):
    """Return one mutual as a row of mutuals.csv (plus its slug)."""

    def text(value):
        return "" if value is None else str(value)

    return {
        "name": mutual.name,
        "sector": mutual.primary_sector.name.lower(),
        "sector_detail": mutual.sector_detail,
        "services_summary": mutual.summary,
        "town_or_area": mutual.town,
        "region": mutual.region.name if mutual.region else "",
        "legal_form": mutual.get_legal_form_display().lower() if mutual.legal_form else "",
        "legal_form_detail": mutual.ownership_detail,
        "year_spun_out": text(mutual.year_spun_out),
        "parent_public_body": mutual.parent_body,
        "website": mutual.website,
        "company_or_society_number": mutual.registration_number,
        "registered_postcode": mutual.postcode,
        "annual_turnover_gbp": text(mutual.turnover_gbp),
        "turnover_year": mutual.turnover_period,
        "staff_count": staff_text(mutual),
        "status": mutual.status,
        "status_year": text(mutual.status_year),
        "status_note": mutual.status_note,
        "evidence": mutual.evidence,
        "lat": text(mutual.latitude),
        "lng": text(mutual.longitude),
        "geocode_basis": mutual.location_note,
        "source_urls": "; ".join(source.url for source in mutual.sources.all()),
        "notes": mutual.notes,
        "compiled_on": mutual.last_verified.isoformat() if mutual.last_verified else "",
        "slug": mutual.slug,
        "area_scope": mutual.area_scope,
        "area_districts": "; ".join(district.name for district in mutual.districts.all()),
        "area_basis": mutual.area_basis,
        "area_basis_detail": mutual.area_basis_detail,
        "area_source_urls": "; ".join(mutual.area_source_urls.split()),
        "area_quote": mutual.area_quote,
    }


def export_response(queryset):
    """Return a CSV download of the mutuals in `queryset`, in the research files' columns."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mutuals-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.DictWriter(response, fieldnames=COLUMNS + OPTIONAL_COLUMNS)
    writer.writeheader()
    for mutual in queryset.select_related("region", "primary_sector").prefetch_related("sources", "districts"):
        writer.writerow(export_row(mutual))
    return response


@dataclass
class RowOutcome:
    number: int
    name: str
    action: str = "error"  # create, change, unchanged or error
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    mutual: Mutual | None = None


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # about the whole file
    ignored_columns: list = field(default_factory=list)
    applied: bool = False

    def having(self, action):
        return [row for row in self.rows if row.action == action]

    @property
    def errors(self):
        return self.having("error")

    @property
    def created(self):
        return self.having("create")

    @property
    def changed(self):
        return self.having("change")

    @property
    def unchanged(self):
        return self.having("unchanged")

    @property
    def ok(self):
        return not self.problems and not self.errors


class Unchanged(Exception):
    """Roll back a row that changes nothing, so that it leaves no empty history record."""


def snapshot(mutual):
    """Return {label: shown value} of everything an import can change on `mutual`."""
    values = {}
    for model_field in TRACKED_FIELDS:
        if model_field.choices:
            value = getattr(mutual, f"get_{model_field.name}_display")()
        else:
            value = getattr(mutual, model_field.name)
        values[capfirst(model_field.verbose_name)] = "" if value is None else str(value)
    values["Sectors"] = ", ".join(sorted(sector.name for sector in mutual.sectors.all()))
    values["Sources"] = "; ".join(source.url for source in mutual.sources.all())
    values["Districts it serves"] = "; ".join(district.name for district in mutual.districts.all())
    return values


def differences(before, after):
    return [(label, before.get(label, ""), value) for label, value in after.items() if before.get(label, "") != value]


def infer_location_basis(fields):
    note = fields["location_note"].lower()
    if fields["latitude"] is None or fields["location_basis"]:
        return fields["location_basis"]
    if "postcode" in note:
        return Mutual.LocationBasis.POSTCODE
    if "address" in note:
        return Mutual.LocationBasis.ADDRESS
    return ""


def keep_what_the_file_cannot_say(fields, existing):
    """Keep the register, location basis and staff wording the file leaves as they were exported."""
    if fields["registration_number"] == existing.registration_number:
        fields["register"] = existing.register
    if (fields["latitude"], fields["longitude"], fields["location_note"]) == (
        existing.latitude,
        existing.longitude,
        existing.location_note,
    ):
        fields["location_basis"] = existing.location_basis
    if fields["staff_count_detail"] == staff_text(existing):
        fields["staff_count_detail"] = existing.staff_count_detail
        fields["staff_count"] = existing.staff_count


def check_before_saving(fields, existing):
    """Run the model's own field rules and constraints, so that errors name their column rather than a constraint."""
    candidate = copy.copy(existing) if existing else Mutual()
    for model_field in TRACKED_FIELDS:
        if model_field.name in fields:
            setattr(candidate, model_field.name, fields[model_field.name])
    candidate.full_clean(exclude=["primary_sector", "region"], validate_unique=False)


def explain(error):
    """Return an editor's message for a ValidationError or a database refusal, naming the CSV column."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [
            f"{COLUMN_OF_FIELD.get(name, name)}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    if isinstance(error, IntegrityError):
        text = str(error)
        for model in (Mutual, Source):
            for constraint in model._meta.constraints:
                if constraint.name in text:
                    return [constraint.get_violation_error_message()]
        return [f"the database refused the row ({text})"]
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def import_row(row, number, seen, with_areas=False):
    fields = mutual_fields(row)
    if with_areas:
        fields.update(area_fields(row, AREA_COLUMNS))
    name = fields["name"]
    if name.lower() in seen:
        raise RowError(f"name: '{name}' is also on row {seen[name.lower()]}")
    seen[name.lower()] = number
    slug = row.get("slug", "").strip()
    if slug:
        fields["slug"] = slug
    else:
        namesake = Mutual.objects.filter(name__iexact=name).first()
        if namesake:
            fields["slug"] = namesake.slug
        elif other := Mutual.objects.filter(slug=fields["slug"]).first():
            raise RowError(
                f"name: the page address '{fields['slug']}' already belongs to {other}; give this row a slug of its own"
            )
    if not fields["slug"]:
        raise RowError(f"name: cannot make a page address from '{name}'")
    if Mutual.objects.filter(name__iexact=name).exclude(slug=fields["slug"]).exists():
        raise RowError(f"name: another mutual is already called '{name}'")
    existing = Mutual.objects.filter(slug=fields["slug"]).first()
    if existing:
        keep_what_the_file_cannot_say(fields, existing)
    fields["location_basis"] = infer_location_basis(fields)
    check_before_saving(fields, existing)
    before = snapshot(existing) if existing else {}
    mutual, created = save_mutual(fields, publish=False)
    after = snapshot(Mutual.objects.get(pk=mutual.pk))
    changes = differences(before, after)
    return RowOutcome(number, name, "create" if created else "change", changes if not created else [], mutual=mutual)


def read_rows(text):
    """Return (the header's columns, the rows as dicts) of CSV text."""
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


@transaction.atomic
def import_mutuals(text, dry_run=True, reason="Imported from a CSV file"):
    """Create or update mutuals from CSV text in mutuals.csv's columns; write nothing on a dry run or any error."""
    report = ImportReport()
    columns, rows = read_rows(text)
    missing = [column for column in COLUMNS if column not in columns]
    if missing:
        report.problems.append(
            f"The file lacks these columns: {', '.join(missing)}. Export mutuals from the list to get every column."
        )
    if not rows:
        report.problems.append("The file has no rows below its header.")
    if len(rows) > MAX_ROWS:
        report.problems.append(f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time.")
    report.ignored_columns = [column for column in columns if column not in COLUMNS + OPTIONAL_COLUMNS]
    area_columns = [column for column in AREA_COLUMNS.values() if column in columns]
    if area_columns and len(area_columns) < len(AREA_COLUMNS):
        lacking = [column for column in AREA_COLUMNS.values() if column not in columns]
        report.problems.append(
            f"The file has some of the columns of where a mutual works but lacks {', '.join(lacking)}: "
            "give all of them, or none to leave the areas as they are."
        )
    if report.problems:
        return report
    started = timezone.now()
    seen = {}
    for number, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        try:
            with transaction.atomic():
                outcome = import_row(row, number, seen, with_areas=bool(area_columns))
                if outcome.action == "change" and not outcome.changes:
                    raise Unchanged
        except Unchanged:
            outcome = RowOutcome(number, name, "unchanged", mutual=outcome.mutual)
        except READ_ERRORS as error:
            outcome = RowOutcome(number, name, "error", errors=explain(error))
        report.rows.append(outcome)
    if dry_run or not report.ok:
        transaction.set_rollback(True)
        return report
    touched = [row.mutual.pk for row in report.rows if row.action in {"create", "change"}]
    Mutual.history.filter(id__in=touched, history_date__gte=started).update(history_change_reason=reason)
    Source.history.filter(mutual_id__in=touched, history_date__gte=started).update(history_change_reason=reason)
    report.applied = True
    return report
