"""Monthly measures, share tables and breakdowns over small synthetic frames (no database)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from analysis import trends

POSITION_COLUMNS = [
    "position_id", "notice_id", "seq", "title", "employer", "province", "level", "source_id",
    "url", "published", "deadline", "month", "role_family", "headcount", "aigc", "text",
]  # fmt: skip
FINDING_COLUMNS = ["position_id", "field", "value", "level", "required", "years", "evidence"]


def make_positions(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A positions frame shaped like `load_frames` output; rows give only what matters."""
    full = []
    for i, row in enumerate(rows, start=1):
        base = {
            "position_id": i, "notice_id": i, "seq": 1, "title": f"岗位{i}", "employer": "甲中心",
            "province": "Zhejiang", "level": "provincial", "source_id": "demo",
            "url": f"https://example.org/{i}", "published": None, "deadline": None,
            "role_family": "editor", "headcount": None, "aigc": False, "text": "岗位职责。",
        }  # fmt: skip
        full.append(base | row)
    frame = pd.DataFrame(full, columns=[c for c in POSITION_COLUMNS if c != "month"])
    frame["published"] = pd.to_datetime(frame["published"])
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    frame["month"] = frame["published"].dt.strftime("%Y-%m")
    frame["headcount"] = frame["headcount"].astype("Int64")
    frame["aigc"] = frame["aigc"].astype(bool)
    return frame[POSITION_COLUMNS]


def make_findings(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """(position_id, field, value[, required]) tuples → a findings frame."""
    records = [
        {"position_id": r[0], "field": r[1], "value": r[2], "level": None, "years": None,
         "required": r[3] if len(r) > 3 else None, "evidence": f"{r[2]}证据"}
        for r in rows
    ]  # fmt: skip
    frame = pd.DataFrame(records, columns=FINDING_COLUMNS)
    frame["required"] = frame["required"].astype("boolean")
    return frame


@pytest.fixture
def positions() -> pd.DataFrame:
    # Jan 2024: 4 positions in 2 notices; Feb: none; Mar: 1; Jan 2025: 2.
    return make_positions(
        [
            {"notice_id": 1, "published": "2024-01-05", "deadline": "2024-01-20", "headcount": 2,
             "aigc": True, "employer": "甲中心"},
            {"notice_id": 1, "seq": 2, "published": "2024-01-05", "deadline": "2024-01-20",
             "headcount": 1, "employer": "甲中心"},
            {"notice_id": 2, "published": "2024-01-25", "employer": "乙中心", "province": None},
            {"notice_id": 2, "seq": 2, "published": "2024-01-25", "employer": "乙中心",
             "province": None, "role_family": "video"},
            {"notice_id": 3, "published": "2024-03-10", "deadline": "2024-03-31",
             "employer": "丙中心", "province": "Guangxi", "headcount": 5},
            {"notice_id": 4, "published": "2025-01-02", "deadline": "2025-01-31",
             "employer": "甲中心"},
            {"notice_id": 4, "seq": 2, "published": "2025-01-02", "employer": "丁中心"},
            {"notice_id": 5, "published": None, "employer": "戊中心"},  # undated
        ]
    )  # fmt: skip


@pytest.fixture
def findings() -> pd.DataFrame:
    return make_findings(
        [
            (1, "language", "en", True),
            (1, "language", "en", False),  # duplicate finding: still one position
            (1, "language", "ru", True),
            (2, "language", "en", True),
            (5, "native_speaker", "ru", True),  # counts as asking for Russian
            (1, "overseas", "study", False),
            (1, "overseas", "work", True),  # two kinds, one position
            (5, "overseas", "any", None),
            (2, "party_member", "required", True),
            (5, "party_member", "preferred", False),  # preferred is not required
            (4, "aigc", "aigc", None),  # AIGC by finding only
            (6, "language", "en", True),
            (1, "skill", "video_editing"),
            (5, "skill", "video_editing"),
            (5, "skill", "midjourney"),
            (6, "skill", "sora"),
            (7, "skill", "sora"),
            (8, "skill", "premiere"),  # undated position
        ]
    )


def test_month_helpers() -> None:
    assert trends.month_range(["2024-03", "2023-12", None, "2024-01"]) == [
        "2023-12", "2024-01", "2024-02", "2024-03",
    ]  # fmt: skip
    assert trends.month_range([]) == []
    assert trends.shift_month("2024-01", -1) == "2023-12"
    assert trends.shift_month("2024-03", -12) == "2023-03"


def test_monthly_measures_counts_and_shares(positions, findings) -> None:
    m = trends.build_monthly_measures(positions, findings).set_index("month")
    assert list(m.index) == [f"2024-{i:02d}" for i in range(1, 13)] + ["2025-01"]
    jan = m.loc["2024-01"]
    assert (jan["notices"], jan["positions"], jan["employers"]) == (2, 4, 2)
    assert (jan["headcount"], jan["headcount_known"]) == (3, 2)
    assert (jan["n_aigc"], jan["aigc"]) == (2, 0.5)  # flag on 1, finding on 4
    assert (jan["n_overseas"], jan["overseas"]) == (1, 0.25)
    assert (jan["n_party_required"], jan["party_required"]) == (1, 0.25)
    assert (jan["n_lang_en"], jan["lang_en"]) == (2, 0.5)
    assert (jan["n_lang_ru"], jan["lang_ru"]) == (1, 0.25)
    assert bool(jan["small_n"]) is True
    mar = m.loc["2024-03"]
    assert (mar["positions"], mar["lang_ru"], mar["party_required"], mar["overseas"]) == (
        1, 1.0, 0.0, 1.0,
    )  # fmt: skip
    assert mar["headcount"] == 5


def test_monthly_measures_empty_months_are_zero(positions, findings) -> None:
    m = trends.build_monthly_measures(positions, findings).set_index("month")
    feb = m.loc["2024-02"]
    assert feb["positions"] == 0 and feb["notices"] == 0 and feb["headcount"] == 0
    assert feb["lang_en"] == 0.0 and feb["aigc"] == 0.0
    assert bool(feb["small_n"]) is True
    # the undated position is in no month
    assert m["positions"].sum() == 7


def test_monthly_measures_language_columns_ranked(positions, findings) -> None:
    m = trends.build_monthly_measures(positions, findings)
    langs = [c for c in m.columns if c.startswith("lang_")]
    assert langs == ["lang_en", "lang_ru"]  # en: 3 positions, ru: 2


def test_monthly_measures_not_small_from_five() -> None:
    five = make_positions([{"published": "2024-05-01"}] * 5)
    m = trends.build_monthly_measures(five, make_findings([]))
    assert list(m["small_n"]) == [False]
    assert list(m["positions"]) == [5]


def test_monthly_measures_empty_store() -> None:
    m = trends.build_monthly_measures(make_positions([]), make_findings([]))
    assert m.empty
    assert {"month", "positions", "notices", "aigc", "small_n"} <= set(m.columns)


def test_share_table_language(positions, findings) -> None:
    t = trends.build_share_table(positions, findings, trends.LANGUAGE_FIELDS)
    assert list(t.columns) == ["month", "value", "n", "positions", "share", "small_n"]
    assert len(t) == 13 * 2  # every month x every language, zeros included
    jan = t[t["month"] == "2024-01"].set_index("value")
    assert jan.loc["en", "n"] == 2 and jan.loc["en", "positions"] == 4
    assert jan.loc["en", "share"] == 0.5
    feb = t[t["month"] == "2024-02"]
    assert list(feb["n"]) == [0, 0] and list(feb["share"]) == [0.0, 0.0]


def test_share_table_language_only_field(positions, findings) -> None:
    t = trends.build_share_table(positions, findings, "language").set_index(["month", "value"])
    assert t.loc[("2024-03", "ru"), "n"] == 0  # native_speaker not included here
    assert t.loc[("2024-01", "ru"), "n"] == 1


def test_share_table_role_family(positions, findings) -> None:
    t = trends.build_share_table(positions, findings, "role_family")
    jan = t[t["month"] == "2024-01"].set_index("value")
    assert jan.loc["editor", "n"] == 3 and jan.loc["video", "n"] == 1
    assert jan.loc["video", "share"] == 0.25


def test_share_table_by_province(positions, findings) -> None:
    t = trends.build_share_table(positions, findings, "language", by="province")
    row = t[(t["province"] == "unknown") & (t["value"] == "en")].iloc[0]
    assert (row["n"], row["positions"]) == (0, 2)
    row = t[(t["province"] == "Zhejiang") & (t["value"] == "en")].iloc[0]
    assert (row["n"], row["positions"], row["share"]) == (3, 5, 0.6)  # undated included


def test_share_table_empty() -> None:
    t = trends.build_share_table(make_positions([]), make_findings([]), "skill")
    assert t.empty and "share" in t.columns


def test_province_breakdown(positions, findings) -> None:
    b = trends.build_province_breakdown(positions, findings)
    assert list(b["province"]) == ["Zhejiang", "unknown", "Guangxi"]
    z = b.iloc[0]
    assert (z["positions"], z["notices"], z["headcount"], z["aigc"]) == (5, 3, 3, 1)
    assert z["share"] == pytest.approx(5 / 8)
    mar = trends.build_province_breakdown(positions, findings, month="2024-03")
    assert list(mar["province"]) == ["Guangxi"] and mar.iloc[0]["overseas"] == 1
    assert trends.build_province_breakdown(positions, findings, month="2030-01").empty


def test_new_employers(positions) -> None:
    jan = trends.find_new_employers(positions, "2024-01")
    assert list(jan["employer"]) == ["甲中心", "乙中心"]
    assert list(jan["positions"]) == [2, 2]
    assert jan.iloc[1]["province"] == "unknown"
    later = trends.find_new_employers(positions, "2025-01")
    assert list(later["employer"]) == ["丁中心"]  # 甲中心 was first seen in 2024-01
    assert trends.find_new_employers(positions, "2024-02").empty


def test_new_terms(positions, findings) -> None:
    mar = trends.find_new_terms(findings, "2024-03", positions=positions)
    assert list(mar["value"]) == ["midjourney"]  # video_editing was seen in January
    jan25 = trends.find_new_terms(findings, "2025-01", positions=positions)
    assert list(jan25["value"]) == ["sora"] and jan25.iloc[0]["n"] == 2
    assert jan25.iloc[0]["evidence"] == "sora证据"
    with pytest.raises(ValueError, match="positions"):
        trends.find_new_terms(findings, "2024-01")


@pytest.mark.parametrize(
    ("day", "open_ids", "no_deadline_ids"),
    [
        ("2024-01-04", [], []),  # before anything was published
        ("2024-01-05", [1, 2], []),  # publication day counts
        ("2024-01-20", [1, 2], []),  # deadline day counts
        ("2024-01-21", [], []),
        ("2024-01-25", [], [3, 4]),  # published, no deadline: not open, counted apart
        ("2024-03-15", [5], [3, 4]),
        ("2025-01-31", [6], [3, 4, 7]),
    ],
)
def test_open_positions(positions, day, open_ids, no_deadline_ids) -> None:
    result = trends.build_open_positions(positions, day)
    assert sorted(result.open["position_id"]) == open_ids
    assert sorted(result.no_deadline["position_id"]) == no_deadline_ids
    assert result.n_open == len(open_ids) and result.n_no_deadline == len(no_deadline_ids)


def test_open_positions_uses_whole_days() -> None:
    p = make_positions([{"published": "2024-01-05 18:00", "deadline": "2024-01-06 00:00"}])
    assert trends.build_open_positions(p, pd.Timestamp("2024-01-06 12:00")).n_open == 1


def test_month_summary(positions, findings) -> None:
    s = trends.build_month_summary(positions, findings, "2025-01")
    assert s["in_range"] and (s["first_month"], s["last_month"]) == ("2024-01", "2025-01")
    assert s["current"]["positions"] == 2 and s["current"]["notices"] == 1
    assert s["previous_month"] == "2024-12" and s["previous"]["positions"] == 0
    assert s["vs_previous"]["positions"] == 2
    assert s["vs_previous"]["positions_pct"] is None  # no base
    assert s["vs_previous"]["aigc"] is None  # share change needs positions on both sides
    assert s["year_ago_month"] == "2024-01" and s["year_ago"]["positions"] == 4
    assert s["vs_year_ago"]["positions"] == -2
    assert s["vs_year_ago"]["positions_pct"] == -0.5
    assert s["vs_year_ago"]["aigc"] == pytest.approx(0.0 - 0.5)
    assert s["languages"] == [{"code": "en", "n": 1, "share": 0.5}]
    assert s["new_employers"] == 1


def test_month_summary_absent_comparisons(positions, findings) -> None:
    s = trends.build_month_summary(positions, findings, "2024-01")
    assert s["previous"] is None and s["vs_previous"] is None
    assert s["year_ago"] is None and s["vs_year_ago"] is None
    assert s["current"]["aigc"] == 0.5


def test_month_summary_outside_range(positions, findings) -> None:
    s = trends.build_month_summary(positions, findings, "2026-05")
    assert not s["in_range"] and s["current"] is None and s["languages"] == []


def test_month_summary_empty_store() -> None:
    s = trends.build_month_summary(make_positions([]), make_findings([]), "2024-01")
    assert s["first_month"] is None and s["current"] is None


def test_latest_month(positions) -> None:
    assert trends.latest_month(positions) == "2025-01"
    assert trends.latest_month(make_positions([])) is None


def test_month_figures(positions, findings) -> None:
    f = trends.build_month_figures(positions, findings, "2025-01")
    assert (f.month, f.previous_month, f.window_start, f.window_months) == (
        "2025-01", "2024-12", "2024-02", 12,
    )  # fmt: skip
    assert f.in_range and f.months.isna().sum() == 1 and f.months.index.equals(positions.index)
    pd.testing.assert_frame_equal(f.measures, trends.build_monthly_measures(positions, findings))
    assert f.summary == trends.build_month_summary(positions, findings, "2025-01")
    # open on 2025-01-31: position 6; no deadline: 3 and 4 (2024-01) and 7 (of this month)
    assert f.open_positions.day == pd.Timestamp("2025-01-31")
    assert list(f.open_positions.open["position_id"]) == [6]
    assert list(f.open_positions.no_deadline["position_id"]) == [3, 4, 7]
    assert f.no_deadline_in_month == 1
    assert f.aigc_ids == frozenset({1, 4})
    assert list(f.new_employers["employer"]) == ["丁中心"] and f.summary["new_employers"] == 1
    assert f.new_skills[["value", "n"]].to_dict("records") == [{"value": "sora", "n": 2}]
    assert f.provinces[["province", "positions"]].to_dict("records") == [
        {"province": "Zhejiang", "positions": 2}
    ]
    assert f.province_window.to_dict("records") == [
        {"province": "Zhejiang", "month": 2, "window": 2},
        {"province": "Guangxi", "month": 0, "window": 1},
    ]


def test_month_figures_outside_range_and_empty(positions, findings) -> None:
    f = trends.build_month_figures(positions, findings, "2026-05")
    assert not f.in_range and f.new_employers.empty and f.provinces.empty
    assert f.open_positions.n_open == 0 and f.no_deadline_in_month == 0
    empty = trends.build_month_figures(make_positions([]), make_findings([]), "2024-01")
    assert not empty.in_range and empty.measures.empty and empty.months.empty
    assert empty.aigc_ids == frozenset() and empty.province_window.empty
