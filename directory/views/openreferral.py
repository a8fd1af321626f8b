"""The published mutuals in Open Referral UK, read-only, at the standard's paths under /openreferral/."""

import json
from pathlib import Path

from django.core.paginator import Paginator
from django.urls import reverse
from django.views.decorators.http import require_safe

from mutuals_site.ops.cache import for_data_version

from ..filters import MutualFilter
from ..models import Mutual, Sector
from ..openreferral import mapping
from ..responses import data_response, errors_response

SCHEMA_DIR = Path(mapping.__file__).parent / "schema"
PER_PAGE, MAX_PER_PAGE = 50, 1000


def ids_to_slugs(kind):
    """Return {identifier of `kind`: slug} for every published mutual, kept per data version with the page cache."""
    slugs = Mutual.objects.published().values_list("slug", flat=True)
    return for_data_version(
        "openreferral-ids", kind, lambda: {mapping.identifier(kind, slug): slug for slug in slugs.iterator()}
    )


def published_mutual(kind, record_id):
    """Return the published mutual whose record of `kind` has this id, or None."""
    slug = ids_to_slugs(kind).get(record_id)
    return Mutual.objects.published().for_detail().filter(slug=slug).first() if slug else None


def not_found(kind):
    return errors_response([{"parameter": "id", "message": f"There is no published {kind} with this id."}], status=404)


def paging(query):
    """Return the page number and page size asked for; raise ValueError(parameter, message) for a bad one."""
    numbers = []
    for name, default, highest in (("page", 1, None), ("per_page", PER_PAGE, MAX_PER_PAGE)):
        text = query.get(name, "") or str(default)
        if not text.isdigit() or int(text) < 1 or (highest and int(text) > highest):
            limit = f"from 1 to {highest}" if highest else "from 1"
            raise ValueError(name, f"Invalid {name} “{text[:50]}”: give a whole number {limit}.")
        numbers.append(int(text))
    return numbers


def listed(request, items, record):
    """Return one page of `items`, each as `record` makes it, as HSDS pages lists; past the last page, an empty one."""
    try:
        number, per_page = paging(request.GET)
    except ValueError as error:
        return errors_response([{"parameter": error.args[0], "message": error.args[1]}])
    paginator = Paginator(items, per_page)
    objects = paginator.page(number).object_list if number <= paginator.num_pages else []
    return data_response(mapping.page([record(item, request) for item in objects], number, paginator))


@require_safe
def about(request):
    return data_response(mapping.about(request))


@require_safe
def openapi(request):
    document = json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    document["servers"] = [{"url": request.build_absolute_uri(reverse("directory:openreferral-about")).rstrip("/")}]
    return data_response(document)


def service_selection(request):
    """Return the published mutuals that `search` and `taxonomy_term_id` (a sector's term) select, of every status."""
    query = {"status": "all", "q": request.GET.get("search", "")[:200]}
    if term := request.GET.get("taxonomy_term_id"):
        sectors = {
            mapping.identifier("taxonomy-term", slug): slug for slug in Sector.objects.values_list("slug", flat=True)
        }
        if term not in sectors:
            return Mutual.objects.none()
        query["sector"] = sectors[term]
    taxonomy = request.GET.get("taxonomy_id")
    if taxonomy and taxonomy != mapping.identifier("taxonomy", "sectors"):
        return Mutual.objects.none()
    return MutualFilter(query, queryset=Mutual.objects.published().for_detail()).qs


@require_safe
def service_list(request):
    return listed(request, service_selection(request), mapping.service_summary)


@require_safe
def service_detail(request, record_id):
    mutual = published_mutual("service", record_id)
    return data_response(mapping.service(mutual, request)) if mutual else not_found("service")


@require_safe
def service_at_location_list(request):
    located = service_selection(request).filter(latitude__isnull=False)
    return listed(request, located, lambda mutual, request: mapping.service_at_location(mutual, request, True))


@require_safe
def service_at_location_detail(request, record_id):
    mutual = published_mutual("service-at-location", record_id)
    if mutual is None or not mutual.has_location:
        return not_found("service at a location")
    return data_response(mapping.service_at_location(mutual, request, with_service=True))


@require_safe
def organization_list(request):
    mutuals = Mutual.objects.published().for_detail()
    return listed(
        request,
        mutuals,
        lambda mutual, request: (
            mapping.organization(mutual, request) | {"services": [mapping.service_summary(mutual, request)]}
        ),
    )


@require_safe
def organization_detail(request, record_id):
    mutual = published_mutual("organization", record_id)
    if mutual is None:
        return not_found("organization")
    return data_response(mapping.organization(mutual, request) | {"services": [mapping.service(mutual, request)]})


@require_safe
def taxonomy_list(request):
    return listed(request, [None], lambda _, request: mapping.taxonomy_with_terms(request))


@require_safe
def taxonomy_detail(request, record_id):
    if record_id != mapping.identifier("taxonomy", "sectors"):
        return not_found("taxonomy")
    return data_response(mapping.taxonomy_with_terms(request))


@require_safe
def taxonomy_term_list(request):
    return listed(request, Sector.objects.all(), mapping.taxonomy_term)


@require_safe
def taxonomy_term_detail(request, record_id):
    sectors = {mapping.identifier("taxonomy-term", sector.slug): sector for sector in Sector.objects.all()}
    if record_id not in sectors:
        return not_found("taxonomy term")
    return data_response(mapping.taxonomy_term(sectors[record_id], request))
