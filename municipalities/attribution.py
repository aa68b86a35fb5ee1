"""The attribution the national reference data and statistics require (CC BY 4.0), shown on
the "About the data" page. The classification identifiers are quoted as Statistics Finland
writes them, in every language."""

from django.utils.translation import get_language, gettext

LICENCE = "CC BY 4.0"
#: The licence deed in the reader's language, where Creative Commons has one.
LICENCE_URLS = {
    "fi": "https://creativecommons.org/licenses/by/4.0/deed.fi",
    "sv": "https://creativecommons.org/licenses/by/4.0/deed.sv",
    "en": "https://creativecommons.org/licenses/by/4.0/",
}
CLASSIFICATIONS = ("kunta_1_20250101", "seutukunta_1_20250101", "maakunta_1_20250101")
STATFIN_TABLE = "12r5"


def classification_attribution() -> str:
    return gettext("Source: Statistics Finland (Tilastokeskus), classification %(ids)s") % {
        "ids": " / ".join(CLASSIFICATIONS)
    }


def statfin_attribution() -> str:
    return gettext(
        "Source: Statistics Finland, StatFin, table %(table)s (KEHA-keskus, Työnvälitystilasto)"
    ) % {"table": STATFIN_TABLE}


def licence_url() -> str:
    return LICENCE_URLS.get((get_language() or "fi")[:2], LICENCE_URLS["en"])
