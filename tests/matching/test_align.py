"""The aligner against a brute-force reference, and word similarity."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from watchlist.matching.align import align, best_pairing, token_similarity
from watchlist.matching.names import prepare
from watchlist.testing import made_up_words

worth_values = st.one_of(st.just(0.0), st.floats(0.0, 2.0, allow_nan=False))


@st.composite
def worth_matrices(draw: st.DrawFn) -> list[list[float]]:
    rows = draw(st.integers(1, 5))
    columns = draw(st.integers(1, 5))
    return [[draw(worth_values) for _ in range(columns)] for _ in range(rows)]


def brute_force_best(worth: list[list[float]]) -> float:
    """The largest total worth of any one-to-one pairing, by trying every one."""
    rows, columns = len(worth), len(worth[0])
    best = 0.0
    for size in range(min(rows, columns) + 1):
        for chosen_rows in itertools.combinations(range(rows), size):
            for chosen_columns in itertools.permutations(range(columns), size):
                total = sum(worth[i][j] for i, j in zip(chosen_rows, chosen_columns, strict=True))
                best = max(best, total)
    return best


@given(worth_matrices())
def test_best_pairing_agrees_with_brute_force(worth: list[list[float]]) -> None:
    total, pairs = best_pairing(worth)
    assert abs(total - brute_force_best(worth)) < 1e-9
    assert len({i for i, _, _ in pairs}) == len(pairs)
    assert len({j for _, j, _ in pairs}) == len(pairs)
    assert abs(sum(value for _, _, value in pairs) - total) < 1e-9
    assert all(worth[i][j] == value > 0 for i, j, value in pairs)


def test_greedy_would_be_wrong_here() -> None:
    # Best-first would pair (0, 0) for 1.0 and leave 0.0; the best pairing is worth 1.8.
    worth = [[1.0, 0.9], [0.9, 0.0]]
    assert best_pairing(worth)[0] == 1.8


@given(made_up_words(), made_up_words())
def test_word_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    first, second = prepare(a).spellings[0][0], prepare(b).spellings[0][0]
    similarity = token_similarity(first, second)
    assert similarity == token_similarity(second, first)
    assert 0.0 <= similarity <= 1.0
    assert token_similarity(first, first) == 1.0


def test_word_similarity_examples() -> None:
    def similarity(a: str, b: str) -> float:
        return token_similarity(prepare(a).spellings[0][0], prepare(b).spellings[0][0])

    assert similarity("mohammed", "muhammad") > 0.95  # a variant spelling
    assert similarity("zavod", "works") > 0.95  # one word translated
    assert similarity("haqqani", "hakkani") > 0.8  # same consonant skeleton
    assert similarity("m", "muhammad") > 0.8  # an initial
    assert similarity("taliban", "pakistani") == 0.0
    # Two countries, or two points of the compass, are different words, however alike.
    assert similarity("iran", "iraq") == 0.0
    assert similarity("northern", "southern") == 0.0
    assert similarity("iran", "iranian") > 0.0  # one country
    # Two transliterations of one Cyrillic spelling are as good as a variant spelling.
    assert similarity("pyotr", "petr") >= 0.95
    assert similarity("kowaltschuk", "kovalchuk") >= 0.95
    # However far apart their letters are (Pjotr and Petr are 0.6 alike letter for letter).
    assert similarity("pjotr", "petr") >= 0.95
    assert similarity("aleksandr", "alexandr") >= 0.95
    assert similarity("petrov", "petrova") < 0.95


def test_a_word_paired_with_part_of_two_words_is_paired_with_both_run_together() -> None:
    # "qiang" alone is close to "keqiang" (0.86), but "ke qiang" run together is the word.
    score, pairs = align(
        prepare("li ke qiang").spellings[0], prepare("li keqiang").spellings[0], person=True
    )
    assert score > 0.95
    assert {(i, j) for i, j, _ in pairs} == {(0, 0), (1, 1), (2, 1)}


def test_a_word_paired_with_two_words_run_together_may_differ_as_transliterations() -> None:
    # "mozafariniya" and "mozaffarinia" are 0.83 alike letter for letter, one once folded.
    score, pairs = align(
        prepare("mozaffarinia reza").spellings[0],
        prepare("mozafari niya reza").spellings[0],
        person=True,
    )
    assert score > 0.9
    assert {(i, j) for i, j, _ in pairs} == {(0, 0), (0, 1), (1, 2)}


def test_words_run_together_pair_whether_or_not_the_names_have_as_many_words() -> None:
    # "aryasasol" is "arya sasol"; "company" alone on one side evens the count of words.
    score, _ = align(
        prepare("aryasasol polymer company").spellings[0],
        prepare("arya sasol polymer").spellings[0],
        person=False,
    )
    assert score > 0.8


def test_align_of_nothing_is_zero() -> None:
    assert align((), prepare("taliban").spellings[0], person=False) == (0.0, ())
