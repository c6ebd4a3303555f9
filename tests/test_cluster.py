"""Role clustering: determinism, separation of clear groups, k choice, shares, drift, edge cases."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from analysis.cluster import (
    MODEL_VERSION,
    CharNgramCounter,
    RoleClusterer,
    build_documents,
    build_model_info,
    cluster_shares,
    monthly_drift,
)
from analysis.evaluate_cluster import main as evaluate_main
from analysis.store import connect, save_cluster_model

# Four role groups with disjoint vocabularies, Chinese as in the notices. A text is 3 of the
# group's 8 clauses drawn at random: clearly separated groups without sub-groups of their own.
# (Varied title prefixes shared across groups, 高级/驻外/实习…, already make the silhouette
# prefer 5-7 clusters on 100 ads; see K_CRITERION.)
GROUPS = {
    "translator": (
        ["翻译"],
        ["负责中译外稿件翻译", "承担外宣稿件审校", "译文润色与校对", "具有翻译资格证书",
         "外语专业八级", "参与多语种词典编纂", "负责同声传译工作", "对外文稿件进行终审"],
        ["translation", "copy_editing"],
    ),
    "video": (
        ["视频剪辑师"],
        ["负责短视频拍摄剪辑", "熟练使用达芬奇调色", "完成纪录片后期包装", "镜头语言扎实",
         "操作无人机航拍", "制作动画特效", "负责片头片尾包装", "管理摄影器材"],
        ["video_editing", "photography"],
    ),
    "tech": (
        ["算法工程师"],
        ["负责大模型训练与优化", "熟练掌握Python编程", "搭建推荐系统", "自然语言处理项目经验",
         "设计分布式存储", "编写单元测试代码", "部署容器集群", "优化数据库查询性能"],
        ["programming", "machine_learning"],
    ),
    "social": (
        ["新媒体运营"],
        ["负责海外社交账号运营", "策划推特脸书内容", "分析粉丝增长数据", "对接海外网红合作",
         "撰写爆款推文标题", "策划线上互动话题", "维护粉丝社群秩序", "追踪平台热点趋势"],
        ["social_media_operations", "kol_relations"],
    ),
}  # fmt: skip


def make_frames(
    per_group: int = 25, months: tuple[str, ...] = ("2025-01", "2025-02"), seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """positions, findings and the true group of each position."""
    draw = random.Random(seed)
    rows, found, truth = [], [], []
    for group, (nouns, clauses, skills) in GROUPS.items():
        for _ in range(per_group):
            pid = len(rows)
            text = "；".join(draw.sample(clauses, 3)) + "。本科及以上学历，年龄35周岁以下。"
            month = draw.choice(months)
            rows.append(
                {
                    "position_id": pid,
                    "title": draw.choice(nouns),
                    "text": text,
                    "month": month,
                    "published": pd.Timestamp(f"{month}-10"),
                    "role_family": "other",
                }
            )
            found.append({"position_id": pid, "field": "skill", "value": draw.choice(skills)})
            truth.append(group)
    return pd.DataFrame(rows), pd.DataFrame(found), truth


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """100 ads: BLAS/OpenMP threads only add start-up and contention time."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    return make_frames()


@pytest.fixture(scope="module")
def fitted(frames: tuple[pd.DataFrame, pd.DataFrame, list[str]]) -> RoleClusterer:
    positions, findings, _ = frames
    return RoleClusterer(4, random_state=0).fit_positions(positions, findings)


# --------------------------------------------------------------------------- the estimator


def test_same_random_state_gives_same_labels(frames) -> None:
    positions, findings, _ = frames
    first = RoleClusterer("auto", k_range=(2, 6), random_state=7).fit_assign(positions, findings)
    second = RoleClusterer("auto", k_range=(2, 6), random_state=7).fit_assign(positions, findings)
    pd.testing.assert_series_equal(first, second)


def test_separated_groups_come_out_separated(frames, fitted: RoleClusterer) -> None:
    positions, findings, truth = frames
    labels = fitted.assign(positions, findings)
    assert adjusted_rand_score(truth, labels) >= 0.9


def test_auto_k_finds_the_true_number_of_groups(frames) -> None:
    positions, findings, _ = frames
    model = RoleClusterer("auto", k_range=(2, 8), random_state=0).fit_positions(positions, findings)
    assert model.n_clusters_ == 4
    info = model.model_info_
    assert info["k"] == 4 and "silhouette" in info["k_criterion"]
    assert set(info["k_scores"]) == {str(k) for k in range(2, 9)}
    assert info["k_at_range_edge"] is False


def test_fit_on_a_sample_still_labels_everyone(frames) -> None:
    positions, findings, truth = frames
    model = RoleClusterer(4, max_fit_samples=60, random_state=0)
    labels = model.fit_assign(positions, findings)
    assert len(model.fit_index_) == 60 and len(labels) == len(positions)
    assert model.model_info_["n_fit_samples"] == 60
    assert adjusted_rand_score(truth, labels) >= 0.9
    pd.testing.assert_series_equal(labels, model.assign(positions, findings))


def test_clusters_are_numbered_by_size_and_named(fitted: RoleClusterer) -> None:
    names = fitted.name_clusters()
    assert list(names["cluster"]) == [0, 1, 2, 3]
    assert list(names["size"]) == sorted(names["size"], reverse=True)
    assert names["name"].str.len().gt(0).all()
    assert all(len(titles) > 0 for titles in names["typical_titles"])
    assert all(any(s.startswith("skill:") for s in skills) for skills in names["top_skills"])


def test_model_info_is_complete_and_json(fitted: RoleClusterer) -> None:
    info = fitted.model_info_
    assert info["version"] == MODEL_VERSION and info["random_state"] == 0
    assert info["params"]["n_clusters"] == 4 and info["n_samples"] == 100
    record = build_model_info(fitted)
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record
    assert len(record["clusters"]) == 4 and record["k"] == 4


def test_model_info_is_saved_to_the_store(fitted: RoleClusterer, tmp_path: Path) -> None:
    conn = connect(tmp_path / "store.sqlite")
    save_cluster_model(conn, build_model_info(fitted))
    k, params = conn.execute("SELECT k, params FROM cluster_models").fetchone()
    assert k == 4 and json.loads(params)["random_state"] == 0


def test_model_info_needs_a_fitted_model() -> None:
    with pytest.raises(ValueError, match="not fitted"):
        build_model_info(RoleClusterer())


# --------------------------------------------------------------------------- edge cases


def test_empty_input_is_a_clear_error() -> None:
    positions = pd.DataFrame({"position_id": [], "title": [], "text": []})
    with pytest.raises(ValueError, match="no positions to cluster"):
        RoleClusterer().fit_positions(positions, pd.DataFrame())


def test_one_posting_is_a_clear_error(frames) -> None:
    positions, findings, _ = frames
    with pytest.raises(ValueError, match="only one position"):
        RoleClusterer().fit_positions(positions.head(1), findings)


def test_too_few_distinct_postings_for_k(frames) -> None:
    positions, findings, _ = frames
    with pytest.raises(ValueError, match="distinct positions"):
        RoleClusterer("auto", k_range=(4, 8)).fit_positions(positions.head(3), findings)
    with pytest.raises(ValueError, match="distinct positions"):
        RoleClusterer(5).fit_positions(positions.head(3), findings)


def test_unfitted_model_says_so(frames) -> None:
    positions, findings, _ = frames
    with pytest.raises(ValueError, match="not fitted"):
        RoleClusterer().assign(positions, findings)


def test_evaluation_without_the_sample_file(tmp_path: Path, capsys) -> None:
    assert evaluate_main(["--zhilian", str(tmp_path / "absent.xlsx")]) == 2
    assert "not found" in capsys.readouterr().err


# --------------------------------------------------------------------------- features


def test_char_ngram_counter_matches_sklearn_char_analyzer() -> None:
    texts = ["负责中译外稿件的翻译与审校", "外宣稿件编译ABC", "abc翻译", "", "审校审校", "𠀀𠀁x"]
    ours = CharNgramCounter((1, 3)).fit(texts)
    theirs = CountVectorizer(analyzer="char", ngram_range=(1, 3)).fit(texts)
    a, b = ours.get_feature_names_out(), theirs.get_feature_names_out()
    assert sorted(a) == sorted(b)
    diff = ours.transform(texts)[:, np.argsort(a)] - theirs.transform(texts)[:, np.argsort(b)]
    assert abs(diff).sum() == 0


def test_char_ngrams_stop_at_punctuation_and_respect_min_df() -> None:
    counter = CharNgramCounter((2, 2), min_df=2).fit(["翻译，审校", "翻译 审校", "剪辑"])
    assert list(counter.get_feature_names_out()) == ["审校", "翻译"] or set(
        counter.get_feature_names_out()
    ) == {"翻译", "审校"}


def test_documents_carry_findings_as_tags() -> None:
    positions = pd.DataFrame(
        {
            "position_id": [1, 2],
            "title": ["记者", None],
            "text": ["采访", "x"],
            "aigc": [True, False],
        }
    )
    findings = pd.DataFrame(
        {
            "position_id": [1, 1, 2],
            "field": ["skill", "native_speaker", "education"],
            "value": ["news_writing", "ru", "master"],
        }
    )
    docs = build_documents(positions, findings)
    assert docs["tags"].tolist() == ["aigc lang:ru skill:news_writing", ""]
    assert docs["title"].tolist() == ["记者", ""]


# --------------------------------------------------------------------------- shares and drift


def _positions(months: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"position_id": range(len(months)), "month": months})


def test_shares_sum_to_one_with_denominators_and_gap_months() -> None:
    positions = _positions(["2025-01"] * 4 + ["2025-03"] * 2 + [None])
    labels = pd.Series([0, 0, 1, 2, 1, 1, 0])
    shares = cluster_shares(positions, labels)
    assert list(shares.columns) == ["month", "cluster", "n", "positions", "share", "small_n"]
    by_month = shares.groupby("month")
    assert by_month["share"].sum().to_dict() == {"2025-01": 1.0, "2025-02": 0.0, "2025-03": 1.0}
    assert by_month["positions"].first().to_dict() == {"2025-01": 4, "2025-02": 0, "2025-03": 2}
    jan = shares[shares["month"] == "2025-01"].set_index("cluster")
    assert jan["n"].to_dict() == {0: 2, 1: 1, 2: 1} and jan["small_n"].all()


def test_drift_is_zero_for_the_same_mix_and_positive_when_it_changes() -> None:
    positions = _positions(["2025-01"] * 4 + ["2025-02"] * 4 + ["2025-03"] * 4)
    labels = pd.Series([0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1])
    drift = monthly_drift(cluster_shares(positions, labels))
    assert math.isnan(drift["2025-01"])
    assert drift["2025-02"] == pytest.approx(0.0, abs=1e-12)
    assert 0 < drift["2025-03"] <= 1


def test_drift_is_one_for_disjoint_months_and_nan_across_a_gap() -> None:
    positions = _positions(["2025-01", "2025-02", "2025-04"])
    drift = monthly_drift(cluster_shares(positions, pd.Series([0, 1, 1])))
    assert drift["2025-02"] == pytest.approx(1.0)
    assert math.isnan(drift["2025-03"]) and math.isnan(drift["2025-04"])


def test_shares_and_drift_of_nothing_are_empty() -> None:
    shares = cluster_shares(_positions([]), pd.Series([], dtype="int64"))
    assert shares.empty and monthly_drift(shares).empty


# --------------------------------------------------------------------------- readable names


def _assert_names_are_member_titles(model: RoleClusterer, titles: pd.Series) -> None:
    """Every name is a whole title held by a position of its own cluster, all names differ, and
    none is a placeholder ("cluster 4")."""
    names = model.name_clusters()
    members = pd.DataFrame(
        {"cluster": model.labels_, "title": titles.iloc[model.fit_index_].str.split().str.join(" ")}
    )
    assert names["name"].is_unique
    for row in names.itertuples():
        own = set(members.loc[members["cluster"] == row.cluster, "title"])
        name = str(row.name).removesuffix(" (another group)").split(" (")[0]
        assert name in own, f"cluster {row.cluster}: {row.name!r} is not one of its titles"
        assert not name.startswith("cluster ")
        assert set(row.typical_titles) <= own


def test_cluster_names_are_whole_titles_of_their_members(frames, fitted: RoleClusterer) -> None:
    positions, _, _ = frames
    _assert_names_are_member_titles(fitted, positions["title"])


def test_the_commonest_title_names_the_cluster() -> None:
    from analysis.cluster.model import typical_titles

    titles = pd.Series(["英语编辑", "英语编辑", "俄语编辑", "非常长的一个标题" * 5, ""])
    labels = np.array([0, 0, 0, 0, 1])
    distance = np.array([0.5, 0.5, 0.1, 0.0, 0.2])
    out = typical_titles(titles, labels, distance, 2)
    assert out == [["英语编辑", "俄语编辑", "非常长的一个标题" * 5], []]


ZHILIAN = Path(__file__).resolve().parents[2] / "shared/samples/job_datasets"


@pytest.mark.skipif(
    not (ZHILIAN / "zhilian_wuhan_2024_media_comm_jobs.xlsx").is_file(),
    reason="../shared/samples/job_datasets is not here",
)
def test_real_ads_get_whole_title_names() -> None:
    """On the 814 real Zhilian media ads (../shared), whose titles are free text, names are still
    whole titles of their clusters (fragments such as 觉设计师 came from char n-grams)."""
    from analysis.evaluate_cluster import build_frames, load_zhilian

    ads = load_zhilian(ZHILIAN / "zhilian_wuhan_2024_media_comm_jobs.xlsx")
    positions, findings = build_frames(ads)
    model = RoleClusterer(random_state=0).fit_positions(positions, findings)
    _assert_names_are_member_titles(model, positions["title"].astype("string").fillna(""))


def test_a_cluster_whose_titles_name_larger_ones_gets_whole_words_added() -> None:
    from analysis.cluster.model import _fallback_name

    used = {"英语编辑"}
    assert _fallback_name(["英语编辑"], ["skill:translation (80%)"], None, used) == (
        "英语编辑 (skill:translation)"
    )
    assert _fallback_name(["英语编辑"], [], "editorial", used) == "英语编辑 (editorial)"
    assert _fallback_name(["英语编辑"], [], None, used) == "英语编辑 (another group)"
    assert _fallback_name([], [], None, set()) == "positions without a title"
    assert _fallback_name([], [], None, {"positions without a title"}).startswith("positions")
