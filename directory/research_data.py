"""Read the researched CSV files (`../shared/data/`) into the directory's models."""

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError
from django.db.models.functions import Lower
from django.utils.text import slugify

from .models import (
    REGISTRATION_NUMBERS,
    Commissioner,
    Contract,
    District,
    Mutual,
    PublishedFigure,
    Region,
    Sector,
    Source,
    register_by_form,
    web_addresses,
)

BOUNDARIES = Path("boundaries") / "england-lad-2024-buc.geojson"
FILES = (
    Path("mutuals.csv"),
    Path("contracts.csv"),
    Path("published_figures.csv"),
    Path("areas_served.csv"),
    BOUNDARIES,
)
SOURCE = {
    "name": "Mutuals Directory research files",
    "files": tuple(str(path) for path in FILES),
    "licence": "Facts from public pages; government pages under the Open Government Licence v3.0",
}

# The columns of areas_served.csv, by what they hold; the admin's CSV import names them its own way.
AREA_COLUMNS = {
    "scope": "scope",
    "districts": "lad_names",
    "basis": "basis",
    "basis_detail": "basis_detail",
    "source_url": "source_url",
    "quote": "quote",
}

# England's nine regions and their ONS codes (ONS, Regions (December 2023) names and codes).
REGIONS = {
    "North East": "E12000001",
    "North West": "E12000002",
    "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004",
    "West Midlands": "E12000005",
    "East of England": "E12000006",
    "London": "E12000007",
    "South East": "E12000008",
    "South West": "E12000009",
}

SECTORS = {
    "health": "Community health services spun out of the NHS: district nursing, therapies, dental, GP and specialist services.",
    "adult social care": "Support for adults who are older, disabled or have learning disabilities: day services, supported living, home care and respite.",
    "children's services": "Children's social care, early help and family support delivered for local authorities.",
    "youth services": "Youth work, youth centres and support for young people.",
    "libraries": "Public library, archive and cultural services run for local authorities.",
    "leisure": "Leisure centres, sport and physical activity services.",
    "education": "Services to schools and adult and community learning.",
    "housing": "Housing management and housing services.",
    "employment and skills": "Careers, employment support and skills services.",
    "environment": "Parks, woodland, open spaces and environmental services.",
    "other": "Public services that fit none of the other sectors.",
}

LEGAL_FORMS = {
    "community interest company": Mutual.LegalForm.CIC,
    "community benefit society": Mutual.LegalForm.CBS,
    "co-operative": Mutual.LegalForm.COOPERATIVE,
    "company limited by guarantee": Mutual.LegalForm.CLG,
    "company limited by shares": Mutual.LegalForm.CLS,
    "charity": Mutual.LegalForm.CHARITY,
}

FUNDING_TYPES = {
    "public contract": Contract.FundingType.PUBLIC_CONTRACT,
    "grant": Contract.FundingType.GRANT,
    "personal budgets": Contract.FundingType.PERSONAL_BUDGETS,
    "service-user fees": Contract.FundingType.SERVICE_USER_FEES,
    "trading": Contract.FundingType.TRADING,
    "other": Contract.FundingType.OTHER,
}

COMMISSIONER_KINDS = [
    (re.compile(r"\b(NHS|CCG|ICB|PCT|Integrated Care)\b"), Commissioner.Kind.NHS),
    (
        re.compile(r"\b(Council|Borough|City of|County)\b"),
        Commissioner.Kind.LOCAL_AUTHORITY,
    ),
    (
        re.compile(r"\b(Cabinet Office|Department|Ministry|HM Government)\b"),
        Commissioner.Kind.CENTRAL_GOVERNMENT,
    ),
]


class RowError(ValueError):
    """A row of a research file that cannot be read."""


READ_ERRORS = (RowError, ValidationError, IntegrityError, ObjectDoesNotExist)


def parse_count(text):
    """Return the number in `text` when it holds exactly one figure (years and brackets aside), else None."""
    plain = re.sub(r"\([^)]*\)", " ", text)
    if re.search(r"\d\s*[-–]\s*\d", plain):
        return None
    numbers = re.findall(r"\d[\d,]*\d|\d", plain)
    figures = [int(n.replace(",", "")) for n in numbers if not re.fullmatch(r"(19|20)\d\d", n)]
    return figures[0] if len(figures) == 1 else None


def parse_money(text, column):
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise RowError(f"{column}: '{text}' is not an amount in pounds") from None
    if value < 0:
        raise RowError(f"{column}: '{text}' is negative")
    return value


def parse_year(text, column):
    if not text.strip():
        return None
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise RowError(f"{column}: '{text}' is not a year")
    return int(text)


def parse_float(text, column):
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise RowError(f"{column}: '{text}' is not a number") from None


def choice(mapping, text, column, default=""):
    key = text.strip().lower()
    if not key:
        return default
    if key in mapping:
        return mapping[key]
    raise RowError(f"{column}: '{text}' is not one of {', '.join(mapping)}")


def register_of(number):
    register = register_by_form(number)
    if register is None:
        forms = "; ".join(f"{register.label}: {example}" for register, (_, example) in REGISTRATION_NUMBERS.items())
        raise RowError(f"company_or_society_number: '{number}' is a number of none of the registers ({forms})")
    return register


def postcode_of(text):
    compact = re.sub(r"\s+", "", text.upper())
    return f"{compact[:-3]} {compact[-3:]}" if compact else ""


def mutual_fields(row):
    """Return the Mutual field values of one mutuals.csv row; raise RowError if it cannot be read."""
    name = row.get("name", "").strip()
    if not name:
        raise RowError("name: empty")
    number = row.get("company_or_society_number", "").strip().upper()
    latitude = parse_float(row.get("lat", ""), "lat")
    longitude = parse_float(row.get("lng", ""), "lng")
    basis = row.get("geocode_basis", "").strip()
    status = row.get("status", "").strip() or Mutual.Status.ACTIVE
    evidence = row.get("evidence", "").strip() or Mutual.Evidence.UNCONFIRMED
    if status not in Mutual.Status.values:
        raise RowError(f"status: '{status}' is not one of {', '.join(Mutual.Status.values)}")
    if evidence not in Mutual.Evidence.values:
        raise RowError(f"evidence: '{evidence}' is not one of {', '.join(Mutual.Evidence.values)}")
    region = row.get("region", "").strip()
    if region and region not in REGIONS:
        raise RowError(f"region: '{region}' is not one of England's nine regions")
    sector = row.get("sector", "").strip().lower()
    if sector not in SECTORS:
        raise RowError(f"sector: '{sector}' is not one of {', '.join(SECTORS)}")
    staff = row.get("staff_count", "").strip()
    compiled_on = row.get("compiled_on", "").strip()
    try:
        last_verified = date.fromisoformat(compiled_on) if compiled_on else None
    except ValueError:
        raise RowError(f"compiled_on: '{compiled_on}' is not a date (YYYY-MM-DD)") from None
    return {
        "name": name,
        "slug": slugify(name),
        "summary": row.get("services_summary", "").strip(),
        "sector_detail": row.get("sector_detail", "").strip(),
        "primary_sector_name": sector,
        "region_name": region,
        "town": row.get("town_or_area", "").strip(),
        "postcode": postcode_of(row.get("registered_postcode", "")),
        "latitude": latitude,
        "longitude": longitude,
        "location_basis": Mutual.LocationBasis.TOWN_CENTRE
        if latitude is not None and basis.startswith("town centre")
        else "",
        "location_note": basis if latitude is not None else "",
        "website": row.get("website", "").strip(),
        "legal_form": choice(LEGAL_FORMS, row.get("legal_form", ""), "legal_form"),
        "ownership_detail": row.get("legal_form_detail", "").strip(),
        "register": register_of(number) if number else "",
        "registration_number": number,
        "year_spun_out": parse_year(row.get("year_spun_out", ""), "year_spun_out"),
        "parent_body": row.get("parent_public_body", "").strip(),
        "staff_count": parse_count(staff) if staff else None,
        "staff_count_detail": staff,
        "turnover_gbp": parse_money(row.get("annual_turnover_gbp", ""), "annual_turnover_gbp"),
        "turnover_period": row.get("turnover_year", "").strip(),
        "status": status,
        "status_year": parse_year(row.get("status_year", ""), "status_year"),
        "status_note": row.get("status_note", "").strip(),
        "evidence": evidence,
        "notes": row.get("notes", "").strip(),
        "last_verified": last_verified,
        "source_urls": [url.strip() for url in row.get("source_urls", "").split(";") if url.strip()],
    }


def area_fields(row, columns=AREA_COLUMNS):
    """Return the Mutual area fields of one row, with `districts` a list of Districts; raise RowError if unreadable.

    `columns` names the row's columns (areas_served.csv's by default); an empty scope and district list is "not known".
    """

    def cell(key):
        return (row.get(columns[key]) or "").strip()

    values = {}
    for key, choices in (("scope", Mutual.AreaScope), ("basis", Mutual.AreaBasis)):
        values[key] = cell(key).lower()
        if values[key] and values[key] not in choices.values:
            raise RowError(f"{columns[key]}: '{cell(key)}' is not one of {', '.join(choices.values)}")
    names = list(dict.fromkeys(name.strip() for name in cell("districts").split(";") if name.strip()))
    found = {
        district.lower_name: district
        for district in District.objects.annotate(lower_name=Lower("name")).filter(
            lower_name__in=[name.lower() for name in names]
        )
    }
    unknown = [name for name in names if name.lower() not in found]
    if unknown:
        listed = ", ".join(f"'{name}'" for name in unknown)
        are = "is not the name of a district" if len(unknown) == 1 else "are not names of districts"
        raise RowError(
            f"{columns['districts']}: {listed} {are} of England (use the ONS names, ';'-separated, e.g. "
            "'Leeds; Kingston upon Hull, City of')"
        )
    fields = {
        "area_scope": values["scope"],
        "area_basis": values["basis"],
        "area_basis_detail": cell("basis_detail"),
        "area_source_urls": "\n".join(web_addresses(cell("source_url"))),
        "area_quote": cell("quote"),
    }
    districts = [found[name.lower()] for name in names]
    areas = Mutual(**fields)
    problems = {**areas.rule_errors(*fields), "districts": areas.district_error(districts)}
    column = {
        "area_scope": "scope",
        "area_basis": "basis",
        "area_basis_detail": "basis_detail",
        "area_source_urls": "source_url",
        "area_quote": "quote",
        "districts": "districts",
    }
    messages = [f"{columns[column[name]]}: {message}" for name, message in problems.items() if message]
    if messages:
        raise RowError("; ".join(messages))
    return {**fields, "districts": districts}


def contract_fields(row):
    """Return the Contract field values of one contracts.csv row; raise RowError if it cannot be read."""
    funding = row.get("funding_type", "").strip()
    # Wording that names none of the types (e.g. "council funding (press figure, approximate)") is "other", in words.
    funding_key = next((key for key in FUNDING_TYPES if funding.lower().startswith(key)), None)
    basis = row.get("value_basis", "").strip() or Contract.ValueBasis.UNKNOWN
    if basis not in Contract.ValueBasis.values:
        raise RowError(f"value_basis: '{basis}' is not one of {', '.join(Contract.ValueBasis.values)}")
    start_year = parse_year(row.get("start_year", ""), "start_year")
    end_year = parse_year(row.get("end_year", ""), "end_year")
    if start_year and end_year and end_year < start_year:
        raise RowError(f"end_year: {end_year} is before start_year {start_year}")
    service = row.get("service", "").strip()
    if not service:
        raise RowError("service: empty")
    return {
        "mutual_name": row.get("mutual_name", "").strip(),
        "commissioner_name": row.get("commissioner", "").strip(),
        "service": service,
        "value_gbp": parse_money(row.get("value_gbp", ""), "value_gbp"),
        "value_basis": basis,
        "start_year": start_year,
        "end_year": end_year,
        "funding_type": FUNDING_TYPES[funding_key] if funding_key else Contract.FundingType.OTHER,
        "funding_detail": funding if funding.lower() != (funding_key or "") else "",
        "source_url": row.get("source_url", "").strip(),
        "source_quote": row.get("quote", "").strip(),
    }


def commissioner_kind(name):
    return next(
        (kind for pattern, kind in COMMISSIONER_KINDS if pattern.search(name)),
        Commissioner.Kind.OTHER,
    )


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    areas: list = field(default_factory=list)  # the mutuals whose areas were read

    def record(self, obj, created):
        (self.created if created else self.updated).append(obj)


def read_csv(path):
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def ensure_reference_data():
    """Create or update England's regions and the sectors."""
    for name, code in REGIONS.items():
        Region.objects.update_or_create(slug=slugify(name), defaults={"name": name, "ons_code": code})
    for name, description in SECTORS.items():
        Sector.objects.update_or_create(
            slug=slugify(name),
            defaults={"name": name[:1].upper() + name[1:], "description": description},
        )


def save_mutual(fields, publish=True):
    """Create or update one mutual, its sectors and sources from `mutual_fields()`; return (mutual, created)."""
    fields = dict(fields)
    source_urls = fields.pop("source_urls")
    sector = Sector.objects.get(slug=slugify(fields.pop("primary_sector_name")))
    region_name = fields.pop("region_name")
    fields["region"] = Region.objects.get(slug=slugify(region_name)) if region_name else None
    fields["primary_sector"] = sector
    if publish:
        # The research files: published, and checked on their date by the researchers.
        fields["is_published"] = True
        fields["last_verified_by"] = Mutual.VerifiedBy.RESEARCHERS
    districts = fields.pop("districts", None)
    mutual, created = Mutual.objects.update_or_create(slug=fields.pop("slug"), defaults=fields)
    mutual.full_clean(validate_unique=False)
    mutual.sectors.add(sector)
    if districts is not None:
        mutual.districts.set(districts)
    for position, url in enumerate(source_urls):
        Source.objects.update_or_create(mutual=mutual, url=url, defaults={"position": position})
    return mutual, created


def save_areas(mutual_name, fields):
    """Set the areas of the mutual called `mutual_name` from `area_fields()`, saving only what changes; return it."""
    fields = dict(fields)
    districts = fields.pop("districts")
    try:
        mutual = Mutual.objects.get(name=mutual_name)
    except Mutual.DoesNotExist:
        raise RowError(f"mutual_name: no mutual is called '{mutual_name}'") from None
    if any(getattr(mutual, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(mutual, name, value)
        # The rest of the record was checked when it was saved; the database's constraints check the whole row again.
        others = [f.name for f in Mutual._meta.concrete_fields if f.name not in fields]
        mutual.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
        mutual.save()
    if set(mutual.districts.all()) != set(districts):
        mutual.districts.set(districts)
    return mutual


def save_districts(path):
    """Create or update England's districts from a GeoJSON file of their boundaries; return (district, created) pairs."""
    try:
        features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    except (ValueError, KeyError, TypeError):
        raise RowError(f"{path.name}: not a GeoJSON FeatureCollection") from None
    saved = []
    for number, feature in enumerate(features, start=1):
        try:
            name = feature["properties"]["name"].strip()
            geometry = json.dumps(feature["geometry"], separators=(",", ":"))
        except (KeyError, TypeError, AttributeError):
            raise RowError(f"{path.name} feature {number}: needs a name property and a geometry") from None
        district = District(name=name, slug=slugify(name), geometry=geometry)
        try:
            district.clean()
        except ValidationError as error:
            raise RowError(f"{path.name} feature {number} ({name}): {' '.join(error.messages)}") from None
        saved.append(
            District.objects.update_or_create(slug=district.slug, defaults={"name": name, "geometry": geometry})
        )
    return saved


def save_contract(fields):
    """Create or update one contract (and its commissioner) from `contract_fields()`; return (contract, created)."""
    fields = dict(fields)
    mutual_name = fields.pop("mutual_name")
    try:
        mutual = Mutual.objects.get(name=mutual_name)
    except Mutual.DoesNotExist:
        raise RowError(f"mutual_name: no mutual is called '{mutual_name}'") from None
    commissioner_name = fields.pop("commissioner_name")
    commissioner = None
    if commissioner_name:
        commissioner, _ = Commissioner.objects.get_or_create(
            name=commissioner_name,
            defaults={
                "slug": slugify(commissioner_name)[:200],
                "kind": commissioner_kind(commissioner_name),
            },
        )
    return Contract.objects.update_or_create(
        mutual=mutual,
        commissioner=commissioner,
        service=fields.pop("service"),
        defaults=fields,
    )


def save_published_figure(row, position):
    """Create or update one published figure from a published_figures.csv row."""
    try:
        value = Decimal(row["value"])
    except (InvalidOperation, KeyError):
        raise RowError(f"value: '{row.get('value', '')}' is not a number") from None
    return PublishedFigure.objects.update_or_create(
        figure=row["figure"].strip(),
        source_url=row["source_url"].strip(),
        defaults={
            "value": value,
            "unit": row["unit"].strip(),
            "as_of": row["as_of"].strip(),
            "scope": row["scope"].strip(),
            "wording": row["wording"].strip(),
            "position": position,
        },
    )


def import_research_files(data_dir, on_row=lambda: None):
    """Import the districts, mutuals, contracts, published figures and areas in `data_dir`; raise RowError naming the
    first bad row.

    `on_row` is called after each row of the CSV files, for a progress bar.
    """
    result = ImportResult()
    ensure_reference_data()
    data_dir = Path(data_dir)
    for district, created in save_districts(data_dir / BOUNDARIES):
        result.record(district, created)
    for number, row in enumerate(read_csv(data_dir / "mutuals.csv"), start=2):
        try:
            result.record(*save_mutual(mutual_fields(row)))
            on_row()
        except READ_ERRORS as error:
            raise RowError(f"mutuals.csv line {number}: {error}") from error
    for number, row in enumerate(read_csv(data_dir / "contracts.csv"), start=2):
        try:
            result.record(*save_contract(contract_fields(row)))
            on_row()
        except READ_ERRORS as error:
            raise RowError(f"contracts.csv line {number}: {error}") from error
    for number, row in enumerate(read_csv(data_dir / "published_figures.csv"), start=2):
        try:
            result.record(*save_published_figure(row, position=number))
            on_row()
        except READ_ERRORS as error:
            raise RowError(f"published_figures.csv line {number}: {error}") from error
    for number, row in enumerate(read_csv(data_dir / "areas_served.csv"), start=2):
        try:
            result.areas.append(save_areas(row.get("mutual_name", "").strip(), area_fields(row)))
            on_row()
        except READ_ERRORS as error:
            raise RowError(f"areas_served.csv line {number}: {error}") from error
    return result
