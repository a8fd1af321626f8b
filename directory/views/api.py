"""The read-only JSON API: plain views over the listing's FilterSet, described by a hand-written OpenAPI document."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .. import openapi
from ..forms import ListOptionsForm
from ..models import Commissioner, Mutual, Region, Sector
from ..pagination import MAX_API_PAGE_SIZE, PAGE_SIZE
from ..records import COLUMNS, commissioner_record, licensed, mutual_record, region_record, sector_record
from ..responses import data_response, errors_response
from ..selection import InvalidSelection, strict_selection


@require_safe
def api_home(request):
    document = openapi.document(request)
    context = {
        "openapi": document,
        "parameters": openapi.query_parameters(document),
        "csv_columns": [column.name for column in COLUMNS],
        "page_size": PAGE_SIZE,
        "max_page_size": MAX_API_PAGE_SIZE,
    }
    return render(request, "directory/api.html", context)


@require_safe
def openapi_document(request):
    return data_response(openapi.document(request))


@require_safe
def mutual_list(request):
    try:
        mutuals, options = api_selection(request.GET)
        page = api_page(mutuals, options, request.GET)
    except InvalidSelection as error:
        return errors_response(error.errors)
    return data_response(
        licensed(
            request,
            count=page.paginator.count,
            page=page.number,
            pages=page.paginator.num_pages,
            page_size=page.paginator.per_page,
            next=page_url(request, page.next_page_number()) if page.has_next() else None,
            previous=page_url(request, page.previous_page_number()) if page.has_previous() else None,
            results=[mutual_record(mutual, request) for mutual in page.object_list],
        )
    )


def api_selection(query):
    """Return the published mutuals the query selects and its list options; raise InvalidSelection naming bad ones."""
    form = ListOptionsForm(query)
    problems = [(name, query.get(name, ""), error) for name, errors in form.errors.items() for error in errors]
    try:
        mutuals = strict_selection(query, Mutual.objects.published().for_detail())
    except InvalidSelection as error:
        problems = error.problems + problems
    if problems:
        raise InvalidSelection(problems)
    if modified_after := form.cleaned_data["modified_after"]:
        mutuals = mutuals.filter(updated_at__gte=modified_after)
    return mutuals, form.cleaned_data


def api_page(mutuals, options, query):
    """Return the page asked for; raise InvalidSelection if there is no such page."""
    paginator = Paginator(mutuals, options["page_size"] or PAGE_SIZE)
    number = options["page"] or 1
    if number > paginator.num_pages:
        raise InvalidSelection([("page", query["page"], f"the last page is {paginator.num_pages}.")])
    return paginator.page(number)


def page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@require_safe
def mutual_detail(request, slug):
    """One published mutual's record, at /api/mutuals/<slug>/ and /mutuals/<slug>.json."""
    mutual = Mutual.objects.published().for_detail().filter(slug=slug).first()
    if mutual is None:
        return errors_response(
            [{"parameter": "slug", "message": f"There is no published mutual “{slug}”."}], status=404
        )
    return data_response(licensed(request, mutual=mutual_record(mutual, request)))


@require_safe
def sector_list(request):
    results = [sector_record(sector, request) for sector in Sector.objects.with_active_counts()]
    return data_response(licensed(request, count=len(results), results=results))


@require_safe
def region_list(request):
    results = [region_record(region, request) for region in Region.objects.with_active_counts()]
    return data_response(licensed(request, count=len(results), results=results))


@require_safe
def commissioner_list(request):
    results = [commissioner_record(commissioner, request) for commissioner in Commissioner.objects.for_api()]
    return data_response(licensed(request, count=len(results), results=results))


def not_found(request, rest):
    home = request.build_absolute_uri(reverse("directory:api"))
    return errors_response([{"parameter": None, "message": f"There is no such endpoint; see {home}"}], status=404)
