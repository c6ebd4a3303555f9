"""The normaliser's per-hit look-ups no longer scan back to the line start (issue 14 §2): the
bounded forms give what the unbounded ones gave. Time per MB is measured, not asserted, by
`python -m benchmarks.attack_normalise`.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from analysis.models import ParsedNotice
from analysis.normalise import normalise_notice
from analysis.normalise.context import line_start, requirement
from analysis.normalise.education import detect_party_member
from benchmarks.attack_normalise import CASES


@given(st.text(alphabet="a\n。，", max_size=60), st.data())
def test_line_start_is_the_offset_after_the_last_break(text: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(text)))
    assert line_start(text, pos) == text.rfind("\n", 0, pos) + 1


def test_a_leading_preference_is_read_at_the_sentence_start_only() -> None:
    text = "最好具有英语六级证书。须具有英语六级证书"
    assert requirement(text, 4, 8) is False
    assert requirement(text, text.rindex("英语"), len(text) - 2) is True


def test_a_party_requirement_reads_the_same_after_a_long_line() -> None:
    for prefix in ("", "说明" * 5_000):
        for body, value in (("3.中共党员;", "required"), ("政治面貌:中共党员", "required")):
            text = f"{prefix}\n{body}" if prefix else body
            found = detect_party_member(text)
            assert found is not None and found.value == value, (len(prefix), body)


def test_every_hostile_case_normalises_with_exact_evidence() -> None:
    for case, (_, build) in CASES.items():
        text = build(20_000)
        for position in normalise_notice(ParsedNotice(url="u", title="t", text=text)).positions:
            for f in position.findings:
                assert position.text[f.evidence.start : f.evidence.end] == f.evidence.text, case
