"""The mypyc-compiled normaliser (setup.py) gives exactly what its Python source gives.

When the normaliser runs compiled, the same inputs are normalised by the source modules in a
subprocess (a copy of analysis/ without the extensions) and the output lines must be equal byte
for byte. Inputs: the mirror's notices, the real corpus when ../shared is there, their Traditional
and full-width variants, and edge cases. Also: no compiled module is older than its source, and
setup.py compiles exactly the modules analysis.compiled lists.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest

from analysis.batch import normalise_jsonl
from analysis.compiled import NORMALISER_MODULES, compiled_modules, stale_modules
from analysis.evaluate import _mirror_notices

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "real_postings.jsonl"
FETCHED = datetime(2026, 11, 1)

_RUN_PURE = """
import json, sys
from datetime import datetime
import analysis.batch
assert analysis.batch.__file__.endswith(".py"), analysis.batch.__file__
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
for r in analysis.batch.normalise_jsonl(lines, fetched_at=datetime(2026, 11, 1)):
    print(json.dumps(r if isinstance(r, dict) else str(r), ensure_ascii=False, sort_keys=True))
"""

EDGE_TEXTS = [
    "",
    "任职要求:\n1.熟练掌握英语、法语、日语,英语六级以上者优先;\n2.无需日语基础。",
    "Requirements:\n- Fluent English and Mandarin; Cantonese is a plus.\n- No need to speak Chinese",
    "具备以下条件之一:\n(1)在境外使用该国语言学习或工作两年以上\n(2)英语专业八级",
    "报名时间:6月3日至6月14日\n熟练使用Stable Diffusion、Midjourney等AIGC工具,SD卡不算",
    "岗位一:英语编辑(2名)\n岗位职责:翻译\n岗位二:俄语记者(1名)\n岗位职责:采访\n二、基本条件\n所有岗位均须中共党员",
]


def _inputs() -> list[str]:
    texts = [(p.title, p.text, p.published) for _, p in _mirror_notices()]
    if CORPUS.is_file():
        rows = [json.loads(x) for x in CORPUS.read_text("utf-8").splitlines() if x.strip()]
        texts += [(None, r["text"], None) for r in rows]
    texts += [(None, t, None) for t in EDGE_TEXTS]
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    variants = [(None, to_traditional.convert(t), None) for _, t, _ in texts[::3]]
    wide = {c: unicodedata.lookup(f"FULLWIDTH {unicodedata.name(c)}") for c in "0123456789:,;()"}
    variants += [(None, "".join(wide.get(c, c) for c in t), None) for _, t, _ in texts[1::3]]
    lines = []
    for i, (title, text, published) in enumerate(texts + variants):
        obj = {"id": i, "text": text, "title": title, "published": published}
        lines.append(
            json.dumps({k: v for k, v in obj.items() if v is not None}, ensure_ascii=False)
        )
    return [*lines, "not json", '{"id": 1}']


def test_setup_compiles_exactly_the_listed_modules() -> None:
    listed = re.findall(
        r'^    "(analysis/[\w/]+\.py)",$', (ROOT / "setup.py").read_text("utf-8"), re.M
    )
    modules = [p.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for p in listed]
    assert modules == list(NORMALISER_MODULES)


def test_no_compiled_module_is_older_than_its_source() -> None:
    assert stale_modules() == [], (
        "the compiled normaliser is stale: run `make` (or pip install -e .)"
    )


@pytest.mark.skipif(not compiled_modules(), reason="the normaliser runs from source here")
def test_compiled_normaliser_equals_its_source(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(
        ROOT / "analysis",
        source / "analysis",
        ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"),
    )
    lines = _inputs()
    (tmp_path / "in.jsonl").write_text("\n".join(lines), "utf-8")
    (tmp_path / "run.py").write_text(_RUN_PURE, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(source)}
    pure = subprocess.run(
        [sys.executable, str(tmp_path / "run.py"), str(tmp_path / "in.jsonl")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout.splitlines()
    compiled = [
        json.dumps(r if isinstance(r, dict) else str(r), ensure_ascii=False, sort_keys=True)
        for r in normalise_jsonl(lines, fetched_at=FETCHED)
    ]
    assert len(compiled) == len(pure) > 30
    for got, want in zip(compiled, pure, strict=True):
        assert got == want
