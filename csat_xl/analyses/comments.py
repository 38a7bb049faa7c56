"""What customers wrote: the terms of free-text comments (ANALYSES.md §5).

Three sources, each optional: the questionnaire's 意见 / Comments, the
visits' 记录 / Notes and the complaints' 描述 / Description.  Per source,
:func:`comment_terms` lists the top terms with

- ``count``: the number of comments that use the term (a comment repeating
  a word counts once, so one long rant cannot dominate),
- the **grade mix**: how many of the *customers* who used the term have each
  final grade (who says "响应慢" — the satisfied or the dissatisfied?),
- two **example sentences** using the term, in workbook order.

How terms are found: the text is NFKC-normalised (full-width letters and
digits become half-width); Chinese is cut into words by a segmenter
(:func:`segmenter`: ``rjieba``, the Rust port of jieba, MIT licence; plain
``jieba`` is used when only it is installed), English words are runs of
letters, lower-cased.  A term is kept when it is a Chinese word of two or
more characters or an English word of three or more letters, not a stop
word (lists shipped in ``csat_xl/data/text/``), and holds no digit.
Without a segmenter (e.g. xlwings Lite in the browser, where the compiled
one cannot be installed) English is still counted and Chinese is not: the
result says so (``segmenter`` is None) rather than counting characters.

Comment text is data, never a formula: this module returns it as Python
strings; the report writes them as text cells (:mod:`csat_xl.report.render_xlsx`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .. import labels
from ..scoring import Scores

#: Sources: (source key, survey table attribute, column key).
SOURCES = (("questionnaire", "questionnaire", "comments"), ("visits", "visits", "notes"),
           ("complaints", "complaints", "description"))
#: Terms listed per source.
DEFAULT_TOP = 15
#: Example sentences per term, and their longest shown length (characters).
EXAMPLES = 2
MAX_EXAMPLE = 120
#: Grade columns of the grade mix (grade keys, best first) and the column of customers without a grade.
GRADE_KEYS = tuple(g.key for g in labels.GRADES)
UNGRADED = "ungraded"

_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_LATIN = re.compile(r"^[a-z][a-z'\-]*[a-z]$")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|(?<=[A-Za-z)])\.(?:\s+|$)")
_TRIM = "，,、：: \t\u3000"


# --- resources --------------------------------------------------------------------------------
def _word_list(name: str) -> frozenset[str]:
    text = resources.files("csat_xl").joinpath("data", "text", name).read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#"))


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The shipped Chinese and English stop words (``csat_xl/data/text/stopwords_*.txt``)."""
    return _word_list("stopwords_zh.txt") | _word_list("stopwords_en.txt")


@dataclass(frozen=True)
class Segmenter:
    """A Chinese word segmenter: ``name`` (package and version) and ``cut(text) -> list[str]``."""

    name: str
    cut: Callable[[str], list[str]]


@lru_cache(maxsize=1)
def segmenter() -> Segmenter | None:
    """The Chinese segmenter, loaded on first use (imports are lazy so that
    csat-xl imports fast and runs where none is installed).  ``rjieba`` first,
    then ``jieba``; both get the shipped domain words
    (``csat_xl/data/text/user_words_zh.txt``).  None when neither is installed."""
    words = sorted(_word_list("user_words_zh.txt"))
    try:
        import rjieba
    except ImportError:
        rjieba = None
    if rjieba is not None:
        from importlib.metadata import version

        # rjieba loads its dictionary into a default segmenter when imported (0.1 s); a second
        # Jieba() would load it again, so the domain words go into that one: they are only
        # ever added, so nothing else using rjieba in this process cuts worse for them.
        for word in words:
            rjieba.add_word(word, None, None)
        return Segmenter(f"rjieba {version('rjieba')}", rjieba.cut)
    try:
        import jieba
    except ImportError:
        return None
    engine = jieba.Tokenizer()
    for word in words:
        engine.add_word(word)
    return Segmenter(f"jieba {jieba.__version__}", engine.lcut)


# --- terms of one text ------------------------------------------------------------------------
def _keep(token: str, stops: frozenset[str]) -> str | None:
    token = token.strip()
    if _CJK.match(token):
        return token if len(token) >= 2 and token not in stops else None
    word = token.lower()
    if word.endswith("'s"):
        word = word[:-2]
    return word if len(word) >= 3 and _LATIN.match(word) and word not in stops else None


def terms(text: str, cut: Callable[[str], list[str]] | None = None) -> list[str]:
    """The distinct terms of one comment, in order of appearance (see the module docstring).

    ``cut``: a Chinese segmenter's cut function; None: English words only."""
    stops = stop_words()
    text = unicodedata.normalize("NFKC", str(text))
    if cut is None:
        tokens = [t for t in _WORDS.findall(text) if not _CJK.match(t)]
    else:
        tokens = cut(text)
    return list(dict.fromkeys(t for t in (_keep(token, stops) for token in tokens) if t))


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences as written (at 。！？!?；; and newlines, and
    at a full stop after a word), without the end punctuation."""
    return [s.strip(_TRIM) for s in _SENTENCE_END.split(str(text)) if s.strip(_TRIM)]


def _example(text: str, term: str) -> str | None:
    """The first sentence of ``text`` using ``term``, as written (shortened to
    :data:`MAX_EXAMPLE` characters)."""
    for sentence in sentences(text):
        if term in unicodedata.normalize("NFKC", sentence).lower():
            return sentence if len(sentence) <= MAX_EXAMPLE else sentence[:MAX_EXAMPLE - 1] + "…"
    return None


# --- the analysis -----------------------------------------------------------------------------
@dataclass
class Comments:
    """Top terms per source.

    ``terms``: ``source``, ``rank``, ``term``, ``count`` (comments using it),
    ``share`` (of the source's comments), ``customers`` (distinct customers
    using it), one column per grade key (customers with that final grade)
    plus ``ungraded``, ``example_1`` and ``example_2``.  ``sources``: per
    source present, ``source``, ``comments``, ``customers``, ``terms``
    (distinct terms found).  ``segmenter``: the Chinese segmenter used (None:
    Chinese not counted).
    """

    terms: pd.DataFrame
    sources: pd.DataFrame
    segmenter: str | None
    top: int

    @property
    def available(self) -> bool:
        return not self.sources.empty

    def top_terms(self, source: str) -> pd.DataFrame:
        return self.terms[self.terms["source"] == source]

    def to_dict(self) -> dict:
        clean = lambda frame: [{k: (None if isinstance(v, float) and np.isnan(v) else  # noqa: E731
                                    int(v) if isinstance(v, np.integer) else v) for k, v in r.items()}
                               for r in frame.to_dict(orient="records")]
        return {"segmenter": self.segmenter, "top": self.top, "sources": clean(self.sources), "terms": clean(self.terms)}


TERM_COLUMNS = ["source", "rank", "term", "count", "share", "customers", *GRADE_KEYS, UNGRADED, "example_1", "example_2"]


def _texts(scores: Scores) -> Iterable[tuple[str, np.ndarray, np.ndarray]]:
    """(source, customer IDs, texts) of every source that has text."""
    survey = scores.survey
    for source, attribute, column in SOURCES:
        frame = getattr(survey, attribute)
        if frame is None or column not in frame.columns:
            continue
        texts = frame[column].to_numpy(dtype=object)
        keep = np.array([isinstance(t, str) and bool(t.strip()) for t in texts], dtype=bool)
        if keep.any():
            yield source, frame["customer_id"].to_numpy(dtype=object)[keep], texts[keep]


def comment_terms(scores: Scores, top: int = DEFAULT_TOP) -> Comments:
    """The ``top`` terms of each comment source of ``scores.survey`` (see the module docstring)."""
    chinese = segmenter()
    cut = chinese.cut if chinese else None
    grade_of = dict(zip(scores.customers["customer_id"], scores.customers["grade"]))
    rows, source_rows = [], []
    for source, ids, texts in _texts(scores):
        # Each distinct text is segmented once (forms often repeat a phrase), and counted
        # once per text with its number of comments: work per distinct text, not per comment.
        codes, uniques = pd.factorize(texts)
        per_text = [terms(t, cut) for t in uniques]
        comments_of = np.bincount(codes, minlength=len(uniques))
        counts: Counter[str] = Counter()
        texts_of: dict[str, list[int]] = {}  # term -> its texts, in order of first appearance (= code order)
        for code, found in enumerate(per_text):
            for term in found:
                counts[term] += int(comments_of[code])
                texts_of.setdefault(term, []).append(code)
        source_rows.append({"source": source, "comments": len(texts), "customers": len(set(ids)), "terms": len(counts)})
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        for rank, (term, count) in enumerate(ranked, start=1):
            users = set(ids[np.isin(codes, texts_of[term])])  # only the listed terms need their customers
            mix = Counter(grade_of.get(c) if isinstance(grade_of.get(c), str) else UNGRADED for c in users)
            examples: list[str] = []
            for code in texts_of[term][:8]:
                example = _example(uniques[code], term)
                if example and example not in examples:
                    examples.append(example)
                if len(examples) == EXAMPLES:
                    break
            examples += [None] * (EXAMPLES - len(examples))
            rows.append({"source": source, "rank": rank, "term": term, "count": count, "share": count / len(texts),
                         "customers": len(users), **{g: mix.get(g, 0) for g in (*GRADE_KEYS, UNGRADED)},
                         "example_1": examples[0], "example_2": examples[1]})
    return Comments(pd.DataFrame(rows, columns=TERM_COLUMNS),
                    pd.DataFrame(source_rows, columns=["source", "comments", "customers", "terms"]),
                    chinese.name if chinese else None, top)
