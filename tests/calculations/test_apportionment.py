"""Apportionment: the seed 000 table cell by cell, errors, and fairness as properties."""

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.apportionment import (
    LARGEST_REMAINDER,
    ROUND_EACH_HALF_UP,
    ApportionmentError,
    DuplicateKeyError,
    EmptyWeightsError,
    GroupWeightMismatchError,
    MissingWeightError,
    NegativePoolError,
    NegativeWeightError,
    Node,
    NonPositiveStepError,
    PoolNotMultipleOfStepError,
    UnknownMethodError,
    ZeroTotalWeightError,
    apportion,
    apportion_tree,
    largest_remainder,
    round_each_half_up,
)
from staffing.rounding import quantize, quotient

D = Decimal

# --- seed 000: "Asiakasmäärään perustuva TE-virkailijoiden HTV-suunnitelma" ----------------

SUB_REGION = "Kaustisten seutukunta"  # spelled so in the seed table
MEMBERS = {"Halsua": 26, "Kaustinen": 138, "Lestijärvi": 20, "Toholampi": 94, "Veteli": 88}
SEED_TREE = (
    Node("Kokkola", 1975),
    Node("Kannus", 185),
    Node("Perho", 96),
    Node(SUB_REGION, children=[Node(key, weight) for key, weight in MEMBERS.items()]),
)
BASE_POOL = D("11.35")  # printed 11,4
COVID_POOL = D("2.85")  # printed 2,9
ROW_ORDER = ["Kokkola", "Kannus", "Perho", SUB_REGION, *MEMBERS]
EXPECTED_BASE = ["8.5", "0.8", "0.4", "1.6", "0.1", "0.6", "0.1", "0.4", "0.4"]
EXPECTED_COVID = ["2.1", "0.2", "0.1", "0.4", "0.0", "0.2", "0.0", "0.1", "0.1"]
EXPECTED_ROW_TOTALS = ["10.6", "1.0", "0.5", "2.0", "0.1", "0.8", "0.1", "0.5", "0.5"]


def seed_cells(pool):
    result = apportion_tree(pool=pool, tree=SEED_TREE, method=ROUND_EACH_HALF_UP)
    return result, [str(result.share_for(key).part) for key in ROW_ORDER]


def test_seed_000_base_pool_reproduced_cell_by_cell():
    _result, cells = seed_cells(BASE_POOL)
    assert cells == EXPECTED_BASE


def test_seed_000_covid_pool_reproduced_cell_by_cell():
    _result, cells = seed_cells(COVID_POOL)
    assert cells == EXPECTED_COVID


def test_seed_000_row_totals_are_sums_of_the_two_rounded_cells():
    base, _ = seed_cells(BASE_POOL)
    covid, _ = seed_cells(COVID_POOL)
    totals = [str(base.share_for(k).part + covid.share_for(k).part) for k in ROW_ORDER]
    assert totals == EXPECTED_ROW_TOTALS


def test_seed_000_pilot_row():
    assert quantize(BASE_POOL) == D("11.4")
    assert quantize(COVID_POOL) == D("2.9")
    assert quantize(BASE_POOL + COVID_POOL) == D("14.2")
    assert D("14.20") == BASE_POOL + COVID_POOL
    # The printed pools do not add up to the printed total.
    assert quantize(BASE_POOL) + quantize(COVID_POOL) == D("14.3")


def test_seed_000_top_level_parts_lose_a_tenth():
    base, _ = seed_cells(BASE_POOL)
    covid, _ = seed_cells(COVID_POOL)
    assert base.total == D("11.3")
    assert covid.total == D("2.8")
    assert quantize(base.pool) - base.total == D("0.1")
    assert quantize(covid.pool) - covid.total == D("0.1")
    assert base.difference == D("-0.05")  # against the unrounded pool


def test_seed_000_group_cell_and_members_sum_agree_here():
    for pool, cell in ((BASE_POOL, "1.6"), (COVID_POOL, "0.4")):
        result, _ = seed_cells(pool)
        group = result.share_for(SUB_REGION)
        assert group.is_group
        assert str(group.part) == cell
        assert group.members_total == group.part
        assert group.members_difference == 0


def test_seed_000_kaustinen_covid_quota_is_exactly_a_half_step():
    result = round_each_half_up(pool=COVID_POOL, weights={"Kaustinen": 138, "muut": 2622 - 138})
    share = result.share_for("Kaustinen")
    assert share.quota == D("0.15")
    assert share.part == D("0.2")


def test_seed_000_half_even_fails_to_reproduce_the_printed_pool():
    assert quantize(COVID_POOL, mode=ROUND_HALF_EVEN) == D("2.8")  # printed: 2,9
    assert quantize(COVID_POOL, mode=ROUND_HALF_UP) == D("2.9")


def test_seed_000_largest_remainder_on_the_printed_pools_sums_exactly():
    base = apportion_tree(pool=D("11.4"), tree=SEED_TREE)
    covid = apportion_tree(pool=D("2.9"), tree=SEED_TREE)
    assert base.method == LARGEST_REMAINDER
    assert base.total == D("11.4") and base.difference == 0
    assert covid.total == D("2.9") and covid.difference == 0
    # The tenth the source lost goes to Kokkola, the largest remainder, in both pools.
    assert [str(base.share_for(k).part) for k in ROW_ORDER] == [
        *["8.6", "0.8", "0.4", "1.6"],
        *["0.1", "0.6", "0.1", "0.4", "0.4"],
    ]
    assert [str(covid.share_for(k).part) for k in ROW_ORDER] == [
        *["2.2", "0.2", "0.1", "0.4"],
        *["0.0", "0.2", "0.0", "0.1", "0.1"],
    ]
    for result in (base, covid):
        group = result.share_for(SUB_REGION)
        assert group.members_total == group.part


def test_seed_000_largest_remainder_refuses_the_unrounded_pool():
    with pytest.raises(PoolNotMultipleOfStepError) as excinfo:
        apportion_tree(pool=BASE_POOL, tree=SEED_TREE)
    assert excinfo.value.code == "pool_not_multiple_of_step"
    assert excinfo.value.message == "Pooli 11,35 ei ole askeleen 0,1 monikerta"
    with pytest.raises(PoolNotMultipleOfStepError):
        largest_remainder(pool=BASE_POOL, weights={"Kokkola": 1975, "Kannus": 185})


def test_round_each_accepts_a_pool_off_the_step():
    result = round_each_half_up(pool=BASE_POOL, weights={"Kokkola": 1975, "muut": 647})
    assert result.method == ROUND_EACH_HALF_UP
    assert result.pool == BASE_POOL


# --- the result object ------------------------------------------------------------------------


def test_apportionment_result_keeps_input_order_and_exposes_shares():
    result = largest_remainder(pool=D("1.0"), weights={"b": 1, "a": 3, "c": 0})
    assert [share.key for share in result.shares] == ["b", "a", "c"]
    assert result.parts() == {"b": D("0.2"), "a": D("0.8"), "c": D("0.0")}
    assert result.share_for("a").quota == D("0.75")
    assert result.share_for("a").weight == D(3)
    assert result.total == D("1.0")
    assert result.difference == 0
    with pytest.raises(KeyError):
        result.share_for("z")


def test_zero_weight_gets_zero():
    result = largest_remainder(pool=D("0.3"), weights={"a": 0, "b": 1, "c": 1, "d": 1})
    assert result.share_for("a").part == 0


def test_zero_pool_gives_zero_parts_even_with_zero_weights():
    result = largest_remainder(pool=D("0"), weights={"a": 0, "b": 0})
    assert result.parts() == {"a": 0, "b": 0}


def test_decimal_weights_are_accepted():
    result = largest_remainder(pool=D("1.0"), weights={"a": D("0.5"), "b": D("1.5")})
    assert result.parts() == {"a": D("0.2"), "b": D("0.8")}  # 0.25 / 0.75: tie → larger weight


def test_other_steps():
    result = largest_remainder(pool=D("1.00"), weights={"a": 1, "b": 1, "c": 1}, step=D("0.05"))
    assert sorted(result.parts().values()) == [D("0.30"), D("0.35"), D("0.35")]
    assert result.total == D("1.00")


def test_apportion_dispatches_on_method():
    weights = {"a": 1, "b": 2}
    assert apportion(pool=D("0.3"), weights=weights).method == LARGEST_REMAINDER
    assert (
        apportion(pool=D("0.3"), weights=weights, method=ROUND_EACH_HALF_UP).method
        == ROUND_EACH_HALF_UP
    )
    with pytest.raises(UnknownMethodError):
        apportion(pool=D("0.3"), weights=weights, method="dhondt")


# --- tie-breaking ----------------------------------------------------------------------------


def test_leftover_steps_go_to_the_larger_remainder_first():
    # quotas 0.16 / 0.84 of 1,0 → remainders 0.6 and 0.4 steps
    result = largest_remainder(pool=D("1.0"), weights={"x": 16, "y": 84})
    assert result.parts() == {"x": D("0.2"), "y": D("0.8")}


def test_equal_remainders_go_to_the_larger_weight():
    # weights 1 and 3 of pool 0,2: quotas 0.5 and 1.5 steps, both remainders one half
    result = largest_remainder(pool=D("0.2"), weights={"small": 1, "large": 3})
    assert result.parts() == {"small": D("0.0"), "large": D("0.2")}


def test_equal_remainder_and_weight_go_to_the_smaller_key():
    for order in (["Perho", "Kannus", "Halsua"], ["Halsua", "Kannus", "Perho"]):
        result = largest_remainder(pool=D("0.2"), weights=dict.fromkeys(order, 1))
        assert result.parts() == {"Halsua": D("0.1"), "Kannus": D("0.1"), "Perho": D("0.0")}


def test_keys_that_print_alike_are_refused():
    with pytest.raises(DuplicateKeyError):
        largest_remainder(pool=D("0.2"), weights={1: 1, "1": 1})


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", [largest_remainder, round_each_half_up])
def test_errors_carry_code_and_finnish_message(method):
    one = D("1.0")
    cases = [
        ({"pool": D("-0.1"), "weights": {"a": 1}}, NegativePoolError, "negative_pool"),
        ({"pool": one, "weights": {}}, EmptyWeightsError, "empty_weights"),
        ({"pool": one, "weights": {"a": 1, "b": -2}}, NegativeWeightError, "negative_weight"),
        ({"pool": one, "weights": {"a": 0, "b": 0}}, ZeroTotalWeightError, "zero_total_weight"),
        ({"pool": one, "weights": {"a": 1}, "step": D("0")}, NonPositiveStepError, None),
        ({"pool": one, "weights": {"a": 1}, "step": D("-0.1")}, NonPositiveStepError, None),
    ]
    for kwargs, error, code in cases:
        with pytest.raises(error) as excinfo:
            method(**kwargs)
        assert isinstance(excinfo.value, ApportionmentError)
        assert isinstance(excinfo.value, ValueError)
        assert excinfo.value.code == (code or "non_positive_step")
        assert excinfo.value.message
    with pytest.raises(NegativeWeightError) as excinfo:
        method(pool=D("1.0"), weights={"Kannus": -2})
    assert excinfo.value.message == "Osan Kannus paino ei voi olla negatiivinen, nyt \u22122"


@pytest.mark.parametrize("method", [largest_remainder, round_each_half_up])
def test_floats_are_refused(method):
    with pytest.raises(TypeError):
        method(pool=1.0, weights={"a": 1})
    with pytest.raises(TypeError):
        method(pool=D("1.0"), weights={"a": 1.5})
    with pytest.raises(TypeError):
        method(pool=D("1.0"), weights={"a": 1}, step=0.1)


def test_tree_errors():
    with pytest.raises(GroupWeightMismatchError) as excinfo:
        apportion_tree(
            pool=D("1.0"), tree=[Node("g", 365, children=[Node("a", 200), Node("b", 166)])]
        )
    assert excinfo.value.code == "group_weight_mismatch"
    assert excinfo.value.message == "Ryhmän g paino 365 ei vastaa jäsenten painojen summaa 366"
    with pytest.raises(MissingWeightError):
        apportion_tree(pool=D("1.0"), tree=[Node("a")])
    with pytest.raises(DuplicateKeyError):
        apportion_tree(pool=D("1.0"), tree=[Node("a", 1), Node("g", children=[Node("a", 1)])])
    with pytest.raises(EmptyWeightsError):
        apportion_tree(pool=D("1.0"), tree=[])
    with pytest.raises(UnknownMethodError):
        apportion_tree(pool=D("1.0"), tree=[Node("a", 1)], method="jefferson")
    with pytest.raises(PoolNotMultipleOfStepError):
        apportion_tree(pool=D("1.05"), tree=[Node("a", 1)])


def test_given_group_weight_equal_to_members_is_accepted():
    result = apportion_tree(
        pool=D("1.0"), tree=[Node("g", 366, children=[Node("a", 200), Node("b", 166)])]
    )
    assert result.share_for("g").weight == 366


def test_source_method_tree_keeps_group_cell_apart_from_members():
    # Three members of 1 each in a pool split 3:1:1:1 → members 0,2 each, group 0,5 → 0,6 ≠ 0,5.
    tree = [Node("big", 3), Node("g", children=[Node("a", 1), Node("b", 1), Node("c", 1)])]
    result = apportion_tree(pool=D("1.0"), tree=tree, method=ROUND_EACH_HALF_UP)
    group = result.share_for("g")
    assert group.part == D("0.5")
    assert group.members_total == D("0.6")
    assert group.members_difference == D("0.1")
    assert [share.quota for share in group.children] == [quotient(1, 6)] * 3
    # largest remainder keeps them equal
    exact = apportion_tree(pool=D("1.0"), tree=tree)
    assert exact.share_for("g").members_total == exact.share_for("g").part
    assert [(depth, share.key) for depth, share in exact.walk()] == [
        (0, "big"),
        (0, "g"),
        (1, "a"),
        (1, "b"),
        (1, "c"),
    ]


def test_nested_groups():
    tree = [
        Node("x", 5),
        Node("g", children=[Node("h", children=[Node("a", 2), Node("b", 3)]), Node("c", 7)]),
    ]
    result = apportion_tree(pool=D("1.7"), tree=tree)
    assert result.total == D("1.7")
    for _depth, share in result.walk():
        if share.is_group:
            assert share.members_total == share.part
    assert result.share_for("h").weight == 5
    assert result.share_for("g").weight == 12


# --- properties -----------------------------------------------------------------------------

STEPS = st.sampled_from([D("0.1"), D("0.05"), D("0.5"), D("1"), D("0.25")])
WEIGHT = st.integers(min_value=0, max_value=100_000)
# Small weights make exact ties (equal remainders) common enough to exercise the tie-break.
TIE_PRONE_WEIGHT = st.integers(min_value=0, max_value=6)


@st.composite
def splits(draw, weight=None):
    step = draw(STEPS)
    pool = draw(st.integers(min_value=0, max_value=3000)) * step
    weight = weight or draw(st.sampled_from([WEIGHT, TIE_PRONE_WEIGHT]))
    values = draw(st.lists(weight, min_size=1, max_size=12))
    if not any(values):
        values[draw(st.integers(0, len(values) - 1))] = draw(st.integers(1, 100_000))
    names = draw(
        st.lists(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyzäö", min_size=1, max_size=6),
            min_size=len(values),
            max_size=len(values),
            unique=True,
        )
    )
    return pool, step, dict(zip(names, values, strict=True))


@settings(max_examples=200)
@given(split=splits())
def test_largest_remainder_parts_sum_exactly_to_the_pool(split):
    pool, step, weights = split
    result = largest_remainder(pool=pool, weights=weights, step=step)
    assert result.total == pool
    assert result.difference == 0


@settings(max_examples=200)
@given(split=splits())
def test_largest_remainder_parts_within_one_step_of_quota(split):
    pool, step, weights = split
    result = largest_remainder(pool=pool, weights=weights, step=step)
    for share in result.shares:
        assert abs(share.part - share.quota) < step
        assert share.part >= 0
        if share.weight == 0:
            assert share.part == 0


@settings(max_examples=200)
@given(split=splits())
def test_largest_remainder_more_clients_never_fewer_fte(split):
    pool, step, weights = split
    shares = largest_remainder(pool=pool, weights=weights, step=step).shares
    for first in shares:
        for second in shares:
            if first.weight > second.weight:
                assert first.part >= second.part


@settings(max_examples=200)
@given(data=st.data(), split=splits())
def test_largest_remainder_does_not_depend_on_input_order(data, split):
    pool, step, weights = split
    shuffled = dict(data.draw(st.permutations(list(weights.items()))))
    original = largest_remainder(pool=pool, weights=weights, step=step)
    reordered = largest_remainder(pool=pool, weights=shuffled, step=step)
    assert original.parts() == reordered.parts()
    assert [share.key for share in reordered.shares] == list(shuffled)


@st.composite
def trees(draw):
    step = draw(STEPS)
    pool = draw(st.integers(min_value=0, max_value=3000)) * step
    weight = draw(st.sampled_from([WEIGHT, TIE_PRONE_WEIGHT]))
    counter = iter(range(10_000))

    def node(depth):
        key = f"n{next(counter)}"
        if depth < 2 and draw(st.booleans()):
            children = [node(depth + 1) for _ in range(draw(st.integers(1, 4)))]
            return Node(key, children=children)
        return Node(key, draw(weight))

    tree = [node(0) for _ in range(draw(st.integers(1, 5)))]
    if not any(draw_weight(n) for n in tree):
        tree.append(Node("extra", draw(st.integers(1, 100_000))))
    return pool, step, tree


def draw_weight(node):
    if node.children:
        return sum(draw_weight(child) for child in node.children)
    return node.weight


@settings(max_examples=200)
@given(case=trees())
def test_largest_remainder_tree_subtotals_equal_members(case):
    pool, step, tree = case
    result = apportion_tree(pool=pool, tree=tree, step=step)
    assert result.total == pool
    for _depth, share in result.walk():
        if share.is_group:
            assert share.members_total == share.part


@settings(max_examples=200)
@given(split=splits())
def test_round_each_within_half_a_step_and_monotone(split):
    pool, step, weights = split
    result = round_each_half_up(pool=pool, weights=weights, step=step)
    for share in result.shares:
        assert abs(share.part - share.quota) <= step / 2
    for first in result.shares:
        for second in result.shares:
            if first.weight > second.weight:
                assert first.part >= second.part


@settings(max_examples=200)
@given(
    split=splits(),
    offset=st.integers(min_value=1, max_value=99),
)
def test_round_each_accepts_any_pool_and_stays_within_half_a_step(split, offset):
    pool, step, weights = split
    pool += step * offset / 100  # off the step
    result = round_each_half_up(pool=pool, weights=weights, step=step)
    for share in result.shares:
        assert abs(share.part - share.quota) <= step / 2
