from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from directory.models import Mutual
from tests.factories import MutualFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def created_at(when, **kwargs):
    """Create a mutual whose first history record is dated `when`."""
    mutual = MutualFactory(**kwargs)
    Mutual.history.filter(id=mutual.pk).update(history_date=when)
    return mutual


def save_at(mutual, when, **changes):
    for field, value in changes.items():
        setattr(mutual, field, value)
    mutual._history_date = when
    mutual.save()


def entries(client):
    response = client.get(reverse("directory:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return [
        {
            "id": entry.findtext(f"{ATOM}id"),
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "category": entry.find(f"{ATOM}category").get("term"),
        }
        for entry in feed.iter(f"{ATOM}entry")
    ], response.text


class ChangeFeedTests:
    def test_lists_mutuals_added_updated_and_closed_newest_first(self, client):
        mutual = created_at(START, name="Locala CIC", summary="Community health in Kirklees.")
        save_at(mutual, START + timedelta(days=1), website="https://www.locala.org.uk")
        save_at(
            mutual,
            START + timedelta(days=2),
            status=Mutual.Status.CLOSED,
            status_year=2026,
            status_note="Lost its contract.",
        )
        found, _ = entries(client)
        assert [(entry["title"], entry["category"]) for entry in found] == [
            ("Closed: Locala CIC", "closed"),
            ("Updated: Locala CIC", "updated"),
            ("Added: Locala CIC", "added"),
        ]
        assert found[0]["summary"] == "Closed in 2026. Lost its contract."
        assert found[1]["summary"] == "Changed: website."
        assert found[2]["summary"] == "Community health in Kirklees."
        assert found[0]["updated"].startswith("2026-01-07")
        assert {entry["link"] for entry in found} == {f"http://testserver{mutual.get_absolute_url()}"}
        assert len({entry["id"] for entry in found}) == 3

    def test_a_merger_is_its_own_kind_of_entry(self, client):
        mutual = created_at(START, name="Sirona CIC")
        save_at(mutual, START + timedelta(days=1), status=Mutual.Status.MERGED)
        found, _ = entries(client)
        assert (found[0]["title"], found[0]["category"]) == ("Merged or absorbed: Sirona CIC", "merged")

    def test_a_save_that_changes_nothing_public_makes_no_entry(self, client):
        mutual = created_at(START)
        save_at(mutual, START + timedelta(days=1))
        found, _ = entries(client)
        assert [entry["category"] for entry in found] == ["added"]

    def test_never_includes_a_draft(self, client):
        created_at(START, name="Unpublished Mutual", is_published=False)
        found, text = entries(client)
        assert found == []
        assert "Unpublished Mutual" not in text

    def test_a_mutual_published_later_is_added_without_its_draft_values(self, client):
        mutual = created_at(
            START,
            name="Youth First",
            summary="SECRET DRAFT SUMMARY",
            website="https://secret.example",
            is_published=False,
        )
        save_at(mutual, START + timedelta(days=1), summary="Youth centres in Lewisham.", website="")
        save_at(mutual, START + timedelta(days=2), is_published=True)
        found, text = entries(client)
        assert [(entry["title"], entry["summary"]) for entry in found] == [
            ("Added: Youth First", "Youth centres in Lewisham.")
        ]
        assert "SECRET" not in text
        assert "secret.example" not in text

    def test_a_mutual_unpublished_since_leaves_the_feed(self, client):
        mutual = created_at(START, name="Withdrawn Mutual")
        save_at(mutual, START + timedelta(days=1), is_published=False)
        found, text = entries(client)
        assert found == []
        assert "Withdrawn Mutual" not in text

    @pytest.mark.parametrize("extra", [0, 6])
    def test_query_count_does_not_grow_with_changes(self, client, django_assert_num_queries, extra):
        for n in range(extra + 1):
            mutual = created_at(START + timedelta(hours=n))
            save_at(mutual, START + timedelta(days=1, hours=n), town=f"Town {n}")
        with django_assert_num_queries(3):
            client.get(reverse("directory:feed"))


class FeedDiscoveryTests:
    def test_every_page_points_to_the_feed(self, client):
        text = client.get(reverse("directory:home")).text
        feed = reverse("directory:feed")
        assert (
            f'<link rel="alternate" type="application/atom+xml" title="Mutuals Directory: changes" href="{feed}">'
            in text
        )
        assert f'<a class="govuk-footer__link" href="{feed}"' in text
