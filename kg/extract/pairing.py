"""Pair the Chinese and English entries of the same page and release as translations.

Entries of one page/release are aligned in file order (a monotone alignment, so a
missing or extra entry on one side shifts the rest instead of breaking every pair).
A pair's score adds agreement of position, of the Latin-script words and numbers both
sides share (API names, products, versions), of the link targets and of the hardware
the extraction found. Pairs below a threshold stay unpaired, and so do two entries that
both name Latin-script words but share none of them; neighbours swapped on one side, left
unpaired by the alignment, are then paired with each other when they score above it.
"""
from __future__ import annotations

import re
from typing import Sequence

from kg.model import Entry, Extraction
from kg.parse.identity import neutral_page_key, page_key

THRESHOLD = 0.3
WEIGHTS = {"position": 0.35, "words": 0.35, "urls": 0.2, "hardware": 0.1}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.+-]*[A-Za-z0-9]|\d+(?:\.\d+)*")
_URL_LANG = re.compile(r"zh-CN|zh_cn|/zh/|/en/|source_en|_en\b")


def _words(entry: Entry) -> set[str]:
    return {w.lower() for w in _WORD.findall(entry.question + " " + entry.answer)}


def _urls(entry: Entry) -> set[str]:
    return {_URL_LANG.sub("~", u) for u in entry.urls}


def _overlap(a: set, b: set) -> float:
    """Share of the smaller set found in the other one (1 when both are empty)."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _score(zh, en, i: int, j: int) -> float:
    if zh[0] and en[0] and not zh[0] & en[0]:
        return 0.0  # both name Latin-script words (APIs, numbers), none in common: not a translation
    position = max(0.0, 1.0 - abs(i - j) / 3)
    words = _overlap(zh[0], en[0]) if zh[0] else 0.5
    urls = _overlap(zh[1], en[1])
    hardware = 1.0 if zh[2] == en[2] else 0.0
    return (WEIGHTS["position"] * position + WEIGHTS["words"] * words
            + WEIGHTS["urls"] * urls + WEIGHTS["hardware"] * hardware)


def align(zh: Sequence[tuple], en: Sequence[tuple]) -> list[tuple[int, int]]:
    """Monotone alignment maximising the summed score of the accepted pairs
    (features: (words, urls, hardware) per entry, in file order)."""
    n, m = len(zh), len(en)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [(best[i + 1][j], 1), (best[i][j + 1], 2)]
            s = _score(zh[i], en[j], i, j)
            if s >= THRESHOLD:
                options.append((best[i + 1][j + 1] + s, 3))
            best[i][j], move[i][j] = max(options)
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if move[i][j] == 3:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif move[i][j] == 1:
            i += 1
        else:
            j += 1
    return pairs


def pair_translations(pairs: Sequence[tuple[Entry, Extraction]]) -> list[tuple[int, int]]:
    """(index of zh entry, index of en entry) in `pairs` for every translation pair."""
    groups: dict[tuple, dict[str, list[int]]] = {}
    for k, (entry, _) in enumerate(pairs):
        key = (entry.release or "", neutral_page_key(page_key(entry)))
        side = groups.setdefault(key, {"zh": [], "en": []})
        if entry.lang in side:  # an entry of another language has no twin (the builder refuses it)
            side[entry.lang].append(k)
    out: list[tuple[int, int]] = []
    for key in sorted(groups):
        side = groups[key]
        if not side["zh"] or not side["en"]:
            continue
        zh = sorted(side["zh"], key=lambda k: pairs[k][0].n)
        en = sorted(side["en"], key=lambda k: pairs[k][0].n)
        feats = lambda ks: [(_words(pairs[k][0]), _urls(pairs[k][0]),  # noqa: E731
                             frozenset(pairs[k][1].hardware)) for k in ks]
        fz, fe = feats(zh), feats(en)
        aligned = align(fz, fe)
        out.extend((zh[i], en[j]) for i, j in aligned + pair_swapped(fz, fe, aligned))
    return out


def pair_swapped(zh: Sequence[tuple], en: Sequence[tuple], aligned: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Entries the monotone alignment left unpaired on both sides (two neighbours in another order
    on one side): each unpaired zh entry with the best-scoring unpaired en entry near it."""
    paired_zh = {a for a, _ in aligned}
    free_zh = [i for i in range(len(zh)) if i not in paired_zh]
    free_en = set(range(len(en))) - {b for _, b in aligned}
    out = []
    for i in free_zh:
        scored = [(_score(zh[i], en[j], i, j), j) for j in free_en if abs(i - j) <= 2]
        best = max(scored, default=(0.0, None))
        if best[0] >= THRESHOLD:
            out.append((i, best[1]))
            free_en.discard(best[1])
    return out
