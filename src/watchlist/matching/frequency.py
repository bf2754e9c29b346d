"""How common each name word is across the loaded lists: a rare surname agreeing says more than
"Mohammed" or "Trading" agreeing.

The frequencies are counted when the lists load (:meth:`WordFrequencies.from_names`), over the
distinct listed names, each word of a name's normalised form counted once per name by its
variant group (:attr:`~watchlist.matching.names.Token.canonical`), so that Mohammed and
Muhammad are one word; a compound name in al-Din is counted as written and as one word
(:func:`~watchlist.matching.names.din_compounds`).
No word list is shipped with the package: the lists a Screener loads are the only source, and
so the same lists give the same frequencies.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from watchlist.matching.names import canonical_spelling, din_compounds
from watchlist.matching.normalize import normalize_name

#: Fewer names than this say little of how common a word is (in the curated lists of a few
#: hundred names, "Taliban" is in one name in ten): a Screener loading fewer assumes every
#: word of average frequency instead (:meth:`WordFrequencies.unknown`).
ENOUGH_NAMES = 5_000
#: A word in one name in this many (or rarer) counts as rare: the commonness of
#: :meth:`WordFrequencies.commonness` is 0 there, and 1 for a word in every name.
RARE_SHARE = 1e-4


@attrs.frozen
class WordFrequencies:
    """The share of listed names each word (by variant group) appears in."""

    counts: Mapping[str, int] = attrs.field(repr=False)
    #: How many distinct names were counted.
    names: int
    #: Without lists to count, the commonness every word is assumed to have.
    assumed: float | None = None

    @property
    def enough(self) -> bool:
        """Whether enough names were counted to say how common a word is."""
        return self.assumed is None and self.names >= ENOUGH_NAMES

    @classmethod
    def unknown(cls, commonness: float) -> WordFrequencies:
        """No lists counted: every word is assumed to be of the average ``commonness`` (that
        of the words agreeing in the pairs the calibration was fitted on), so that how common
        a word is neither raises nor lowers a score on average."""
        return cls(counts={}, names=0, assumed=commonness)

    @classmethod
    def from_names(cls, names: Iterable[str]) -> WordFrequencies:
        """Count the words of every distinct name in ``names``."""
        counts: Counter[str] = Counter()
        distinct = set(names)
        for name in distinct:
            words = normalize_name(name).split()
            # A compound name in al-Din is one word of its own as well (Nureddine, Nur al-Din).
            counts.update({canonical_spelling(word) for word in (*words, *din_compounds(words))})
        return cls(counts=dict(counts), names=len(distinct))

    def share(self, canonical: str) -> float:
        """The share of names holding the word ``canonical`` (0 for a word no name holds)."""
        return self.counts.get(canonical, 0) / self.names if self.names else 0.0

    def commonness(self, canonical: str) -> float:
        """How common a word is, in [0, 1]: 0 for a word in one name in 10,000 or fewer, 1 for
        a word in every name, log-linear in between (a word in one name in 100 is 0.5)."""
        if self.assumed is not None:
            return self.assumed
        share = self.share(canonical)
        if share <= RARE_SHARE:
            return 0.0
        return min(1.0, math.log(share / RARE_SHARE) / -math.log(RARE_SHARE))
