"""How the directory knows what it says: the evidence levels in words, and each section's sources and checks."""

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
