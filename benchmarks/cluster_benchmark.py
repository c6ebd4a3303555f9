"""Benchmark: time and peak memory of role clustering on a generated store.

Input: `--positions N --months M` (defaults 100,000 over 60 months), generated in memory.
Output: printed wall time and peak resident memory (sampled RSS; tracemalloc on request) of
fitting the clusterer, and of assigning every position + monthly shares + drift. Run:
`python -m benchmarks.cluster_benchmark --positions 100000 --months 60`.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analysis.cluster import RoleClusterer, cluster_shares, monthly_drift

TARGET_SECONDS = 60.0
TARGET_BYTES = 2 * 1024**3

# Each role: title stems, duty clauses, requirement clauses, likely skills and languages.
ROLES: dict[str, dict[str, list[str]]] = {
    "translator": {
        "title": ["英语翻译", "俄语翻译", "多语种编辑", "外文编辑", "阿拉伯语翻译", "English Editor"],
        "duty": ["负责中译外稿件的翻译与审校", "承担外宣稿件编译工作", "负责英文稿件润色与校对",
                 "参与多语种新闻产品的编译", "translate and polish English news copy"],
        "req": ["英语专业八级", "具有CATTI二级证书", "外语表达能力强", "有海外留学经历者优先",
                "native-level English"],
        "skills": ["translation", "copy_editing", "localization"],
        "langs": ["en", "ru", "ar", "fr"],
        "family": ["editor_translator"],
    },
    "reporter": {
        "title": ["记者", "驻外记者", "采编记者", "国际新闻记者", "Reporter"],
        "duty": ["负责重大活动的采访报道", "独立完成新闻采写", "深入一线开展调研采访",
                 "撰写深度报道和评论", "cover breaking news and write features"],
        "req": ["新闻传播相关专业", "具有较强的新闻敏感性", "有记者证者优先", "能适应出差"],
        "skills": ["news_writing", "photography"],
        "langs": ["en", "zh"],
        "family": ["reporter_correspondent"],
    },
    "video": {
        "title": ["视频编导", "短视频剪辑师", "摄像记者", "后期制作", "Video Producer"],
        "duty": ["负责短视频策划拍摄与剪辑", "熟练使用Premiere和After Effects", "负责纪录片后期包装",
                 "完成视频调色与字幕制作", "shoot and edit short videos"],
        "req": ["有优秀视频作品集", "熟悉达芬奇调色", "具备镜头语言基础", "能熟练操作摄像设备"],
        "skills": ["video_editing", "photography", "subtitling", "design"],
        "langs": ["en"],
        "family": ["video_visual"],
    },
    "social": {
        "title": ["新媒体运营", "海外社交媒体运营", "账号运营专员", "社媒运营", "Social Media Editor"],
        "duty": ["负责海外社交媒体账号日常运营", "策划推特脸书平台内容", "分析粉丝增长与互动数据",
                 "对接海外网红开展合作", "run TikTok and X accounts"],
        "req": ["熟悉海外社交平台规则", "有账号运营成功案例", "具备数据分析能力", "英语可作为工作语言"],
        "skills": ["social_media_operations", "kol_relations", "data_analysis"],
        "langs": ["en", "es"],
        "family": ["social_media_ops"],
    },
    "tech": {
        "title": ["算法工程师", "AIGC技术研发", "数据工程师", "前端开发工程师", "Machine Learning Engineer"],
        "duty": ["负责多语种大模型的训练与优化", "开发智能翻译与内容生成系统", "搭建数据处理平台",
                 "负责推荐算法研发", "build NLP pipelines in Python"],
        "req": ["计算机相关专业硕士", "熟练掌握Python和PyTorch", "有自然语言处理项目经验",
                "熟悉Stable Diffusion等生成式AI工具"],
        "skills": ["programming", "nlp", "machine_learning", "recommendation_algorithms",
                   "prompt_engineering"],
        "langs": ["en"],
        "family": ["tech_ai"],
    },
    "host": {
        "title": ["英语主持人", "双语主播", "出镜记者", "播音员", "News Anchor"],
        "duty": ["负责英文节目的主持与录制", "担任直播活动主持", "参与新闻播报与出镜",
                 "host bilingual live shows"],
        "req": ["普通话一级乙等", "形象气质佳", "英语口语流利", "有播音主持专业背景"],
        "skills": ["broadcasting_hosting", "interpreting"],
        "langs": ["en", "zh"],
        "family": ["host_anchor"],
    },
    "admin": {
        "title": ["综合办公室主任", "行政专员", "人事主管", "项目经理", "Office Manager"],
        "duty": ["负责中心日常行政管理", "统筹对外合作项目", "组织策划国际交流活动",
                 "负责人事与财务协调", "coordinate international events"],
        "req": ["中共党员优先", "具有较强的组织协调能力", "有大型活动组织经验", "公文写作能力强"],
        "skills": ["event_organization"],
        "langs": ["en"],
        "family": ["management_admin"],
    },
}  # fmt: skip

COMMON = ["工作地点：北京", "年龄35周岁以下", "本科及以上学历", "待遇面议", "具有良好的团队合作精神",
          "有国际传播中心工作经历优先", "应届毕业生可报名", "五险一金", "特别优秀者可放宽条件"]  # fmt: skip

PREAMBLE = [
    "为进一步提升国际传播能力建设水平，中心现面向社会公开招聘工作人员，欢迎符合条件的人员踊跃报名",
    "本次招聘坚持公开、平等、竞争、择优的原则，按照报名、资格审查、笔试、面试、考察、体检等程序进行",
    "应聘人员须具有中华人民共和国国籍，遵守宪法和法律，具有良好的品行和正常履行职责的身体条件",
    "The centre tells China's stories to global audiences across platforms in more than ten languages",
    "报名材料包括个人简历、学历学位证书、身份证复印件及近期免冠照片，请于截止日期前发送至指定邮箱",
]  # fmt: skip


def generate_frames(n: int, months: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`positions` and `findings` frames of `n` generated positions spread over `months`.

    Role mix drifts over time (tech and video grow). A text is 1-3 notice-preamble sentences
    shared by all roles, 2-4 duty clauses of the role (15 % chance of one borrowed from another
    role), 1-3 of its requirements and 3 common ones: about 300 characters, realistic enough
    that the clusters are not trivially separable.
    """
    rng = np.random.default_rng(seed)
    names = list(ROLES)
    start = pd.Period("2021-01", freq="M")
    month_of = rng.integers(0, months, n)
    base = np.ones(len(names))
    trend = np.zeros(len(names))
    trend[names.index("tech")] = 2.0
    trend[names.index("video")] = 1.0
    role_idx = np.empty(n, dtype=np.int64)
    for m in range(months):
        members = np.flatnonzero(month_of == m)
        p = base + trend * m / max(1, months - 1)
        role_idx[members] = rng.choice(len(names), len(members), p=p / p.sum())
    titles, texts, months_s, families = [], [], [], []
    f_pid: list[int] = []
    f_field: list[str] = []
    f_value: list[str] = []
    # The stdlib generator: per-position draws through numpy cost ~5 us each, 20x slower here.
    draw = random.Random(seed)
    period_names = [str(start + m) for m in range(months)]
    for i in range(n):
        role = ROLES[names[role_idx[i]]]
        other = ROLES[draw.choice(names)]
        duties = draw.sample(role["duty"], draw.randint(2, 4))
        if draw.random() < 0.15:
            duties.append(draw.choice(other["duty"]))
        reqs = draw.sample(role["req"], draw.randint(1, 3)) + draw.sample(COMMON, 3)
        draw.shuffle(duties)
        draw.shuffle(reqs)
        intro = "。".join(draw.sample(PREAMBLE, draw.randint(1, 3)))
        titles.append(draw.choice(role["title"]))
        texts.append(
            f"{intro}。\n岗位职责："
            + "；".join(f"{k + 1}. {c}" for k, c in enumerate(duties))
            + "。\n任职要求："
            + "；".join(f"{k + 1}. {c}" for k, c in enumerate(reqs))
            + "。"
        )
        months_s.append(period_names[month_of[i]])
        families.append(role["family"][0])
        for skill in draw.sample(role["skills"], min(len(role["skills"]), draw.randint(0, 2))):
            f_pid.append(i)
            f_field.append("skill")
            f_value.append(skill)
        if draw.random() < 0.6:
            f_pid.append(i)
            f_field.append("language")
            f_value.append(draw.choice(role["langs"]))
    positions = pd.DataFrame(
        {
            "position_id": np.arange(n),
            "notice_id": np.arange(n) // 3,
            "title": titles,
            "text": texts,
            "month": months_s,
            "published": pd.to_datetime([f"{m}-15" for m in months_s]),
            "role_family": families,
            "aigc": rng.random(n) < 0.05,
        }
    )
    findings = pd.DataFrame({"position_id": f_pid, "field": f_field, "value": f_value})
    return positions, findings


def _max_rss_bytes() -> int:
    """Peak resident memory of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)


def _current_rss_bytes() -> int:
    """Resident memory now (Linux /proc); falls back to the peak so far elsewhere."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except OSError:
        return _max_rss_bytes()


class RssSampler:
    """Highest resident memory seen while the block runs, sampled every `interval` seconds."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _current_rss_bytes())
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.peak = _current_rss_bytes()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _current_rss_bytes())


def measure(label: str, fn: Callable[[], Any], *, traced: bool = False) -> tuple[Any, float, int]:
    """Run `fn`; print and return (result, seconds, peak RSS bytes during the run).

    With `traced`, tracemalloc also reports the peak of Python/numpy allocations; it slows
    allocation-heavy code several-fold, so the time is then not comparable with the target.
    """
    gc.collect()
    if traced:
        tracemalloc.start()
    with RssSampler() as rss:
        t0 = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t0
    extra = ""
    if traced:
        extra = f"   peak traced {tracemalloc.get_traced_memory()[1] / 1024**2:6.0f} MiB"
        tracemalloc.stop()
    print(f"{label:<34} {seconds:6.1f} s   peak RSS {rss.peak / 1024**2:6.0f} MiB{extra}")
    return result, seconds, rss.peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-fit-samples", type=int, default=20_000)
    parser.add_argument(
        "--threads", type=int, default=None, help="cap BLAS/OpenMP threads (default: all cores)"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also report traced peaks (slows the run)"
    )
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    positions, findings = generate_frames(args.positions, args.months, args.seed)
    print(
        f"generated {len(positions):,} positions, {len(findings):,} findings over "
        f"{args.months} months in {time.perf_counter() - t0:.1f} s (not timed below); "
        f"RSS before clustering {_current_rss_bytes() / 1024**2:.0f} MiB"
    )
    model = RoleClusterer(max_fit_samples=args.max_fit_samples, random_state=args.seed)
    n_fit = min(args.max_fit_samples, len(positions))
    print(
        f"fit on a fixed random sample of {n_fit:,} of {len(positions):,} positions "
        f"(max_fit_samples), k auto in {list(model.k_range)}; assign labels all of them"
    )
    traced = args.tracemalloc
    limits = threadpool_limits(args.threads) if args.threads else None
    print(f"BLAS/OpenMP threads: {args.threads or 'library default (all cores)'}")
    _, fit_s, fit_peak = measure(
        "fit (sample, k selection)", lambda: model.fit_positions(positions, findings), traced=traced
    )

    def apply() -> pd.Series:
        labels = model.assign(positions, findings)
        return monthly_drift(cluster_shares(positions, labels))

    drift, apply_s, apply_peak = measure("assign all + shares + drift", apply, traced=traced)
    info = model.model_info_
    print(f"k = {info['k']}: {info['k_criterion']}")
    print("silhouette by k:", {k: v["silhouette"] for k, v in info["k_scores"].items()})
    print(f"mean monthly JS drift = {drift.mean():.3f} over {drift.notna().sum()} month pairs")
    total, peak = fit_s + apply_s, max(fit_peak, apply_peak)
    ok = total <= TARGET_SECONDS and peak <= TARGET_BYTES
    print(
        f"clustering total {total:.1f} s (target <= {TARGET_SECONDS:.0f} s), peak RSS "
        f"{peak / 1024**2:.0f} MiB incl. the generated frames (target <= "
        f"{TARGET_BYTES / 1024**2:.0f} MiB), process max RSS {_max_rss_bytes() / 1024**2:.0f} MiB: "
        f"{'OK' if ok else 'OVER TARGET'}" + (" (times inflated by tracemalloc)" if traced else "")
    )
    if limits is not None:
        limits.restore_original_limits()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
