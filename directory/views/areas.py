"""The pages of England's local authority districts, where mutuals work."""

from django.shortcuts import get_object_or_404, render

from ..models import District


def area_detail(request, slug):
    district = get_object_or_404(District.objects.only("name", "slug"), slug=slug)
    return render(request, "directory/area_detail.html", {"district": district})
