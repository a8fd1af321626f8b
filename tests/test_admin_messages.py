"""What the admin tells an editor after an action, in plain English for one record and for several."""

import pytest
from django.urls import reverse

from directory.models import Correction, Mutual
from tests.admin_support import make_editor
from tests.factories import CorrectionFactory, MutualFactory
from tests.test_admin_import import as_csv, exported, upload

pytestmark = pytest.mark.django_db

MUTUALS = "admin:directory_mutual_changelist"
CORRECTIONS = "admin:directory_correction_changelist"


@pytest.fixture
def editor(client):
    user = make_editor()
    client.force_login(user)
    return user


def act(client, changelist, action, objects):
    response = client.post(
        reverse(changelist),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def drafts(count, **fields):
    return [MutualFactory(name=f"Draft {number}", is_published=False, **fields) for number in range(1, count + 1)]


class PluralMessageTests:
    @pytest.mark.parametrize(
        "count, message", [(1, "Published 1 mutual."), (2, "Published 2 mutuals.")], ids=["one", "two"]
    )
    def test_publishing(self, client, editor, count, message):
        assert act(client, MUTUALS, "publish", drafts(count)) == [message]

    @pytest.mark.parametrize(
        "count, message",
        [
            (1, "Not published, left as a draft: Draft 1 (it has no sources)."),
            (2, "Not published, left as drafts: Draft 1 (it has no sources), Draft 2 (it has no sources)."),
        ],
        ids=["one", "two"],
    )
    def test_refusing_to_publish(self, client, editor, count, message):
        assert act(client, MUTUALS, "publish", drafts(count, source=None)) == [message]

    @pytest.mark.parametrize(
        "count, message",
        [(1, "Unpublished 1 mutual: it is a draft now."), (2, "Unpublished 2 mutuals: they are drafts now.")],
        ids=["one", "two"],
    )
    def test_unpublishing(self, client, editor, count, message):
        assert act(client, MUTUALS, "unpublish", MutualFactory.create_batch(count)) == [message]

    def test_unpublishing_drafts_says_there_was_nothing_to_do(self, client, editor):
        assert act(client, MUTUALS, "unpublish", drafts(2)) == ["The selected mutuals were already drafts."]

    @pytest.mark.parametrize(
        "count, message",
        [(1, "Marked 1 mutual verified today."), (2, "Marked 2 mutuals verified today.")],
        ids=["one", "two"],
    )
    def test_marking_verified(self, client, editor, count, message):
        assert act(client, MUTUALS, "mark_verified_today", MutualFactory.create_batch(count)) == [message]

    @pytest.mark.parametrize(
        "action, count, message",
        [
            ("mark_checking", 1, "Marked 1 report checking."),
            ("mark_added", 2, "Marked 2 reports added or corrected."),
            ("mark_declined", 1, "Marked 1 report declined."),
        ],
    )
    def test_marking_readers_reports(self, client, editor, action, count, message):
        assert act(client, CORRECTIONS, action, CorrectionFactory.create_batch(count)) == [message]

    def test_marking_reports_as_they_are_says_there_was_nothing_to_do(self, client, editor):
        reports = CorrectionFactory.create_batch(2, status=Correction.Status.DECLINED)
        assert act(client, CORRECTIONS, "mark_declined", reports) == [
            "The selected reports were already marked declined."
        ]

    @pytest.mark.parametrize(
        "count, message",
        [
            (1, "Imported new.csv: 1 created as a draft, 0 changed, 1 unchanged."),
            (2, "Imported new.csv: 2 created as drafts, 0 changed, 1 unchanged."),
        ],
        ids=["one", "two"],
    )
    def test_importing(self, client, editor, count, message):
        existing = MutualFactory(name="Existing Mutual CIC")
        row = exported(Mutual.objects.filter(pk=existing.pk))[0]
        new_rows = [{**row, "name": f"New Mutual {number} CIC", "slug": ""} for number in range(1, count + 1)]
        preview = upload(client, as_csv([row, *new_rows]), name="new.csv")
        response = client.post(
            reverse("admin:directory_mutual_import"), {"payload": preview.context["payload"]}, follow=True
        )
        assert [str(message) for message in response.context["messages"]] == [message]
