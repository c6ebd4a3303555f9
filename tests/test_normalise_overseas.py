"""detect_overseas: kinds, years, countries, required vs preferred, and what does not count."""

from __future__ import annotations

import pytest

from analysis.normalise.overseas import detect_overseas
from analysis.normalise.text import clean_text


@pytest.mark.parametrize(
    ("text", "kind", "years", "required", "countries"),
    [
        ("具有3年以上海外工作经历者优先", "work", 3.0, False, []),
        ("须具有英美留学经历", "study", None, True, ["GB", "US"]),
        ("有在俄罗斯学习的经历", "study", None, None, ["RU"]),
        ("在境外学习或工作两年以上", "any", 2.0, True, []),  # 以上 states a minimum
        ("海外学习、工作经历半年以上", "any", 0.5, True, []),
        ("Experience studying abroad is a plus.", "study", None, False, []),
        ("Must have worked overseas for two years.", "work", 2.0, True, []),
        (
            "Applicants who have lived in the UK or US are preferred.",
            "living",
            None,
            False,
            ["GB", "US"],
        ),
        ("在阿拉伯国家工作1年以上", "work", 1.0, True, []),
        ("具有國外留學經歷", "study", None, None, []),  # Traditional
    ],
)
def test_overseas_found(
    text: str, kind: str, years: float | None, required: bool | None, countries: list[str]
) -> None:
    got = detect_overseas(clean_text(text))
    assert len(got) == 1
    f = got[0]
    assert (f.value, f.years, f.required, f.detail["countries"]) == (
        kind,
        years,
        required,
        countries,
    )


def test_arab_countries_leave_a_note() -> None:
    (f,) = detect_overseas(clean_text("在阿拉伯国家工作1年以上"))
    assert f.detail["note"] == "arab_countries"


@pytest.mark.parametrize(
    "text",
    [
        "无需海外工作经历",
        "海外经历不限",
        "愿意外派,能够适应常驻海外工作。",
        "负责海外新闻报道与国际传播。",
        "外籍人士优先。",
        "Willingness to be posted overseas is essential.",
        "Among the shortlisted candidates, one-fourth have experience studying abroad.",
        "留学回国人员,应提供教育部留学服务中心出具的国(境)外学历学位认证书。",
        "The correspondent will cover overseas news.",
    ],
)
def test_overseas_not_counted(text: str) -> None:
    assert detect_overseas(clean_text(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        # overseas business is not experience abroad
        "有境外运营实习经验者优先",
        "具有海外市场工作经验",
        "负责海外业务拓展工作经验总结",
        "Experience working with overseas users is a plus.",
        "Proven track record working on overseas markets.",
        # posted abroad for the job: a duty
        "入职后将派往海外工作两年",
        "The successful candidate will be posted to work overseas for two years.",
        # foreign students in China are foreigners, not applicants who studied abroad
        "负责来华留学生实习项目管理",
    ],
)
def test_overseas_business_and_postings_are_not_experience(text: str) -> None:
    assert detect_overseas(clean_text(text)) == []


@pytest.mark.parametrize(
    ("text", "kind", "years"),
    [
        ("具有海外留学经历", "study", None),
        ("Overseas study experience preferred.", "study", None),
        ("Applicants who studied abroad are preferred.", "study", None),
        ("境外工作两年以上", "work", 2.0),
        ("境外工作２年以上", "work", 2.0),  # full-width digit
        ("完成３年以上国外中文教学任务的志愿者", "work", 3.0),
        ("在以英语为母语的国家学习或工作过的优先", "any", None),
        ("远程实习生(仅限留学生)", "study", None),
    ],
)
def test_overseas_experience_kinds(text: str, kind: str, years: float | None) -> None:
    got = detect_overseas(clean_text(text))
    assert [(f.value, f.years) for f in got] == [(kind, years)]
