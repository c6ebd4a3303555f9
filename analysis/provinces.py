"""Analyse stage, shared vocabulary: one canonical form for provinces.

Input: a province as any source writes it (浙江, 浙江省, Zhejiang, ZHEJIANG, Traditional 廣東).
Output: the short Chinese name the store keeps (浙江), or None when the text names no
provincial-level division. The vocabulary is data: analysis/vocab/provinces.yaml.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

VOCAB = Path(__file__).resolve().parent / "vocab" / "provinces.yaml"
# The few Traditional forms that differ from the Simplified short names (not worth OpenCC here).
_TRADITIONAL = str.maketrans("東廣龍陝甘寧藏臺灣門蘇", "东广龙陕甘宁藏台湾门苏")


@cache
def province_aliases() -> dict[str, str]:
    """Every accepted spelling (folded) -> the short Chinese name."""
    data = yaml.safe_load(VOCAB.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for entry in data["provinces"]:
        for name in [entry["zh"], entry["full"], *entry["en"]]:
            aliases[_fold(name)] = entry["zh"]
    return aliases


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    return re.sub(r"[\s\-_'\u2019.]", "", text).casefold()


def normalise_province(text: str | None) -> str | None:
    """浙江 / 浙江省 / Zhejiang / zhejiang province -> 浙江; None for anything else."""
    if not text or not text.strip():
        return None
    folded = _fold(text)
    for suffix in ("province", "municipality", "autonomousregion", "sar"):
        if folded.endswith(suffix) and folded != suffix:
            folded = folded[: -len(suffix)]
            break
    return province_aliases().get(folded)


def suggest_provinces(text: str, n: int = 3) -> list[str]:
    """The canonical names closest to a misspelt province (for 'did you mean …?')."""
    aliases = province_aliases()
    close = difflib.get_close_matches(_fold(text), list(aliases), n=n * 3, cutoff=0.6)
    return list(dict.fromkeys(aliases[c] for c in close))[:n]
