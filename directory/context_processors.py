from django.conf import settings


def site(request):
    """Expose the site's name and data licence to every template."""
    return {"site": settings.DIRECTORY}
