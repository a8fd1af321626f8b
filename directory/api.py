"""The read-only JSON API: plain views over the listing's FilterSet, described by a hand-written OpenAPI document."""

from datetime import datetime, time

from django import forms
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from . import openapi
from .exports import CSV_COLUMNS, data_response, errors_response
from .filters import InvalidSelection, strict_selection
from .models import Commissioner, Contract, Mutual, Region, Sector
from .openapi import MAX_PAGE_SIZE, PAGE_SIZE
from .serializers import commissioner_record, licensed, mutual_record, region_record, sector_record


class ModifiedAfterField(forms.Field):
    default_error_messages = {
        "invalid": "Enter an ISO 8601 date or date and time, e.g. 2026-11-26 or 2026-11-26T09:30:00Z.",
    }

    def to_python(self, value):
        """Return an aware datetime: a date means the start of that day, UK time; a time without offset is UK time."""
        if not value:
            return None
        if "T" in value:
            value = value.replace(" ", "+")  # An unencoded "+01:00" offset arrives as " 01:00".
        try:
            moment = parse_datetime(value)
            day = None if moment else parse_date(value)
        except ValueError:
            moment = day = None
        if day:
            moment = datetime.combine(day, time.min)
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class ListOptionsForm(forms.Form):
    page = forms.IntegerField(min_value=1, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)
    modified_after = ModifiedAfterField(required=False)


@require_safe
def api_home(request):
    document = openapi.document(request)
    context = {
        "openapi": document,
        "parameters": openapi.query_parameters(document),
        "csv_columns": CSV_COLUMNS,
        "page_size": PAGE_SIZE,
        "max_page_size": MAX_PAGE_SIZE,
    }
    return render(request, "directory/api.html", context)


@require_safe
def openapi_document(request):
    return data_response(openapi.document(request))


@require_safe
def mutual_list(request):
    try:
        mutuals, options = api_selection(request.GET)
        page = paginate(mutuals, options, request.GET)
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


def paginate(mutuals, options, query):
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
def sector_list(request):
    results = [sector_record(sector, request) for sector in Sector.objects.with_active_counts()]
    return data_response(licensed(request, count=len(results), results=results))


@require_safe
def region_list(request):
    results = [region_record(region, request) for region in Region.objects.with_active_counts()]
    return data_response(licensed(request, count=len(results), results=results))


@require_safe
def commissioner_list(request):
    published = Contract.objects.filter(mutual__in=Mutual.objects.published())
    commissioners = Commissioner.objects.filter(
        Exists(published.filter(commissioner=OuterRef("pk")))
    ).prefetch_related(
        Prefetch("contracts", published.select_related("mutual"), to_attr="published_contracts"),
    )
    results = [commissioner_record(commissioner, request) for commissioner in commissioners]
    return data_response(licensed(request, count=len(results), results=results))


def not_found(request, rest):
    home = request.build_absolute_uri(reverse("directory:api"))
    return errors_response([{"parameter": None, "message": f"There is no such endpoint; see {home}"}], status=404)
