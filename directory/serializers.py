"""Plain functions that turn published records into the dicts the JSON exports and the API send."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

SLUG_MARK = "0slug0"


def slug_url(request, name, slug):
    """Return the absolute address of the page `name` for `slug`, reversing the URL pattern once per request.

    The downloads give 100,000 mutuals two or three addresses each, and reverse() costs more than the rest of a record.
    """
    parts = request.__dict__.setdefault("_slug_urls", {})
    if name not in parts:
        head, tail = path_around_slug(name)
        parts[name] = (request.build_absolute_uri(head), tail)
    head, tail = parts[name]
    return f"{head}{slug}{tail}"


def path_around_slug(name):
    """Return the path of the page `name` as the parts before and after its slug, to build many paths from one reverse()."""
    head, tail = reverse(name, kwargs={"slug": SLUG_MARK}).split(SLUG_MARK)
    return head, tail


def licence():
    """Return the data licence as the JSON formats state it."""
    return {"name": settings.DIRECTORY["DATA_LICENCE"], "url": settings.DIRECTORY["DATA_LICENCE_URL"]}


def attribution(request):
    """Return the credit line that anyone reusing the data should show."""
    home = request.build_absolute_uri(reverse("directory:home"))
    return (
        f"{settings.DIRECTORY['SITE_NAME']} ({home}), under the {settings.DIRECTORY['DATA_LICENCE']}. "
        "Each record lists the public sources its facts come from."
    )


def licensed(request, **payload):
    """Return the payload under top-level `licence` and `attribution` keys."""
    return {"licence": licence(), "attribution": attribution(request), **payload}


def mutual_record(mutual, request):
    """Return a published mutual with every fact its page shows; unknown facts are None."""
    return {
        "slug": mutual.slug,
        "name": mutual.name,
        "url": slug_url(request, "directory:mutual-detail", mutual.slug),
        "api_url": slug_url(request, "directory:api-mutual-detail", mutual.slug),
        "summary": text(mutual.summary),
        "services": text(mutual.services),
        "primary_sector": mutual.primary_sector.slug,
        "sectors": [{"slug": sector.slug, "name": sector.name} for sector in mutual.sectors.all()],
        "sector_detail": text(mutual.sector_detail),
        "region": region_reference(mutual.region),
        "town": text(mutual.town),
        "postcode": text(mutual.postcode),
        "location": location(mutual),
        "website": text(mutual.website),
        "legal_form": text(mutual.legal_form),
        "ownership_detail": text(mutual.ownership_detail),
        "org_id": text(mutual.org_id),
        "register": text(mutual.register),
        "registration_number": text(mutual.registration_number),
        "year_spun_out": mutual.year_spun_out,
        "parent_body": text(mutual.parent_body),
        "staff_count": mutual.staff_count,
        "staff_count_detail": text(mutual.staff_count_detail),
        "turnover_gbp": money(mutual.turnover_gbp),
        "turnover_period": text(mutual.turnover_period),
        "status": mutual.status,
        "status_year": mutual.status_year,
        "status_note": text(mutual.status_note),
        "evidence": mutual.evidence,
        "notes": text(mutual.notes),
        "annual_value_gbp": money(mutual.annual_value),
        "contracts": [
            {"commissioner": commissioner_reference(contract.commissioner, request), **contract_facts(contract)}
            for contract in mutual.contracts.all()
        ],
        "sources": [
            {"url": source.url, "title": text(source.title), "backs": text(source.backs)}
            for source in mutual.sources.all()
        ],
        "last_verified": date(mutual.last_verified),
        "updated_at": mutual.updated_at.isoformat(),
    }


def mutual_reference(mutual, request):
    return {
        "slug": mutual.slug,
        "name": mutual.name,
        "status": mutual.status,
        "url": slug_url(request, "directory:mutual-detail", mutual.slug),
        "api_url": slug_url(request, "directory:api-mutual-detail", mutual.slug),
    }


def location(mutual):
    if not mutual.has_location:
        return None
    return {
        "latitude": mutual.latitude,
        "longitude": mutual.longitude,
        "basis": text(mutual.location_basis),
        "approximate": mutual.location_is_approximate,
        "note": text(mutual.location_note),
    }


def contract_facts(contract):
    return {
        "service": contract.service,
        "value_gbp": money(contract.value_gbp),
        "value_basis": contract.value_basis,
        "annual_value_gbp": money(contract.annual_value_gbp),
        "annual_value_is_estimate": contract.annual_value_is_derived,
        "start_year": contract.start_year,
        "end_year": contract.end_year,
        "funding_type": contract.funding_type,
        "funding_detail": text(contract.funding_detail),
        "source_url": text(contract.source_url),
        "source_quote": text(contract.source_quote),
    }


def region_reference(region):
    if region is None:
        return None
    return {"slug": region.slug, "name": region.name, "ons_code": region.ons_code}


def commissioner_reference(commissioner, request):
    if commissioner is None:
        return None
    return {
        "slug": commissioner.slug,
        "name": commissioner.name,
        "kind": commissioner.kind,
        "url": slug_url(request, "directory:commissioner-detail", commissioner.slug),
    }


def sector_record(sector, request):
    """Return a sector with its page, its mutuals in the API and how many active mutuals it has."""
    return {
        "slug": sector.slug,
        "name": sector.name,
        "description": text(sector.description),
        "active_mutuals": sector.active_count,
        "url": request.build_absolute_uri(sector.get_absolute_url()),
        "mutuals_api_url": mutuals_api_url(request, sector=sector.slug),
    }


def region_record(region, request):
    """Return a region with its ONS code, its page, its mutuals in the API and how many active mutuals it has."""
    return {
        **region_reference(region),
        "active_mutuals": region.active_count,
        "url": request.build_absolute_uri(region.get_absolute_url()),
        "mutuals_api_url": mutuals_api_url(request, region=region.slug),
    }


def commissioner_record(commissioner, request):
    """Return a buyer with the published mutuals it buys from and the contracts' values."""
    return {
        **commissioner_reference(commissioner, request),
        "mutuals_api_url": mutuals_api_url(request, commissioner=commissioner.slug, status="all"),
        "contracts": [
            {"mutual": mutual_reference(contract.mutual, request), **contract_facts(contract)}
            for contract in commissioner.published_contracts
        ],
    }


def mutuals_api_url(request, **query):
    return request.build_absolute_uri(f"{reverse('directory:api-mutual-list')}?{urlencode(query)}")


def text(value):
    """Return the text, or None where it is not known (blank)."""
    return value or None


def money(value):
    """Return pounds as a decimal string with pence, e.g. '1000000.00', so no float rounding creeps in."""
    return None if value is None else f"{value:.2f}"


def date(value):
    return None if value is None else value.isoformat()
