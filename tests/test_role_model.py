"""Role-family model: the pipeline on a tiny hand-made set, the combination rules, the shipped
model and its sidecar, version checks on load, and (with ../shared) the training data."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sklearn

from analysis import role_model
from analysis.models import Evidence, Finding
from analysis.normalise.roles import ROLE_FAMILIES
from analysis.role_model import (
    MODEL_VERSION,
    MODELS_DIR,
    Combination,
    RoleExample,
    RoleModelError,
    _example,
    choose_on_dev,
    cross_validate_dev,
    finding_tokens,
    fit_role_model,
    load_dev_test_examples,
    load_family_map,
    load_role_model,
    load_zhilian_examples,
    model_path,
    model_tokens,
    predict_role_family,
    role_family_of,
    sidecar_path,
)

# Three families, four short ads each (our own wording), plus one family with a single ad that
# is too rare to calibrate and must be left out of the model.
TINY = {
    "video_visual": [
        ("短视频剪辑师", "负责短视频拍摄与剪辑，熟练使用Premiere"),
        ("视频编导", "策划并拍摄纪录片，完成后期剪辑"),
        ("摄像师", "承担新闻现场摄像和视频素材整理"),
        ("Video Producer", "shoot and edit short videos for social platforms"),
    ],
    "editor_translator": [
        ("英文编辑", "负责英文稿件编辑与审校"),
        ("翻译", "承担中译英稿件翻译，译文润色"),
        ("俄语编译", "对外文稿件进行编译和校对"),
        ("Copy Editor", "edit and proofread English news copy"),
    ],
    "social_media_ops": [
        ("新媒体运营", "负责海外社交媒体账号运营与粉丝互动"),
        ("社媒运营专员", "运营抖音、小红书账号，策划话题"),
        ("内容运营", "负责社群运营和内容排期"),
        ("Social Media Officer", "run our X and Instagram accounts, grow followers"),
    ],
    "host_anchor": [("主持人", "担任节目主持")],
}


TOKENS = {
    "video_visual": "skill:video_editing",
    "editor_translator": "skill:translation lang:en",
    "social_media_ops": "skill:social_media_operations",
    "host_anchor": "",
}
"""Findings tokens per family (the findings vectoriser needs at least one token to fit)."""


def _tiny_examples() -> list[RoleExample]:
    return [
        RoleExample(f"zl-{family}-{i}", title, text, TOKENS[family], "other", False, family)
        for family, ads in TINY.items()
        for i, (title, text) in enumerate(ads)
    ]


def _finding(field: str, value: str) -> Finding:
    return Finding(field=field, value=value, evidence=Evidence(value, 0, len(value)))


def test_pipeline_fits_and_predicts_on_a_tiny_set() -> None:
    model = fit_role_model(_tiny_examples(), random_state=0)
    assert set(model.classes_) == {"video_visual", "editor_translator", "social_media_ops"}
    family, probability = predict_role_family(model, "视频剪辑", "负责短视频剪辑与拍摄", [])
    assert family == "video_visual"
    assert 0.0 < probability <= 1.0


def test_fitting_is_reproducible_with_the_same_random_state() -> None:
    a = fit_role_model(_tiny_examples(), random_state=3)
    b = fit_role_model(_tiny_examples(), random_state=3)
    features = ("新媒体编辑", "负责公众号内容编辑", [_finding("skill", "copy_editing")])
    assert predict_role_family(a, *features) == predict_role_family(b, *features)


def test_finding_tokens_keep_skills_languages_and_aigc_once() -> None:
    findings = [
        _finding("skill", "video_editing"),
        _finding("language", "en"),
        _finding("aigc", "AIGC"),
        _finding("aigc", "AI绘画"),
        _finding("education", "bachelor"),
        _finding("skill", "video_editing"),
    ]
    assert finding_tokens(findings) == "skill:video_editing lang:en aigc"


def test_model_tokens_add_the_rules_and_the_title_answer() -> None:
    """The model reads the rules' answer and the title's own one beside the findings, also
    when there are no findings (the vectoriser then still has tokens to read)."""
    findings = [_finding("skill", "translation"), _finding("language", "en")]
    assert (
        model_tokens(findings, "editor_translator", "other")
        == "skill:translation lang:en rules:editor_translator title:other"
    )
    assert model_tokens([], "other", "other") == "rules:other title:other"


def test_examples_carry_the_tokens_the_chooser_gives_the_model() -> None:
    """Training and prediction must build the same tokens: an example's are those of
    `model_tokens` from the rules' answer and the title family (the title alone decides here)."""
    example = _example("x", "英文翻译", "负责稿件翻译", [_finding("skill", "translation")], None)
    assert example.rules == "editor_translator" and example.title_rule
    assert example.tokens.endswith("rules:editor_translator title:editor_translator")


def _grouped_examples() -> tuple[list[RoleExample], list[str]]:
    examples, groups = [], []
    for n, example in enumerate(_tiny_examples() * 3):
        if example.family == "host_anchor":
            continue
        examples.append(dataclasses.replace(example, id=f"g-{n}"))
        groups.append(f"set{n % 3}")
    return examples, groups


def test_held_out_sets_are_never_trained_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """With gold sets given, each set is predicted by a model that saw none of its ads."""
    examples, groups = _grouped_examples()
    group_of = {e.id: g for e, g in zip(examples, groups, strict=True)}
    trained: list[set[str]] = []
    fit = role_model.fit_role_model

    def recording_fit(train: Sequence[RoleExample], **kwargs: Any) -> Any:
        trained.append({group_of[e.id] for e in train if e.id in group_of})
        return fit(train, **kwargs)

    monkeypatch.setattr(role_model, "fit_role_model", recording_fit)
    guesses = cross_validate_dev([], examples, C=2.0, gold_weight=1.0, groups=groups)
    assert len(guesses) == len(examples)
    assert sorted(map(sorted, trained)) == [["set0", "set1"], ["set0", "set2"], ["set1", "set2"]]


def test_choice_leaves_one_set_out_only_with_three_sets_or_more() -> None:
    examples, groups = _grouped_examples()
    by_set = choose_on_dev([], examples, groups=groups)
    assert by_set.held_out_sets and set(by_set.per_set or {}) == {"set0", "set1", "set2"}
    two = [g if g != "set2" else "set1" for g in groups]
    assert not choose_on_dev([], examples, groups=two).held_out_sets


@pytest.mark.parametrize(
    ("combo", "model", "p", "rules", "title_rule", "want"),
    [
        (Combination("rules"), "tech_ai", 0.9, "other", False, "other"),
        (Combination("model"), "tech_ai", 0.1, "other", True, "tech_ai"),
        (
            Combination("title_rule_else_model"),
            "tech_ai",
            0.9,
            "video_visual",
            True,
            "video_visual",
        ),
        (Combination("title_rule_else_model"), "tech_ai", 0.2, "video_visual", False, "tech_ai"),
        (Combination("model_above_threshold", 0.5), "tech_ai", 0.5, "other", False, "tech_ai"),
        (Combination("model_above_threshold", 0.5), "tech_ai", 0.49, "other", True, "other"),
    ],
)
def test_combination_chooses(
    combo: Combination, model: str, p: float, rules: str, title_rule: bool, want: str
) -> None:
    assert combo.choose(model, p, rules, title_rule) == want


def test_family_map_names_only_role_families() -> None:
    version, mapping = load_family_map()
    assert version
    assert set(mapping.values()) <= set(ROLE_FAMILIES)
    assert mapping["新媒体运营"] == "social_media_ops"


def test_shipped_model_loads_and_predicts_a_family() -> None:
    model, info = load_role_model()
    family, probability = predict_role_family(
        model, "多语种视频编辑", "负责短视频剪辑", [_finding("skill", "video_editing")]
    )
    assert family in ROLE_FAMILIES
    assert 0.0 <= probability <= 1.0
    assert role_family_of("英文翻译", "负责稿件翻译", []) in ROLE_FAMILIES
    assert info["combination"]["strategy"] in {
        "rules",
        "model",
        "title_rule_else_model",
        "model_above_threshold",
    }


def test_sidecar_matches_the_shipped_model() -> None:
    info = json.loads(sidecar_path().read_text(encoding="utf-8"))
    assert info["version"] == MODEL_VERSION
    assert model_path().name == f"role_family-{MODEL_VERSION}.pkl.gz"
    assert model_path().stat().st_size < 5_000_000
    assert set(info["classes"]) <= set(ROLE_FAMILIES)
    assert info["training_counts"]["zhilian"] > 0 and info["training_counts"]["dev_gold"] > 0
    assert 0.0 <= info["dev_cv"]["accuracy"]["model"] <= 1.0


def test_a_model_of_another_sklearn_minor_version_fails_clearly(tmp_path: Path) -> None:
    shutil.copy(model_path(), tmp_path / model_path().name)
    info = json.loads(sidecar_path().read_text(encoding="utf-8"))
    major, minor = sklearn.__version__.split(".")[:2]
    info["sklearn_version"] = f"{major}.{int(minor) + 1}.0"
    (tmp_path / sidecar_path().name).write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(RoleModelError, match="retrain"):
        load_role_model(models_dir=tmp_path)


def test_a_broken_model_file_fails_clearly(tmp_path: Path) -> None:
    shutil.copy(sidecar_path(), tmp_path / sidecar_path().name)
    (tmp_path / model_path().name).write_bytes(b"not a model")
    with pytest.raises(RoleModelError, match="does not load"):
        load_role_model(models_dir=tmp_path)


def test_a_missing_model_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(RoleModelError, match="train"):
        load_role_model(models_dir=tmp_path)
    assert MODELS_DIR.is_dir()


def test_zhilian_ads_are_mapped_to_families(shared_dir: Path) -> None:
    path = shared_dir / "samples/job_datasets/zhilian_wuhan_2024_media_comm_jobs.xlsx"
    if not path.is_file():
        pytest.skip("the Zhilian sample is not in ../shared")
    examples = load_zhilian_examples(path)
    assert len(examples) == 814
    assert {e.family for e in examples} <= set(ROLE_FAMILIES)
    assert all(e.id.startswith("zl-") for e in examples)


def test_training_reads_dev_ads_only(shared_dir: Path) -> None:
    from analysis.evaluate import load_split

    if not (shared_dir / "corpus" / "real_postings_2.jsonl").is_file():
        pytest.skip("the real corpus is not in ../shared")
    dev = load_dev_test_examples(parts=("dev",))
    assert list(dev) == ["dev"]
    ids = {e.id for e in dev["dev"]}
    assert ids and ids <= set(load_split()["dev"])
    assert not ids & set(load_split()["test"])


def test_gold_ads_never_train_under_the_sites_category(shared_dir: Path) -> None:
    """A Zhilian ad that is also a gold ad (dev or frozen test) is left out of the Zhilian
    examples, by its page URL: the frozen test must not be in the training data."""
    from analysis.evaluate_cluster import load_zhilian
    from analysis.role_model import gold_corpus_urls

    path = shared_dir / "samples/job_datasets/zhilian_wuhan_2024_media_comm_jobs.xlsx"
    if not path.is_file() or not (shared_dir / "corpus" / "real_postings_2.jsonl").is_file():
        pytest.skip("the Zhilian sample or the real corpus is not in ../shared")
    gold = gold_corpus_urls(shared_dir / "corpus")
    urls = [str(u).strip() for u in load_zhilian(path)["url"].fillna("")]
    in_gold = sum(u in gold for u in urls)
    assert in_gold  # the corpus does hold Zhilian rows (some listed twice in the file)
    examples = load_zhilian_examples(path, exclude_urls=gold)
    assert len(examples) == 814 - in_gold


def test_gold_set_3_joins_training_only_where_its_texts_are(tmp_path: Path) -> None:
    import json

    from analysis.evaluate import load_labels
    from analysis.role_model import load_extra_dev_examples

    assert load_extra_dev_examples([tmp_path]) == []
    row = {"id": "c3-016", "url": "http://example.invalid/", "text": "Copy editor\nEdit copy."}
    (tmp_path / "real_postings_3.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (example,) = load_extra_dev_examples([tmp_path])
    gold = load_labels(Path(__file__).parent / "gold" / "corpus3_labels.yaml")["c3-016"]
    assert (example.id, example.family) == ("c3-016", gold["role_family"])


def test_gold_set_4_joins_training_from_its_dataset_rows_only_where_they_are(
    tmp_path: Path,
) -> None:
    import yaml

    from analysis.evaluate import load_labels
    from analysis.role_model import load_dataset_dev_examples

    assert load_dataset_dev_examples(tmp_path) == []
    gold_dir = Path(__file__).parent / "gold"
    sources = yaml.safe_load((gold_dir / "corpus4_sources.yaml").read_text(encoding="utf-8"))
    rid, where = next(
        (rid, w) for rid, w in sources["ads"].items() if w["file"].startswith("liepin")
    )
    (tmp_path / "job_datasets").mkdir()
    (tmp_path / "job_datasets" / where["file"]).write_text(
        "title,job_description,job_url\n"
        f"Java开发工程师,负责后端服务开发。,{where['url']}\n"
        "Java开发工程师,负责后端服务开发。,https://example.invalid/not-gold\n",
        encoding="utf-8",
    )
    (example,) = load_dataset_dev_examples(tmp_path)
    gold = load_labels(gold_dir / "corpus4_labels.yaml")[rid]
    assert (example.id, example.family) == (rid, gold["role_family"])


def test_liepin_ads_train_as_tech_once_per_description_and_never_as_gold(tmp_path: Path) -> None:
    from analysis.role_model import load_liepin_examples

    csv = tmp_path / "liepin.csv"
    csv.write_text(
        "key,title,job_description,job_url\n"
        "Java开发,Java开发工程师,负责后端服务开发。,https://example.invalid/1\n"
        "Go开发,Go开发工程师,负责后端服务开发。,https://example.invalid/2\n"  # same description
        "Python开发,Python开发,编写数据接口。,https://example.invalid/gold\n"
        "销售,销售代表,开拓客户。,https://example.invalid/3\n",  # a keyword the map lacks
        encoding="utf-8",
    )
    examples = load_liepin_examples(csv, exclude_urls=frozenset({"https://example.invalid/gold"}))
    assert [(e.id, e.family) for e in examples] == [("lp-0", "tech_ai")]


def test_gold_set_4_rows_never_train_the_role_model(shared_dir: Path) -> None:
    from analysis.evaluate import dataset_dev_urls
    from analysis.role_model import gold_corpus_urls

    if not (shared_dir / "corpus" / "real_postings_2.jsonl").is_file():
        pytest.skip("the real corpus is not in ../shared")
    assert dataset_dev_urls() and dataset_dev_urls() <= gold_corpus_urls(shared_dir / "corpus")
