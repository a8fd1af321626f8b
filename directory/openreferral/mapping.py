"""The published mutuals in Open Referral UK (HSDS 3.0 with the UK profile): each mutual an organization with one
service, its approximate location, and its sectors as terms of the directory's own taxonomy.

Identifiers are UUIDs derived from slugs (uuid5), so a mutual keeps them across edits and re-imports. HSDS leaves a
field out when it is not known, rather than null, so unknown facts are absent. A mutual's areas are its service's
service_areas: one per local authority district it serves, or one "England" area for a mutual working across regions
or nationally; none where its areas are not known.
"""

import uuid

from django.conf import settings
from django.urls import reverse

from ..models import Mutual, Sector

HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
# Every identifier of this feed is made from this namespace, a kind of record and a slug.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://mutuals-directory/openreferral")
TAXONOMY_VERSION = "1"
SERVICE_STATUS = {
    Mutual.Status.ACTIVE: "active",
    Mutual.Status.CLOSED: "defunct",
    Mutual.Status.MERGED: "defunct",
    Mutual.Status.RETURNED_IN_HOUSE: "defunct",
}
IDENTIFIER_TYPES = {
    Mutual.Register.COMPANIES_HOUSE: "Company number",
    Mutual.Register.FCA_MUTUALS: "Society number",
    Mutual.Register.CHARITY_COMMISSION: "Charity number",
}


def identifier(kind, *keys):
    """Return the stable UUID of a record of `kind` (e.g. "service") known by `keys` (slugs)."""
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *keys])))


def present(**fields):
    """Return the fields that are known: HSDS leaves out what a record does not have."""
    return {key: value for key, value in fields.items() if value not in (None, "", [])}


def absolute(request, path):
    return request.build_absolute_uri(path)


def taxonomy(request):
    """Return the directory's taxonomy of sectors."""
    return {
        "id": identifier("taxonomy", "sectors"),
        "name": f"{settings.DIRECTORY['SITE_NAME']} sectors",
        "description": "The kinds of public service that England's public service mutuals deliver, as the "
        f"{settings.DIRECTORY['SITE_NAME']} groups them.",
        "uri": absolute(request, reverse("directory:sector-list")),
        "version": TAXONOMY_VERSION,
    }


def taxonomy_term(sector, request, nested=False):
    """Return a sector as a taxonomy term (with its taxonomy, unless `nested` in one)."""
    term = present(
        id=identifier("taxonomy-term", sector.slug),
        name=sector.name,
        description=sector.description or f"Public service mutuals working in {sector.name.lower()}.",
        taxonomy_id=identifier("taxonomy", "sectors"),
        term=sector.slug,
        term_uri=absolute(request, sector.get_absolute_url()),
    )
    return term if nested else {**term, "taxonomy": taxonomy(request)["name"]}


def taxonomy_with_terms(request):
    return {
        **taxonomy(request),
        "taxonomy_terms": [taxonomy_term(sector, request, True) for sector in Sector.objects.all()],
    }


def organization(mutual, request):
    """Return a mutual as the organization that runs its service."""
    organization_id = identifier("organization", mutual.slug)
    identifiers = []
    if mutual.org_id:
        identifiers.append(
            {
                "id": identifier("organization-identifier", mutual.slug),
                "organization_id": organization_id,
                "identifier_scheme": mutual.register,
                "identifier_type": IDENTIFIER_TYPES[mutual.register],
                "identifier": mutual.registration_number,
            }
        )
    return present(
        id=organization_id,
        name=mutual.name,
        description=mutual.summary,
        website=mutual.website,
        uri=absolute(request, mutual.get_absolute_url()),
        organization_identifiers=identifiers,
    )


def location(mutual):
    """Return where the mutual is, or None: most locations are a town's centre, and the description says so."""
    if not mutual.has_location:
        return None
    approximate = "Approximate: " if mutual.location_is_approximate else ""
    return present(
        id=identifier("location", mutual.slug),
        location_type="physical",
        name=mutual.place or mutual.name,
        description=f"{approximate}{mutual.location_note or mutual.get_location_basis_display() or 'location'}.",
        latitude=mutual.latitude,
        longitude=mutual.longitude,
    )


def service_at_location(mutual, request, with_service=False):
    place = location(mutual)
    if place is None:
        return None
    record = {
        "id": identifier("service-at-location", mutual.slug),
        "service_id": identifier("service", mutual.slug),
        "location_id": place["id"],
        "location": place,
    }
    return {**record, "service": service_summary(mutual, request)} if with_service else record


def attributes(mutual, request):
    """Return the mutual's sectors as the service's attributes, each a term of the directory's taxonomy."""
    service_id = identifier("service", mutual.slug)
    return [
        {
            "id": identifier("attribute", mutual.slug, sector.slug),
            "link_id": service_id,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": identifier("taxonomy-term", sector.slug),
            "taxonomy_term": taxonomy_term(sector, request),
        }
        for sector in mutual.sectors.all()
    ]


def funding(mutual):
    """Return the mutual's contracts and grants as the sources of its service's funds."""
    service_id = identifier("service", mutual.slug)
    records = []
    for contract in mutual.contracts.all():
        buyer = contract.commissioner.name if contract.commissioner else "Buyer not known"
        records.append(
            {
                "id": identifier("funding", mutual.slug, str(contract.pk)),
                "service_id": service_id,
                "source": f"{buyer}: {contract.get_funding_type_display().lower()} for {contract.service}",
            }
        )
    return records


def service_areas(mutual, request):
    """Return where the mutual's service is available: each district it serves, or England for one working across
    regions or nationally (its regions are not recorded). Empty where its areas are not known."""
    service_id = identifier("service", mutual.slug)
    basis = mutual.get_area_basis_display()
    if mutual.area_scope in Mutual.SCOPES_EVERYWHERE:
        words = "nationally" if mutual.area_scope == Mutual.AreaScope.NATIONAL else "across several regions"
        return [
            {
                "id": identifier("service-area", mutual.slug, "england"),
                "service_id": service_id,
                "name": "England",
                "service_area": f"Works {words} of England (how this was found: {basis.lower()}).",
            }
        ]
    return [
        {
            "id": identifier("service-area", mutual.slug, district.slug),
            "service_id": service_id,
            "name": district.name,
            "service_area": f"{district.name} local authority district (how this was found: {basis.lower()}).",
            "uri": absolute(request, district.get_absolute_url()),
        }
        for district in mutual.districts.all()
    ]


def service_summary(mutual, request):
    """Return a mutual's service as the lists give it: the service and its organization."""
    return present(
        id=identifier("service", mutual.slug),
        organization_id=identifier("organization", mutual.slug),
        name=mutual.name,
        description=mutual.services or mutual.summary,
        url=mutual.website,
        status=SERVICE_STATUS[mutual.status],
        last_modified=mutual.updated_at.isoformat(),
        organization=organization(mutual, request),
    )


def service(mutual, request):
    """Return a mutual's service with everything the feed knows of it (HSDS's fully nested service)."""
    located = service_at_location(mutual, request)
    return present(
        **service_summary(mutual, request),
        service_at_locations=[located] if located else [],
        service_areas=service_areas(mutual, request),
        funding=funding(mutual),
        attributes=attributes(mutual, request),
    )


def page(items, number, paginator):
    """Return page `number` of a list, holding `items`, as HSDS 3.0 pages lists."""
    return {
        "total_items": paginator.count,
        "total_pages": paginator.num_pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= paginator.num_pages,
        "empty": not items,
        "contents": items,
    }


def about(request):
    """Return the feed's description of itself: its HSDS version, profile and OpenAPI document."""
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": absolute(request, reverse("directory:openreferral-openapi")),
    }
