"""Status, evidence and sector tags read on one line each, on a phone and on a wide screen."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAG_LINES = """() => [...document.querySelectorAll('main .govuk-tag')].map((tag) => {
    const range = document.createRange();
    range.selectNodeContents(tag);
    return [tag.textContent.trim(), new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size];
})"""


@pytest.mark.parametrize(
    "viewport",
    [{"width": 320, "height": 720}, {"width": 375, "height": 812}, {"width": 1280, "height": 900}],
    ids=["320", "375", "1280"],
)
def test_every_tag_keeps_to_one_line(page, world, viewport):
    listing = reverse("directory:mutual-list")
    pages = {
        "listing": f"{listing}?status=all&sort=name",
        "listing, page 2": f"{listing}?status=all&sort=name&page=2",
        "a closed mutual": world.closed.get_absolute_url(),
        "map of one region": f"{reverse('directory:mutual-map')}?region=london",
    }
    seen = set()
    for name, address in pages.items():
        page.goto(address)
        tags = page.evaluate(TAG_LINES)
        seen.update(text for text, _lines in tags)
        assert [text for text, lines in tags if lines != 1] == [], f"Tags broken over two lines on {name}"
    # The longest tags the world has are among those checked.
    assert {"Staff control not confirmed", "Adult social care", "Closed"} <= seen
