"""How the directory knows what it says: the evidence levels in words, and each section's sources and checks."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from .models import Mutual

EVIDENCE_MEANINGS = {
    Mutual.Evidence.PSM: (
        "A source calls it a public service mutual, or shows that it spun out of the public sector and that its "
        "staff own or control it."
    ),
    Mutual.Evidence.UNCONFIRMED: (
        "The sources we read show that it spun out of the public sector, but not that its staff own or control it."
    ),
    Mutual.Evidence.BORDERLINE: (
        "It is owned mainly by councils, schools or a private partner, or it pre-dates the government's mutuals "
        "programme; its notes say which."
    ),
}


def evidence_levels(counts):
    """Return each evidence level with its label, its meaning and how many mutuals `counts` ({level: n}) gives it."""
    return [
        {
            "value": level.value,
            "label": level.label,
            "meaning": EVIDENCE_MEANINGS[level],
            "count": counts.get(level, 0),
        }
        for level in Mutual.Evidence
    ]


# A source whose "what it backs" names one of these words backs the contracts and funding section.
CONTRACT_WORDS = ("contract", "funding", "value", "tender", "procurement", "grant")


@dataclass(frozen=True)
class ContractSource:
    """A contract's own source, listed like a mutual's sources."""

    url: str
    backs: str

    @property
    def label(self):
        return urlsplit(self.url).hostname.removeprefix("www.")


def backs_contracts(source):
    return any(word in source.backs.lower() for word in CONTRACT_WORDS)


def how_we_know(mutual):
    """Return the sources behind each section of a mutual's page, from its (prefetched) sources and contracts.

    Facts: the sources for the record in general and those that back a fact; contracts: each contract's own source
    and the sources that back contracts or funding.
    """
    sources = list(mutual.sources.all())
    contract_sources = [source for source in sources if backs_contracts(source)]
    seen = {source.url for source in contract_sources}
    for contract in mutual.contracts.all():
        if contract.source_url and contract.source_url not in seen:
            seen.add(contract.source_url)
            contract_sources.append(ContractSource(contract.source_url, contract.service))
    return {
        "facts": [source for source in sources if not source.backs or not backs_contracts(source)],
        "contracts": contract_sources,
        "evidence": EVIDENCE_MEANINGS[mutual.evidence],
    }
