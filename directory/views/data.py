"""The dataset: its page (coverage, evidence levels, change log) and its versioned download."""

from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from mutuals_site.ops import dataversion

from .. import dataset, stats, tallies
from ..changes import recent_changes
from ..models import Mutual, PublishedFigure
from ..responses import with_data_headers
from ..streaming import started
from ..trust import evidence_levels

CHANGE_LOG_LENGTH = 20
# A version's address always gives the same bytes, so any cache may keep them for a year.
VERSION_MAX_AGE = 365 * 24 * 3600


@require_safe
def dataset_page(request):
    mutuals = Mutual.objects.published()
    version = dataversion.current()
    context = {
        "figures": stats.headline_figures(mutuals, tallies.of_every_published_mutual()),
        "published": PublishedFigure.objects.headline(),
        "evidence_levels": evidence_levels(mutuals.count_by("evidence")),
        "changes": recent_changes(request, limit=CHANGE_LOG_LENGTH),
        "version": version,
        "file_name": dataset.file_name(version),
        "files": (dataset.CSV_NAME, dataset.JSON_NAME, dataset.DESCRIPTOR_NAME),
    }
    return render(request, "directory/dataset.html", context)


@require_safe
def dataset_download(request, number):
    """The version `number` of the dataset as a zip; a version since replaced is gone (410), saying which is current."""
    version = dataversion.current()
    if number != version.number:
        return render(request, "directory/dataset_gone.html", {"asked": number, "version": version}, status=410)
    response = StreamingHttpResponse(started(dataset.zip_chunks(request, version)), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{dataset.file_name(version)}"'
    patch_cache_control(response, public=True, max_age=VERSION_MAX_AGE, immutable=True)
    return with_data_headers(response)


@require_safe
def dataset_latest(request):
    response = redirect("directory:dataset-download", number=dataversion.current().number)
    patch_cache_control(response, max_age=0, s_maxage=0)
    return response
