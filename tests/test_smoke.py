import pytest
from django.urls import reverse

from tests.factories import ContractFactory, MutualFactory

pytestmark = pytest.mark.django_db


def test_factories_make_a_published_mutual_with_a_contract(client):
    contract = ContractFactory()
    mutual = MutualFactory(name="Another Mutual")
    response = client.get(reverse("directory:mutual-list"))
    assert response.status_code == 200
    assert contract.mutual.name in response.text
    assert mutual.name in response.text
    assert mutual.sources.count() == 1
