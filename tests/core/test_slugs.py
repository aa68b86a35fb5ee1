"""core.slugs.unique_slug: a name's slug, unique among the taken and reserved ones."""

from core.slugs import unique_slug


def test_the_slug_of_a_name_gets_a_number_when_taken_or_reserved():
    assert unique_slug("Mitä jos", taken=set(), max_length=60, fallback="x") == "mita-jos"
    assert unique_slug("Mitä jos", taken={"mita-jos"}, max_length=60, fallback="x") == "mita-jos-2"
    assert (
        unique_slug("Uusi", taken={"uusi-2"}, max_length=60, fallback="x", reserved={"uusi"})
        == "uusi-3"
    )


def test_a_name_without_letters_takes_the_fallback():
    assert unique_slug("–", taken={"suunnitelma"}, max_length=60, fallback="suunnitelma") == (
        "suunnitelma-2"
    )


def test_the_number_fits_within_the_maximum_length():
    slug = unique_slug("a" * 80, taken={"a" * 10}, max_length=10, fallback="x")
    assert slug == "a" * 8 + "-2"
