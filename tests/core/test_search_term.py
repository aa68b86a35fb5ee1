"""core.forms.search_term: what a list's search box sends, made safe to query with."""

from django.http import QueryDict

from core.forms import SEARCH_MAX_LENGTH, search_term


def test_a_search_is_trimmed_and_cut():
    assert search_term(QueryDict("q=%20Kokkola%20")) == "Kokkola"
    assert search_term(QueryDict("q=" + "a" * 500)) == "a" * SEARCH_MAX_LENGTH


def test_a_nul_is_left_out():
    assert search_term(QueryDict("q=Kok%00kola")) == "Kokkola"
    assert search_term(QueryDict("q=%00")) == ""


def test_no_search_is_empty():
    assert search_term(QueryDict("")) == ""
    assert search_term(QueryDict("haku=x"), "haku") == "x"
