"""analysis.batch and `icc-talent normalise`: the output schema, order, and invalid lines."""

from __future__ import annotations

import json
import logging
import multiprocessing
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.batch import (
    BATCH_LINES,
    WORKERS_FROM_LINES,
    LineError,
    count_lines,
    default_jobs,
    normalise_jsonl,
    usable_cpus,
)
from analysis.cli import cli

FETCHED = datetime(2025, 3, 20)
TOP_KEYS = {
    "id",
    "languages",
    "native_speaker",
    "overseas_experience",
    "certificates",
    "education_min",
    "party_member",
    "skills",
    "aigc",
    "role_family",
    "published",
    "deadline",
    "positions",
}
POSITION_KEYS = TOP_KEYS - {"id", "published", "deadline", "positions"} | {"title", "headcount"}

NOTICE = """某国际传播中心公开招聘公告
发布日期:2025年3月1日
一、招聘岗位及条件
1.俄语编辑(2名)
岗位职责:负责俄语稿件编译。
任职要求:俄语专业八级,有俄罗斯留学经历者优先。
2.AIGC设计师(1名)
岗位职责:使用Stable Diffusion、ComfyUI生成海报。
二、基本条件
所有岗位均须具有本科及以上学历,中共党员优先。
三、报名时间
报名时间:3月3日至3月14日。"""


def _lines(*objs: object) -> list[str]:
    return [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objs]


def test_schema_order_and_union() -> None:
    out = list(
        normalise_jsonl(
            _lines({"id": "n1", "text": NOTICE}, {"id": 7, "text": "Native English speaker."}),
            fetched_at=FETCHED,
        )
    )
    assert [o["id"] for o in out if isinstance(o, dict)] == ["n1", 7]
    first = out[0]
    assert isinstance(first, dict)
    assert set(first) == TOP_KEYS
    assert [set(p) for p in first["positions"]] == [POSITION_KEYS, POSITION_KEYS]
    assert (first["published"], first["deadline"]) == ("2025-03-01", "2025-03-14")
    assert [p["title"] for p in first["positions"]] == ["俄语编辑", "AIGC设计师"]
    assert [p["headcount"] for p in first["positions"]] == [2, 1]
    assert {x["code"] for x in first["languages"]} == {"ru"}
    assert first["overseas_experience"]["kind"] == "study"
    assert first["overseas_experience"]["countries"] == ["RU"]
    assert first["overseas_experience"]["required"] is False
    assert {s["id"] for s in first["skills"]} >= {"stable_diffusion"}
    assert first["aigc"] is not None and first["positions"][0]["aigc"] is None
    assert first["education_min"] == "bachelor"
    assert first["party_member"] == "preferred"
    assert first["role_family"] == "editor_translator"
    assert out[1]["native_speaker"] is True  # type: ignore[index]
    for rec in out:
        assert isinstance(rec, dict)
        for p in rec["positions"]:
            for lang in p["languages"]:
                assert lang["evidence"] and set(lang) == {"code", "level", "required", "evidence"}


def test_invalid_lines_are_reported_and_skipped() -> None:
    lines = _lines(
        "{not json",
        [1, 2],
        {"text": "no id"},
        {"id": "x"},
        {"id": "y", "text": "ok", "url": 3},
        "",
        {"id": "z", "text": "英语编辑"},
    )
    out = list(normalise_jsonl(lines, fetched_at=FETCHED))
    errors = [o for o in out if isinstance(o, LineError)]
    assert [e.line for e in errors] == [1, 2, 3, 4, 5]
    assert str(errors[0]).startswith("line 1: not valid JSON")
    assert [o["id"] for o in out if isinstance(o, dict)] == ["z"]


def test_cli_normalise(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(_lines({"id": "a", "text": NOTICE}, "oops")) + "\n", "utf-8")
    dst = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["normalise", str(src), "-o", str(dst)])
    assert result.exit_code == 0, result.output
    assert "line 2:" in result.stderr
    records = [json.loads(line) for line in dst.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a"]


def test_cli_normalise_unreadable_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["normalise", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 1
    assert "cannot read" in result.stderr


def _normalise_stdin(data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "normalise", "-", *args],
        input=data,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_stdin_to_stdout_skips_each_bad_line_with_its_number() -> None:
    data = (
        '{"id": "a", "text": "英语编辑，本科及以上学历"}\n'.encode()
        + b"\xff\xfe not utf-8\n"
        + b'{"id": "b", "text": "\\ud800 lone"}\n'
        + b"[" * 100_000
        + b"\n"
        + b'{"id": 1'
        + b"9" * 5000
        + b', "text": "x"}\n'
        + '{"id": "c", "text": "俄语记者"}\n'.encode()
    )
    result = _normalise_stdin(data, "-o", "-")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "c"]
    errors = result.stderr.decode().splitlines()
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 4", "line 5"]
    assert "Traceback" not in result.stderr.decode()


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xff\n", b"not json\n"], ids=repr)
def test_no_valid_line_is_a_failure(data: bytes) -> None:
    result = _normalise_stdin(data)
    assert result.returncode != 0
    assert "no valid line in standard input" in result.stderr.decode()


def _mixed_lines(n: int) -> list[str]:
    """n lines of several kinds: notices, an English ad, blank lines and invalid lines."""
    kinds: list[object] = [
        {"id": "n", "text": NOTICE},
        {"id": "e", "text": "Video editor (native English speaker), BA degree, 2 years abroad."},
        "",
        "{broken",
        {"id": "z", "text": "英语编辑，本科及以上学历，熟练使用Midjourney。"},
    ]
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        out.append(
            json.dumps({**kind, "id": f"{kind['id']}{i}"}) if isinstance(kind, dict) else kind
        )
    return out


def _comparable(items: list[dict[str, object] | LineError]) -> list[object]:
    return [str(o) if isinstance(o, LineError) else o for o in items]


@pytest.mark.parametrize("parent_works", [True, False])
def test_worker_processes_give_the_output_of_one_process(
    parent_works: bool, caplog: pytest.LogCaptureFixture
) -> None:
    lines = _mixed_lines(4 * BATCH_LINES + 7)  # more than two batches: workers start
    alone = list(normalise_jsonl(lines, fetched_at=FETCHED, jobs=1))
    with caplog.at_level(logging.DEBUG, logger="analysis.batch"):
        pooled = list(normalise_jsonl(lines, fetched_at=FETCHED, jobs=2, parent_works=parent_works))
    assert _comparable(pooled) == _comparable(alone)
    errors = [o.line for o in pooled if isinstance(o, LineError)]
    assert errors == [i + 1 for i in range(len(lines)) if lines[i] == "{broken"]
    assert multiprocessing.active_children() == []  # the workers are stopped, none left behind
    if not parent_works:  # every batch went to a worker
        batches = -(-sum(1 for line in lines if line.strip()) // BATCH_LINES)
        assert f"0 batches in this process, {batches} in 2 workers" in caplog.text


def test_leaving_a_pooled_run_early_stops_its_workers() -> None:
    for parent_works in (True, False):
        out = normalise_jsonl(
            _mixed_lines(6 * BATCH_LINES), fetched_at=FETCHED, jobs=2, parent_works=parent_works
        )
        first = [next(out) for _ in range(3)]
        out.close()  # stops the pool: pending batches are dropped, nothing hangs
        assert [o["id"] for o in first if isinstance(o, dict)] == ["n0", "e1"]
        assert isinstance(first[2], LineError) and first[2].line == 4
        assert multiprocessing.active_children() == []


def test_cli_jobs_option_does_not_change_the_output(tmp_path: Path) -> None:
    lines = _mixed_lines(2 * BATCH_LINES + 30)
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    outputs = []
    for jobs in ("0", "1", "2"):
        dst = tmp_path / f"out{jobs}.jsonl"
        result = CliRunner().invoke(cli, ["normalise", str(src), "-o", str(dst), "-j", jobs])
        assert result.exit_code == 0, result.output
        assert result.stderr.count("not valid JSON") == lines.count("{broken")
        outputs.append(dst.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_default_jobs_is_one_process_for_a_short_known_input() -> None:
    assert default_jobs(0) == default_jobs(WORKERS_FROM_LINES - 1) == 1
    assert default_jobs(WORKERS_FROM_LINES) == default_jobs(None) == usable_cpus()


@pytest.mark.parametrize("chunk", [1, 3, 1 << 20])
def test_count_lines_reads_in_chunks_and_can_stop_early(tmp_path: Path, chunk: int) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"a\n\nbb\nlast line without newline")
    assert count_lines(path, chunk=chunk) == 3
    assert 2 <= count_lines(path, up_to=2, chunk=chunk) <= 3
    if chunk == 1:
        assert count_lines(path, up_to=2, chunk=chunk) == 2  # stopped before the end
