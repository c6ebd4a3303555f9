"""Issue 11's error classes on unseen ads, tested by class with invented sentences.

Every sentence here is written for the test (none is copied from an ad): synonyms, word orders,
Traditional characters and English and Chinese variants that the dev ads do not all show.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from analysis.models import Finding, NormalisedNotice, ParsedNotice
from analysis.normalise import normalise_notice
from analysis.normalise.languages import detect_certificates
from analysis.normalise.skills import detect_skills
from analysis.normalise.text import clean_text


def _skills(text: str) -> set[str]:
    return {f.value for f in detect_skills(clean_text(text))}


def _assert_skills(text: str, present: str | None, absent: str | None) -> None:
    """`present` (unless None) is among the skills found in `text`, `absent` is not."""
    found = _skills(text)
    assert present is None or present in found
    assert absent is None or absent not in found


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # social media operations: synonyms and the platform named before its running
        ("负责自媒体运营及粉丝互动。", "social_media_operations"),
        ("负责学校微信公众号、视频号以及官网的日常运营。", "social_media_operations"),
        ("負責海外社交媒體賬號的日常維護。", "social_media_operations"),
        ("运营和维护海外新媒体矩阵。", "social_media_operations"),
        ("Own our social media strategy across all platforms.", "social_media_operations"),
        ("Experience as a community manager for a news brand.", "social_media_operations"),
        # news writing: a writing verb and its news object apart in one clause
        ("负责撰写时政热点文章。", "news_writing"),
        ("负责创作国际热点新闻和评论。", "news_writing"),
        ("承担重大主题的专题报道。", "news_writing"),
        ("Feature writing for our weekend edition.", "news_writing"),
        ("Strong journalistic writing in English.", "news_writing"),
        # copy editing: 文字编辑, English spellings
        ("负责英文稿件的文字编辑与校订。", "copy_editing"),
        ("Copyedit and proof-read articles before publication.", "copy_editing"),
        ("Polishing translated drafts by junior staff.", "copy_editing"),
        ("Two years as a subeditor on a daily paper.", "copy_editing"),
        # design
        ("负责活动海报及封面设计。", "design"),
        ("熟练使用PS、AI等设计软件。", "design"),
        ("Produce motion graphics and visual assets for campaigns.", "design"),
        ("Familiar with CorelDRAW or Canva.", "design"),
        ("负责宣传物料及活动长图的设计制作。", "design"),
        ("负责设计活动海报和画册封面。", "design"),
        ("Create visuals and infographics for our reports.", "design"),
        ("Write content for our social media and newsletters.", "social_media_operations"),
        ("负责公众号推文及小红书笔记的撰写。", "social_media_operations"),
        ("负责新闻采访与稿件写作。", "news_writing"),
        ("File stories on deadline from the courts.", "news_writing"),
        ("Edit copy from correspondents in three time zones.", "copy_editing"),
        # photography and interpreting
        ("负责图片新闻的采集。", "photography"),
        ("A trained photojournalist.", "photography"),
        ("承担省级外事翻译任务。", "interpreting"),
        # having translated is translation work
        ("Has previously translated two novels into French.", "translation"),
    ],
)
def test_skill_recall_on_unseen_classes(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # a major (field of study) is no duty
        ("专业要求:新闻学(050301),翻译(055101)。", "translation"),
        ("本科:汉语言文学、翻译、新闻学等相关专业。", "translation"),
        ("广告学、视觉设计、市场营销等相关专业优先。", "design"),
        ("新闻传播学类(不含会展专业)。", "event_organization"),
        ("主修传理、语文或翻译者为佳。", "translation"),
        ("A degree in journalism, translation or linguistics.", "translation"),
        ("研究生:翻译(0551,仅限英语笔译、英语口译)。", "interpreting"),
        # a certificate's grade, an office's name, an outsourced provider
        ("持有CATTI英语口译二级证书。", "interpreting"),
        ("市外事翻译中心是市政府直属事业单位。", "interpreting"),
        ("Liaise with our third-party translation providers.", "translation"),
        # adjectives and properties
        ("Assess machine-translated content for fluency.", "translation"),
        ("Below is a translated extract of the brochure.", "translation"),
        ("Use machine learning-driven moderation tools.", "machine_learning"),
        ("负责模型训练数据的标注与质检。", "machine_learning"),
        # "programming" of a broadcaster or a centre, AI as artificial intelligence
        ("Reporting to the Head of News & Programming.", "programming"),
        ("Plan cultural programming for the centre.", "programming"),
        ("利用AI工具设计内容生产流程。", "design"),
        # a firm's name
        ("Freelance editor at Silver Lake Translation (Shenzhen) Co., Ltd.", "translation"),
        ("实习单位:某某翻译(上海)有限公司。", "translation"),
        # 主 + 持续 (a creator's, a blogger's), not hosting
        ("为平台UP主持续提供流量扶持。", "broadcasting_hosting"),
        ("协助博主持续产出优质内容。", "broadcasting_hosting"),
        # 撰稿 alone is writing of any kind (documents, web copy), not news writing
        ("负责公司文书撰稿及资料整理。", "news_writing"),
        # translation as a figure of speech
        ("Translate complex data into actionable insights for the team.", "translation"),
        ("Able to translate policy jargon into plain English.", "translation"),
        ("Translating our brand strategy into compelling campaigns.", "translation"),
        # reading news on air, a programme that has subtitles, outsourced transcripts
        ("在直播中朗读新闻报道。", "news_writing"),
        ("节目配有中文字幕,面向海外观众。", "subtitling"),
        ("Work with transcription providers on interview tapes.", "subtitling"),
        # another party's service, named with its peers ("X and Y providers", 服务商)
        ("Coordinate our external captioning and transcription vendors.", "subtitling"),
        ("Manage freelance localisation and translation agencies.", "translation"),
        ("负责对接翻译、配音服务商。", "translation"),
        # others' finished work checked, not produced
        ("Proofread Korean transcripts and English translations before release.", "translation"),
        ("Test UI strings, subtitles and menus in the build.", "subtitling"),
        ("Evaluate and rate machine translations for adequacy.", "translation"),
        # a colleague's speciality, or work the applicant judges rather than does
        ("Work alongside the design and video teams on campaigns.", "design"),
        ("与摄影团队对接档期。", "photography"),
        ("对生成视频的画面与剪辑质量进行评测。", "video_editing"),
        ("负责译文的翻译质量评估。", "translation"),
        # a certificate's grade in either word order
        ("持有CATTI三级笔译证书。", "translation"),
        ("具有二级口译证书者优先。", "interpreting"),
        # quality control of a post's look is no moderation
        ("对图文、视频内容的审美和质量有把控能力。", "content_moderation"),
        # news hosted, presented or vetted, not written
        ("编制及主持晚间新闻报道。", "news_writing"),
        ("確保新聞報道內容準確持平。", "news_writing"),
        ("Present the hourly news bulletins and check press releases.", "news_writing"),
    ],
)
def test_skill_false_friends_on_unseen_classes(text: str, skill: str) -> None:
    assert skill not in _skills(text)


@pytest.mark.parametrize(
    "text",
    [
        "Strong programming skills in Python.",
        "Java programming experience.",
        "具备模型训练与调优经验。",
        "翻译专业人才,能独立承担笔译工作。",
        "Translate press releases into French.",
    ],
)
def test_skill_kept_beside_its_look_alikes(text: str) -> None:
    skills = _skills(text)
    assert skills & {"programming", "machine_learning", "translation"}


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # the look-alike rules leave the applicant's own production work alone
        ("Produce subtitles and translations for our short videos.", "subtitling"),
        ("Produce subtitles and translations for our short videos.", "translation"),
        ("负责撰写新闻报道及评论。", "news_writing"),
        ("Write press releases and review them with the desk.", "news_writing"),
        ("A translation team member who translates and proofreads.", "translation"),
    ],
)
def test_own_production_work_kept(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    "text",
    [
        "负责对用户发布的短视频、弹幕等进行审核,拦截违规信息。",
        "每日对社区平台的内容进行巡查并上报违规内容。",
        "評論審核專員:處理用戶舉報。",
        "Moderate user-generated comments and live streams.",
    ],
)
def test_content_moderation_in_its_own_words(text: str) -> None:
    assert "content_moderation" in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # social platforms run for a brand, in Chinese, Traditional and English words
        ("在社交媒体上推广我们的品牌。", "social_media_operations"),
        ("負責社群媒體行銷與粉專經營。", "social_media_operations"),
        ("Own our social media presence across three markets.", "social_media_operations"),
        # organising activities named with their purpose, a few words apart
        ("Organising outreach, training and public engagement activities.", "event_organization"),
        # vetting beside translation
        ("五年以上笔译、审校中英文稿件的经验。", "copy_editing"),
        # programming by its speciality
        ("负责编辑工具的全栈开发。", "programming"),
        # video editing and presenting with their objects a few words apart
        ("Skilled in video and audio content gathering and editing.", "video_editing"),
        ("每周剪出三条短视频作品。", "video_editing"),
        ("Prepare and present news items on air.", "broadcasting_hosting"),
        ("Presents the evening news reports.", "broadcasting_hosting"),
    ],
)
def test_skill_recall_in_new_words(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("有社交媒体使用习惯。", "social_media_operations"),
        ("Organising a desk is part of the job.", "event_organization"),
    ],
)
def test_skill_recall_words_need_their_object(text: str, skill: str) -> None:
    assert skill not in _skills(text)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # 中文 as a discipline in a list of majors is the literature major, not a language asked
        ("編輯\n中文、新聞傳播等相關專業優先。", set()),
        ("编辑\n具有哲学、中文类硕士学位。", set()),
        ("编辑\n专业:历史学、中文、社会学。", set()),
        # ... while Chinese asked as a skill stays, and a foreign language's major counts
        ("编辑\n中文写作功底扎实,英语熟练。", {"zh", "en"}),
        ("编辑\n英语、新闻学等相关专业。", {"en"}),
    ],
)
def test_chinese_discipline_is_no_language(text: str, codes: set[str]) -> None:
    assert set(_values(text, "language")) == codes


@pytest.mark.parametrize(
    ("text", "cert", "level"),
    [
        ("须取得国家翻译职业资格(水平)考试证书。", "CATTI", None),
        ("持有法语笔译三级证书。", "CATTI", "3"),
        ("具有英语口译二级及以上证书。", "CATTI", "2"),
        ("英文8级优先。", "TEM-8", None),
        ("英语八级。", "TEM-8", None),
    ],
)
def test_certificate_spellings_on_unseen_classes(text: str, cert: str, level: str | None) -> None:
    found = {f.value: f for f in detect_certificates(clean_text(text))}
    assert cert in found
    assert found[cert].level == level


@pytest.mark.parametrize(
    "text",
    [
        "有两年以上英语言国家留学经历。",
        "在讲英语的国家工作满一年。",
        "Two years of study in anglophone countries.",
    ],
)
def test_english_speaking_country_spellings_are_overseas(text: str) -> None:
    notice = _notice("编辑\n" + text)
    assert any(f.field == "overseas" for p in notice.positions for f in p.findings)


def _notice(text: str) -> NormalisedNotice:
    return normalise_notice(
        ParsedNotice(url="", title=text.split("\n", 1)[0], text=text),
        fetched_at=datetime(2021, 7, 1),
    )


def _values(text: str, field: str) -> dict[str, Finding]:
    found: dict[str, Finding] = {}
    for p in _notice(text).positions:
        for f in p.findings:
            if f.field == field:
                found.setdefault(f.value, f)
    return found


@pytest.mark.parametrize(
    ("text", "degree"),
    [
        ("Editor\nBA or MA in translation, linguistics or a related discipline.", "bachelor"),
        ("Editor\nA first degree from a recognised university.", "bachelor"),
        ("Editor\nHolder of a recognised degree in any discipline.", "bachelor"),
        ("Editor\nA degree in English, journalism or communications.", "bachelor"),
        ("Editor\nB.A. or equivalent in media studies.", "bachelor"),
        ("Editor\nPostgraduate degree in international relations.", "master"),
        ("Editor\nGraduate degree in journalism preferred.", "master"),
        ("Editor\nM.A. in translation studies.", "master"),
        ("Editor\nMPhil or PhD in linguistics.", "master"),
        # header and body disagree: the lowest the posting accepts
        ("编辑\n学历要求:硕士\n本科及以上学历,英语专业。", "bachelor"),
        # a bare BA / MA asked, and graduates of a university
        ("Editor\nMA in translation preferred; BA required.", "bachelor"),
        ("Editor\nBA essential, fluent English.", "bachelor"),
        ("Editor\nMA preferred.", "master"),
        ("Editor\nGraduates of an accredited university are welcome to apply.", "bachelor"),
    ],
)
def test_education_english_and_conflicts(text: str, degree: str) -> None:
    assert _notice(text).positions[0].findings
    assert set(_values(text, "education")) == {degree}


@pytest.mark.parametrize(
    "text",
    [
        "Editor\nA degree of flexibility is needed.",
        "Editor\nWe value a high degree of accuracy.",
        # BA / MA that are no degree: an airline, initials
        "Editor\nTravel on BA or United is reimbursed.",
        "Editor\nReport to the MA, the managing assistant.",
    ],
)
def test_degree_of_is_no_education(text: str) -> None:
    assert not _values(text, "education")


@pytest.mark.parametrize(
    "text",
    ["Editor\nNo degree necessary.", "Editor\nA degree is not required.", "编辑\n学历不限。"],
)
def test_no_degree_needed_is_none(text: str) -> None:
    assert set(_values(text, "education")) == {"none"}


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            "Translator\nWe need translators for French, German, Spanish, Portuguese, Italian,"
            " Russian, Arabic, Japanese, Korean, Thai and Vietnamese.",
            {"fr", "de", "es", "pt", "it", "ru", "ar", "ja", "ko", "th", "vi"},
        ),
        ("编辑\n能用法语、西班牙语或阿拉伯语进行采访。", {"fr", "es", "ar"}),
        ("Editor\nExperience drafting documents in Chinese and English.", {"zh", "en"}),
        ("編輯\n能以德語及英語撰寫稿件,通曉日語者優先。", {"de", "en", "ja"}),
    ],
)
def test_languages_in_lists_and_traditional_text(text: str, codes: set[str]) -> None:
    assert set(_values(text, "language")) == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # a waived language is not asked, whatever else in the position names it
        ("Editor\nStories translated from Korean; no knowledge of Korean is required.", set()),
        (
            "Editor\nFluent French. You do not need to speak Chinese, though Chinese texts come up.",
            {"fr"},
        ),
        ("Producer\nFluent English. Spanish skills are not required.", {"en"}),
        ("编辑\n能将日语稿件译成中文,无需懂日语。熟练使用英语。", {"en", "zh"}),
        ("編輯\n精通英語,日語不作要求。", {"en"}),
        # the employer's outlet is no language asked
        ("Reporter\nJoin the city's most independent English-language newsroom.", set()),
        # the language an application is written in is no requirement of the job
        (
            "Officer\nStrong writing skills. Your application, written in English, must include a CV.",
            set(),
        ),
        ("Officer\nStrong writing skills. Send CVs in German or Italian to the office.", set()),
        ("Officer\nFluent Arabic. Cover letters in English, please.", {"ar"}),
        ("编辑\n写作能力强。申请材料请用英文或法文填写。", set()),
        # a requirement that merely follows an application word stays
        ("Officer\nApplicants must be fluent in English.", {"en"}),
        ("Officer\nYour CV should show fluent writing in research and English.", {"en"}),
    ],
)
def test_waived_and_application_languages_are_not_asked(text: str, codes: set[str]) -> None:
    assert set(_values(text, "language")) == codes


@pytest.mark.parametrize(
    ("text", "native"),
    [
        ("Reporter (Native Speakers)\nWrite and edit news in English.", {"en"}),
        ("Reporter\nLanguages: English: Native level; Chinese: basic.", {"en"}),
        ("Reporter\nNative fluency in Spanish is required.", {"es"}),
        ("Reporter\nFrench - native.", {"fr"}),
        # near-native, native-like and native-level fluency stay non-native
        ("Reporter\nNative-level fluency in English.", set()),
        ("Reporter\nEnglish: native-like command.", set()),
        ("Reporter\nNear-native Portuguese.", set()),
        # the language in brackets before 母语, and 以…为第一语言
        ("评测员\n目标语言(日语)母语熟练。", {"ja"}),
        ("编辑\n以法语为第一语言。", {"fr"}),
        ("编辑\n英语达到母语水平。", set()),
    ],
)
def test_native_speaker_variants(text: str, native: set[str]) -> None:
    assert set(_values(text, "native_speaker")) == native


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("主持人\n普通话二甲及以上。", "二甲"),
        ("主持人\n普通話水平測試一級乙等。", "一级乙等"),
        ("Host\nPutonghua Proficiency Test Level 2A or above.", "2A"),
    ],
)
def test_putonghua_test_spellings(text: str, level: str) -> None:
    certs = _values(text, "certificate")
    assert set(certs) == {"PSC"}
    assert certs["PSC"].level == level


@pytest.mark.parametrize(
    "text",
    [
        "Account manager\nOur clients include Midjourney and other AI studios.",
        "Reporter\nWrite stories about how Midjourney and Stable Diffusion upend the art market.",
        "Engineer\nStock part numbers SD-200 and MJ-45; maintain the LLM-7 line.",
        "Analyst\nTrack competitors such as Claude and Gemini.",
        "会计\n负责GPT-3号项目的财务核算。",
        "Editor\nCovers AI models and AI regulation for our tech desk.",
    ],
)
def test_aigc_tools_named_in_passing_are_no_duty(text: str) -> None:
    assert not _values(text, "aigc")


@pytest.mark.parametrize(
    "text",
    [
        "设计师\n熟练使用ComfyUI搭建工作流,会训练LoRA模型。",
        "美術\n負責AI繪畫出圖,熟悉文生圖、圖生圖流程。",
        "Designer\nBuild ComfyUI workflows and train LoRAs for visual content.",
        "Video\nProduce short clips with Kling or Vidu.",
        "Writer\nUse Claude or Gemini to draft and polish copy.",
        "编辑\n熟练使用GPT等工具辅助写作。",
        "设计\n能用AI作画、AI海报工具完成设计。",
        "主播\n负责虚拟主播形象运营与内容制作。",
        "Editor\nUse AI-powered tools to draft copy.",
    ],
)
def test_aigc_workflows_are_duties(text: str) -> None:
    assert _values(text, "aigc")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Editor\nExperience living or working abroad is preferred.", "any"),
        ("Editor\nHave studied or worked overseas.", "any"),
        ("编辑\n有海外工作或生活经历者优先。", "any"),
        ("编辑\n在境外生活或学习一年以上。", "any"),
    ],
)
def test_overseas_alternatives_of_different_kinds(text: str, kind: str) -> None:
    assert set(_values(text, "overseas")) == {kind}


@pytest.mark.parametrize(
    "text",
    [
        "Editor\nThe application period runs from 1 June to 20 June 2021.",
        "编辑\n报名时间:6月1日至2021年6月20日。",
        "Editor\nApplications accepted until 20 June 2021.",
    ],
)
def test_a_range_end_is_no_publication_date(text: str) -> None:
    notice = _notice(text)
    assert notice.published is None
    assert notice.deadline == date(2021, 6, 20)


def _required(text: str) -> dict[str, bool | None]:
    return {code: f.required for code, f in _values(text, "language").items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # four or more languages: the ones one may work in, each with required unknown
        (
            "Translator\nTranslators wanted for Dutch, Swedish, Czech, Greek and Hungarian.",
            dict.fromkeys(["nl", "sv", "cs", "el", "hu"]),
        ),
        (
            "编辑\n精通英语,熟悉法语、德语、西班牙语、意大利语中的一种。",
            {"en": True, "fr": None, "de": None, "es": None, "it": None},
        ),
        # a "Required languages" heading asks each, however many
        (
            "Translator\nRequired languages:\nEnglish, French, Spanish, German, Italian",
            dict.fromkeys(["en", "fr", "es", "de", "it"], True),
        ),
        # preferred stays preferred
        (
            "Editor\nFluent English; Dutch, Danish, Finnish or Swedish would be an advantage.",
            {"en": True, "nl": False, "da": False, "fi": False, "sv": False},
        ),
    ],
)
def test_long_language_lists_are_alternatives(text: str, expected: dict[str, bool | None]) -> None:
    assert _required(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "deadline"),
    [
        # year-less dates take the year the ad names, even when it comes later
        (
            "编辑\n发布时间:5月14日\n报名截止时间:2021年6月18日",
            date(2021, 5, 14),
            date(2021, 6, 18),
        ),
        (
            "Editor\nPosted on May 14\nApplications close June 18, 2021.",
            date(2021, 5, 14),
            date(2021, 6, 18),
        ),
        ("Editor\nDeadline: 18 June\nStart date: 1 September 2021.", None, date(2021, 6, 18)),
        # open periods: 即日起至, 受理时间 A 至 B, a bare "Closing:" label
        ("编辑招聘\n[2021-05-14]\n即日起至2021年6月18日止", date(2021, 5, 14), date(2021, 6, 18)),
        ("编辑\n受理时间:2021年5月20日至2021年6月18日", None, date(2021, 6, 18)),
        (
            "Editor\nDate Posted: Fri, 14 May 2021\nClosing: Fri, 18 Jun 2021",
            date(2021, 5, 14),
            date(2021, 6, 18),
        ),
        # English formats
        ("Editor\nPosted: 14-May-2021\nApply by 06/18/2021.", date(2021, 5, 14), date(2021, 6, 18)),
        # a period from the notice's own day, a weekday before 前, "before" and "closes"
        ("编辑\n报名时间:自本公告发布之日起至2021年6月18日", None, date(2021, 6, 18)),
        ("编辑\n请于2021年6月18日(星期五)17:00前发送简历。", None, date(2021, 6, 18)),
        ("Editor\nSend your CV and clips before 18 June 2021.", None, date(2021, 6, 18)),
        ("Editor\nThe vacancy closes at noon on 18 June 2021.", None, date(2021, 6, 18)),
    ],
)
def test_dates_by_class(text: str, published: date | None, deadline: date) -> None:
    notice = _notice(text)
    assert notice.published == published
    assert notice.deadline == deadline


@pytest.mark.parametrize(
    "text",
    [
        "Editor\nApplicants born before 1 January 1990 need not apply.",
        "Editor\nRead the guide before applying; the post starts soon.",
    ],
)
def test_before_without_an_application_date_is_no_deadline(text: str) -> None:
    assert _notice(text).deadline is None


@pytest.mark.parametrize(
    "text",
    [
        "Editor\nStart date: 1 September 2021.",
        "编辑\n入职时间:2021年9月1日",
        "编辑\n考核日期:2021年9月1日",
    ],
)
def test_another_events_date_is_no_publication_date(text: str) -> None:
    assert _notice(text).published is None


def test_a_publication_label_still_counts_at_the_top() -> None:
    assert _notice("编辑\n公告发布时间:2021年9月1日").published == date(2021, 9, 1)


@pytest.mark.parametrize(
    ("text", "cert", "level"),
    [
        ("编辑\n专业英语八级及以上。", "TEM-8", None),
        ("编辑\n英语专业8级。", "TEM-8", None),
        ("編輯\n持有專業英語八級證書。", "TEM-8", None),
        ("编辑\n专业英语四级以上。", "TEM-4", None),
        ("Editor\nHSK (Level 5) or above.", "HSK", "5"),
        ("Editor\nIELTS Academic 7 overall.", "IELTS", "7"),
    ],
)
def test_certificate_spellings(text: str, cert: str, level: str | None) -> None:
    certs = _values(text, "certificate")
    assert set(certs) == {cert}
    assert certs[cert].level == level


@pytest.mark.parametrize("text", ["编辑\n英语专业毕业,专业知识扎实。", "技工\n具备八级钳工资格。"])
def test_no_certificate_from_major_or_grade_words(text: str) -> None:
    assert not _values(text, "certificate")


@pytest.mark.parametrize(
    ("text", "required"),
    [
        # a list under "以下任一…者优先:" is of preferences, even though any one will do
        (
            "编辑\n任职要求:\n1. 本科以上学历。\n2. 满足以下任一背景者优先:\n(1)具有法律背景。\n"
            "(2)英语能力强,读写无障碍。",
            False,
        ),
        (
            "Editor\nRequirements:\n- A degree.\nThe following are a plus:\n- Fluent Spanish.\n",
            False,
        ),
        # entry routes joined by "; or" / "或": each route is one of alternatives
        (
            "Officer\nEntry requirements:\n(i) a degree; or\n(ii) an associate degree with Level 3"
            " in English Language; or\n(iii) five years of relevant experience.",
            None,
        ),
        (
            "主任\n入职条件:\n(a)持有学位;或\n(b)持有副学士学位,并熟练掌握英语;或\n(c)具五年经验。",
            None,
        ),
        # a plain requirement list stays required
        ("Editor\nRequirements:\n(a) Fluent English.\n(b) A degree in journalism.", True),
    ],
)
def test_preference_lists_and_entry_routes(text: str, required: bool | None) -> None:
    found = _values(text, "language")
    assert len(found) == 1
    assert next(iter(found.values())).required is required


# ---------------------------------------------------------------- taxonomy 2026.12.5 (gold set 4)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # a Latin tool or language glued to Chinese still ends its word
        ("Java开发工程师", "programming"),
        ("岗位要求:熟悉Vue3开发,了解React Native者优先。", "programming"),
        ("负责一款写作工具的前端部分。", "programming"),
        ("负责网站前端页面的实现与维护。", "programming"),
        # building or training a language model is NLP work
        ("负责训练垂直领域的大语言模型。", "nlp"),
        ("You will fine-tune large language models for search.", "nlp"),
        # neural methods named
        ("研究神经渲染与三维重建。", "machine_learning"),
        # English gloss of 采编; shooting-and-editing; image making; plural videographers
        ("Three years of news gathering and editing.", "news_writing"),
        ("具备短视频拍剪能力。", "photography"),
        ("负责公众号配图及图片制作。", "design"),
        ("We invite freelance videographers to get in touch.", "photography"),
    ],
)
def test_skill_recall_2026_12_5(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # a language model used, annotated or evaluated is no NLP skill
        ("熟悉LLM相关技术栈,能基于大模型开发智能体。", "nlp"),
        ("有大模型(LLM)相关标注经历者优先。", "nlp"),
        ("Experience evaluating LLM outputs for factual errors.", "nlp"),
        ("Familiar with large language models such as ChatGPT.", "nlp"),
        # the model that annotated data serves is no machine-learning duty
        ("推动标注数据在模型训练中发挥更大作用。", "machine_learning"),
        (
            "Annotations will be used so outputs can be used to train and fine-tune models.",
            "machine_learning",
        ),
        # a colleague named by the skill's person noun, or a team after 协调 / 尤其是
        ("与主播共同完成直播脚本的策划。", "broadcasting_hosting"),
        ("Work with photographers on the picture desk.", "photography"),
        ("协调硬件开发团队、软件开发团队和设计师。", "programming"),
        ("与美术团队,尤其是编程和动画团队紧密合作。", "programming"),
        # a camera as a product
        ("负责智能摄像头产品的规划。", "photography"),
        # criteria a judge scores against
        ("从剪辑节奏、画面构图、色彩与光影等关键指标进行分析与归因。", "video_editing"),
    ],
)
def test_skill_false_friends_2026_12_5(text: str, skill: str) -> None:
    assert skill not in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # the applicant's own work beside the look-alikes above stays
        ("负责短视频剪辑,把握剪辑节奏。", "video_editing"),
        ("担任主播,负责直播带货。", "broadcasting_hosting"),
        ("负责算法研发,包括模型训练与标注工具开发。", "machine_learning"),
        ("负责软件开发,协调测试团队。", "programming"),
    ],
)
def test_own_work_kept_2026_12_5(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "degree"),
    [
        # a floor named right after "no limit" is the minimum
        ("编辑\n任职要求:硕士优先,不限学历,最低大专学历。", "associate"),
        ("编辑\n学历不限,但至少本科。", "bachelor"),
        # first- and second-tier universities are bachelor's degrees
        ("主管\n任职要求:全日制一本及以上学历。", "bachelor"),
        ("主管\n二本以上院校毕业。", "bachelor"),
        # a postdoctoral post asks a doctorate
        ("媒体研究博士后\n招聘对象:博士后。", "phd"),
        ("Postdoctoral researcher in media computing.", "phd"),
    ],
)
def test_education_floors_tiers_and_postdocs(text: str, degree: str) -> None:
    found = _values(text, "education")
    assert set(found) == {degree}


@pytest.mark.parametrize(
    "text",
    [
        "编辑\n学历不限。",  # stays none
        "研究员\n依托博士后科研工作站开展研究,本科及以上学历。",  # a station, not the post
    ],
)
def test_education_floor_look_alikes(text: str) -> None:
    found = _values(text, "education")
    assert "phd" not in found and "associate" not in found


def test_students_as_the_applicants_have_no_minimum() -> None:
    assert not _values("Python实习生\n计算机相关专业在校生,统招本科及以上学历。", "education")
    # students admitted besides the others leave the others' degree
    found = _values("翻译\n全日制本科及以上学历。在校学生符合条件亦可报名。", "education")
    assert set(found) == {"bachelor"}


@pytest.mark.parametrize(
    ("text", "cert"),
    [
        ("运营\n要求英文四级以上。", "CET-4"),
        ("运营\n英文六级,口语流利。", "CET-6"),
        ("运营\n英语4级及以上。", "CET-4"),
    ],
)
def test_cet_in_either_spelling(text: str, cert: str) -> None:
    assert set(_values(text, "certificate")) == {cert}


def test_a_tour_given_in_two_languages_asks_both() -> None:
    assert set(_values("讲解员\n负责中英文展厅讲解。", "language")) == {"zh", "en"}


@pytest.mark.parametrize(
    "text",
    [
        "依据平台内容治理规范判定视频是否搬运。",
        "负责社区生态治理与违规处置。",
        "Content governance for a video app.",
    ],
)
def test_content_governance_is_moderation(text: str) -> None:
    assert "content_moderation" in _skills(text)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # a direction of translation names its languages: source and target
        ("笔译\n负责中译英、英译中笔译。", {"zh", "en"}),
        ("翻译\n日译中翻译能力强。", {"ja", "zh"}),
        ("翻译\n汉译外翻译实践经验丰富。", {"zh"}),  # 外: no foreign language named
        ("翻译\n中译外翻译能力突出,英语、法语任一语种。", {"zh", "en", "fr"}),
        # a firm's or a body's name is no direction
        ("编辑\n曾在中译语通公司工作。", set()),
    ],
)
def test_translation_directions_name_their_languages(text: str, codes: set[str]) -> None:
    assert set(_values(text, "language")) == codes


@pytest.mark.parametrize(
    "text",
    ["熟悉自然语言处理、大模型等人工智能技术。", "对大模型在内容生产中的应用有一定的研究。"],
)
def test_aigc_in_a_list_its_cue_heads(text: str) -> None:
    from analysis.normalise.aigc import detect_aigc

    assert detect_aigc(clean_text(text))


@pytest.mark.parametrize(
    "text",
    [
        "报道人工智能、大模型等行业动态。",
        "客户包括银行、大模型企业。",
        "研究云渲染、数字人、虚拟会议等技术。",
    ],
)
def test_aigc_list_items_of_coverage_or_clients_stay_out(text: str) -> None:
    from analysis.normalise.aigc import detect_aigc

    assert not detect_aigc(clean_text(text))


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("负责目标检测与跟踪算法在端侧的部署。", "machine_learning"),
        ("Deploy object detection models with TensorRT.", "machine_learning"),
        ("参与对话机器人和智能问答模块的开发。", "nlp"),
    ],
)
def test_named_ml_and_nlp_tasks(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    "text",
    [
        "负责学术论文的资料查阅、稿件撰写与校对。",
        "Write and edit academic articles for SCI journals.",
    ],
)
def test_academic_writing_is_no_news_writing(text: str) -> None:
    assert "news_writing" not in _skills(text)


def test_news_writing_beside_an_unrelated_paper_word_stays() -> None:
    assert "news_writing" in _skills("负责撰写新闻稿件。\n\n公司地址:学院路论文大厦。")


# ---------------------------------------------------------------- taxonomy 2026.12.6 (gold set 4)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # the publishing trade's review-and-proofread routine is copy editing
        ("负责教辅书稿的三审三校工作。", "copy_editing"),
        # speaking to camera in short videos
        ("会口播,能独立出短视频。", "broadcasting_hosting"),
        # image or video processing, with a list or a level between
        ("能做图片、视频的简单处理。", "design"),
        ("能做图片、视频的简单处理。", "video_editing"),
        ("负责宣传视频的拍摄制作与编辑。", "video_editing"),
        # data summed up or reviewed
        ("每周总结投放数据并提出优化建议。", "data_analysis"),
        ("负责直播复盘各项数据。", "data_analysis"),
        # an event's plan drawn up, the event named first
        ("负责品牌推广活动方案的策划与执行。", "event_organization"),
        ("负责年会活动的组织与实施。", "event_organization"),
    ],
)
def test_skill_recall_2026_12_6(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # a skill waived in its own phrase
        ("整理素材即可(无需拍摄,也无需出镜)。", "photography"),
        ("整理素材即可(无需拍摄,也无需出镜)。", "broadcasting_hosting"),
        ("岗位不需要剪辑视频。", "video_editing"),
        ("There is no need to edit video in this role.", "video_editing"),
        # production others do that the applicant follows up or supervises
        ("跟进后期剪辑进度。", "video_editing"),
        ("监督拍摄进度。", "photography"),
        # a shooting script or plan is a document; a script for speaking to camera is writing
        ("负责撰写拍摄脚本。", "photography"),
        ("按照拍摄计划安排场地。", "photography"),
        ("负责撰写口播稿。", "broadcasting_hosting"),
        # a talking-head video as a genre is shot or cut by the applicant, not hosted
        ("负责口播类短视频的拍摄与剪辑。", "broadcasting_hosting"),
        ("负责视频口播素材的后期剪辑。", "broadcasting_hosting"),
        # business activities are no events
        ("负责各项经营活动的组织。", "event_organization"),
        # copy for a poster is writing, not design
        ("负责海报文案的撰写。", "design"),
        # an in-platform campaign is no event people attend
        ("负责抖音账号的活动策划。", "event_organization"),
        ("负责公众号日常运营,做好活动执行与粉丝维护。", "event_organization"),
        ("负责店铺营销活动的策划。", "event_organization"),
        # planning special-topic content
        ("完成每期专题策划活动。", "event_organization"),
    ],
)
def test_skill_false_friends_2026_12_6(text: str, skill: str) -> None:
    assert skill not in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # "not limited to" lists skills asked: no waiver
        ("工作内容包括但不限于剪辑、调色。", "video_editing"),
        # own shooting beside a script; own editing beside following up with a client
        ("负责撰写拍摄脚本并完成拍摄。", "photography"),
        ("独立完成剪辑,跟进客户反馈。", "video_editing"),
        # an event named in a platform job's sentence: people take part
        ("负责公众号运营,策划线下粉丝活动。", "event_organization"),
        ("负责社群运营,策划线上互动活动。", "event_organization"),
        ("负责新品发布会的活动策划。", "event_organization"),
    ],
)
def test_own_work_kept_2026_12_6(text: str, skill: str) -> None:
    assert skill in _skills(text)


# ------------------------------------- taxonomy 2026.12.6 (gold set 3 round 3, unlabelled rows)


@pytest.mark.parametrize(
    "text",
    [
        # a language name inside a longer word: the character before it ends another word
        "岗位要求:初中文化以上,吃苦耐劳。",
        "要求高中文化程度。",
        "负责编写算法文档。",
        "熟悉脚本语言语法语义。",
        "负责节日文案的撰写。",
        "了解精英文化。",
        "喜欢收藏语录。",
        "不说豪言壮语。",
        # the Chinese literature major written without 言
        "汉语文学专业毕业。",
    ],
)
def test_words_holding_a_language_name_are_no_language(text: str) -> None:
    assert not _values(text, "language")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("精通法语,能独立翻译。", "fr"),
        ("中英法文互译。", "fr"),
        ("熟练掌握汉语文字。", "zh"),
        ("日语N2以上。", "ja"),
        # languages of broadcasters' services and of China's minorities
        ("Fluent in Albanian or Amharic.", "sq"),
        ("Fluent Macedonian is required.", "mk"),
        ("精通藏语。", "bo"),
        ("会维吾尔语者优先。", "ug"),
        # Dari has no ISO 639-1 code: it is Persian
        ("Translate between Dari and English.", "fa"),
        # "Polish" in a list of names is the language
        ("Languages: French, Polish, Czech.", "pl"),
    ],
)
def test_language_names_2026_12_6(text: str, code: str) -> None:
    assert code in _values(text, "language")


def test_a_long_line_of_service_languages_under_a_heading_is_a_list() -> None:
    names = ", ".join(["Albanian", "Amharic", "Arabic", "Bengali", "Bulgarian", "Croatian"] * 6)
    text = "Editor\nNative speaker of one of our languages.\n\nOur program languages:\n" + names
    found = _values(text, "language")
    assert {"sq", "am", "ar", "bn", "bg", "hr"} <= set(found)


def test_polish_the_language_is_no_copy_editing_and_the_verb_is() -> None:
    assert "copy_editing" not in _skills("Languages: French, Polish, Czech.")
    assert "copy_editing" not in _skills("We welcome Polish speakers.")
    assert "copy_editing" in _skills("Polish copy written by reporters.")
    assert "pl" not in _values("Polish copy written by reporters.", "language")


@pytest.mark.parametrize(
    "text",
    [
        # willing to live or work abroad: the job is abroad
        "本岗位适合有意去国外生活的人。",
        "适合打算去海外工作的人。",
        # people abroad the applicant works with
        "Two years of working with overseas developers on mobile apps.",
        "Experience working with overseas teams is a plus.",
    ],
)
def test_willingness_and_partners_abroad_are_no_overseas_experience(text: str) -> None:
    assert not _values(text, "overseas")


def test_overseas_study_is_still_asked() -> None:
    assert "study" in _values("Experience studying overseas is a plus.", "overseas")


@pytest.mark.parametrize(
    ("text", "cert"),
    [
        ("English major level 8 with a score of 80 or above.", "TEM-8"),
        ("English majors band 4 at least.", "TEM-4"),
        ("Holders of English Major Grade 8 are preferred.", "TEM-8"),
    ],
)
def test_tem_in_english_renderings(text: str, cert: str) -> None:
    assert cert in {f.value for f in detect_certificates(clean_text(text))}


@pytest.mark.parametrize(
    ("text", "aigc"),
    [
        # a heading the colon opens, its detail holding the duty
        ("3、AI大模型相关功能:协助调试并评测效果。", True),
        ("熟悉大模型应用:负责落地与优化。", True),
        # taking part in building a platform for models is no generative-AI duty
        ("做过大模型语料抓取平台搭建的优先。", False),
        # a colon whose detail holds no duty
        ("公司背景:大模型:行业领先。", False),
    ],
)
def test_aigc_heading_and_its_detail(text: str, aigc: bool) -> None:
    assert bool(_values(text, "aigc")) is aigc


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("协助制定送审及机审策略。", "content_moderation"),
        ("负责人审质检。", "content_moderation"),
        ("Great sensitivity to data.", "data_analysis"),
        ("Improve the product by analysing the statistics.", "data_analysis"),
        ("Provide oral translations at press events.", "interpreting"),
        ("Prepare transcriptions of interviews.", "subtitling"),
    ],
)
def test_skill_recall_2026_12_6_english_and_moderation(text: str, skill: str) -> None:
    assert skill in _skills(text)


def test_the_day_a_notice_was_issued_is_its_publication_date() -> None:
    from analysis.normalise.published import resolve_published

    assert resolve_published(clean_text("本单位于2024年3月1日正式发布招聘简章。")) == date(
        2024, 3, 1
    )
    assert resolve_published(clean_text("2019年4月2日發布本招考公告。")) == date(2019, 4, 2)
    # a later announcement, or a rule issued on a day, is not this notice's publication
    assert resolve_published(clean_text("面试名单将于2024年3月1日在官网发布公告。")) is None
    head = "\n".join(["招聘公告", *(f"第{i}条" for i in range(1, 7))])  # past the bare-date lines
    assert resolve_published(clean_text(head + "\n依据2020年5月1日发布的管理办法。")) is None


def test_a_registration_window_skips_the_issuing_day_and_ends_at_its_range_end() -> None:
    from analysis.normalise.deadlines import detect_deadline

    text = clean_text("一、报名时间:2023年5月8日发布本公告;5月10日至5月16日报名。\n二、报名方式")
    found = detect_deadline(text)
    assert found is not None and found[0] == date(2023, 5, 16)


def test_an_english_registration_time_is_a_deadline_label() -> None:
    from analysis.normalise.deadlines import detect_deadline

    found = detect_deadline("2. Registration time: March 3, 2015 - March 20, 2015.\n3. Contact")
    assert found is not None and found[0] == date(2015, 3, 20)
    assert detect_deadline("Registration: the office opens on weekdays.") is None


def test_a_deadline_label_broken_over_two_lines_is_read_as_one() -> None:
    from analysis.normalise.deadlines import detect_deadline

    text = "Requirements:\n- Two years in print.\nClosing\ndate for all applications: Friday, 9 March 2018\nOur\noffice"
    found = detect_deadline(text)
    assert found is not None and found[0] == date(2018, 3, 9)
    assert found[1].text.startswith("Closing\ndate")  # quoted as given, the wrap kept
    # a wrap before a capital is a new line, not a broken label
    assert detect_deadline("Closing\nDate of birth: 1 May 1990") is None


def test_the_notice_published_through_its_channels_on_a_day() -> None:
    from analysis.normalise.published import resolve_published

    head = "\n".join(["招聘公告", *(f"第{i}条" for i in range(1, 7))]) + "\n"
    text = head + "本次招聘简章于2024年3月1日起在市人社局网站和区政府网上发布。"
    assert resolve_published(clean_text(text)) == date(2024, 3, 1)
    # other information, or a later day, is not this notice's publication
    assert resolve_published(clean_text(head + "面试信息于2024年3月1日在官网发布。")) is None
    assert resolve_published(clean_text(head + "本公告将于2024年3月1日在官网发布。")) is None


@pytest.mark.parametrize(
    "text",
    [
        "熟练使用AI Coding工具完成开发。",
        "熟悉AI编程者优先。",
        "熟练使用 AI Agent 进行开发加速。",
        "Experience building Agentic AI workflows.",
    ],
)
def test_coding_with_generative_assistants_and_agents_is_aigc(text: str) -> None:
    assert _values(text, "aigc")


# ------------------------------------------------ taxonomy 2026.12.7 (gold set 5, dataset rows)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # influencers by their platform names and the agencies that manage them
        ("负责游戏达人的招募与孵化。", "kol_relations"),
        ("对接站内up主资源，推进商单合作。", "kol_relations"),
        ("熟悉MCN机构的合作模式。", "kol_relations"),
        # data and its analysis apart in a list of steps
        ("负责活动数据的采集、清洗与分析。", "data_analysis"),
        ("日常业务数据的跟踪、分析与汇报。", "data_analysis"),
        ("具备报表分析能力。", "data_analysis"),
        ("有算法推荐相关经验者优先。", "recommendation_algorithms"),
        # effects and lighting designed for games and films
        ("负责宣传片特效的设计与落地。", "design"),
        ("为游戏场景设计夜景灯光方案。", "design"),
        ("Experience with Stable Video Diffusion for previs.", "stable_diffusion"),
        ("有一定的代码能力。", "programming"),
        # copy and its review apart; community, live-stream and new-media marketing operations
        ("负责官网稿件及社交平台推送稿件的发布前审核。", "copy_editing"),
        ("负责游戏社区运营，维护讨论区氛围。", "social_media_operations"),
        ("负责品牌直播运营与排期。", "social_media_operations"),
        ("熟悉新媒体营销的各类玩法。", "social_media_operations"),
        ("对站内内容的风格与尺度进行把控。", "content_moderation"),
        # large models fine-tuned or aligned
        ("研究大模型的指令微调与偏好对齐。", "machine_learning"),
        ("研究大模型的指令微调与偏好对齐。", "nlp"),
    ],
)
def test_taxonomy_2026_12_7_recall_classes(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # data structures and databases are programming, not data analysis
        ("掌握数据结构与算法分析。", "data_analysis"),
        # an operations campaign for a category, new users or activity is no event
        ("策划会员品类活动，提升拉新与促活。", "event_organization"),
        ("负责站内专区的活动策划。", "event_organization"),
        # a colleague named by trade is not the applicant's trade
        ("与平面设计师、摄影师对接拍摄需求。", "design"),
        ("配合视觉设计师完成界面落地。", "design"),
        # an interest is not a skill asked
        ("对深度学习和强化学习很感兴趣。", "machine_learning"),
        ("对数据分析感兴趣。", "data_analysis"),
        # a business scenario is not a scene design
        ("负责业务场景设计与需求梳理。", "design"),
        # user operations is product operations, not social media
        ("负责用户运营与会员增长。", "social_media_operations"),
    ],
)
def test_taxonomy_2026_12_7_not_asked_classes(text: str, skill: str) -> None:
    assert skill not in _skills(text)


def test_an_offline_event_among_operations_words_is_still_an_event() -> None:
    assert "event_organization" in _skills("策划线下品类活动与粉丝见面会。")
    assert "design" in _skills("招聘视觉设计师和摄影师。")  # the post itself, no colleague cue


@pytest.mark.parametrize(
    "text",
    [
        "岗位\n专业:新闻学、中文以及传播类专业优先。",
        "岗位\n研究生:国际中文教育(0453),新闻传播学(0503)",
    ],
)
def test_a_language_inside_a_discipline_name_or_list_is_no_language(text: str) -> None:
    assert "zh" not in _values(text, "language")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a whole item of a table cell (tabs, kept as spaces once cleaned)
        ("职位表\n单位\t职位\t其他要求\n某局\t科员\t限男性;中共党员\t备注", "required"),
        # a post only for non-members asks for no membership
        ("职位表\n单位\t职位\t其他要求\n某会\t科员\t非中共党员\t备注", "none"),
        ("岗位条件:限非党员报考。", "none"),
    ],
)
def test_party_membership_in_table_cells(text: str, value: str) -> None:
    assert set(_values(text, "party_member")) == {value}


def test_a_name_in_a_biography_is_no_party_requirement() -> None:
    assert not _values("简介\n李四,中共党员,现任编辑。", "party_member")


@pytest.mark.parametrize(
    "text",
    [
        # an internship for a graduating class, or for classes graduating later
        "运营实习生\n性质:实习生\n2027届本科及以上学历。",
        "剪辑实习生\n本科及以上学历,2028年及之后毕业的同学。",
        # students currently studying, even where the header says no limit
        "内容实习生\n学历要求:不限\n全日制在校生,每周到岗4天。",
        "编辑实习生\n本科在读及以上学历。",
    ],
)
def test_students_still_studying_have_no_minimum_degree(text: str) -> None:
    assert not _values(text, "education")


def test_a_graduate_hire_keeps_its_degree() -> None:
    assert set(_values("编辑\n2027届应届毕业生,本科及以上学历。", "education")) == {"bachelor"}


@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("公关实习生", "other"),
        # a manager of marketing, sales or legal work is of that work
        ("品牌营销经理", "other"),
        ("Regional Sales Director", "other"),
        ("项目经理(市场推广方向)", "management_admin"),  # a project's manager manages
        # a product's manager: tech work when the product is AI or data
        ("社区产品经理", "other"),
        ("Product Manager, Payments", "other"),
        ("AI产品经理", "tech_ai"),
        ("大模型Agent产品经理", "tech_ai"),
        ("综合办公室主任", "management_admin"),
        ("Senior Sales Lead", "other"),
        ("法务实习生", "other"),
        ("市场化招聘编辑", "editor_translator"),  # 市场化 is how the post is filled
    ],
)
def test_press_marketing_sales_and_legal_titles_are_other(title: str, family: str) -> None:
    from analysis.normalise.roles import classify_role_family

    assert classify_role_family(title, "", []) == family


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # streamers the applicant recruits and grows are influencer relations
        ("负责签约主播的招募与成长。", "kol_relations"),
        ("负责游戏主播运营。", "kol_relations"),
        # 3D and animation art, its tools and making; icons and concept art
        ("熟练使用Blender或C4D完成场景制作。", "design"),
        ("会用Maya中的绑定模块。", "design"),
        ("制作3D角色模型并贴图。", "design"),
        ("负责活动页面的图标设计。", "design"),
        # copy and its writing in a list; client-side development
        ("承担稿件和宣传文案撰写。", "news_writing"),
        ("负责iOS客户端开发。", "programming"),
    ],
)
def test_taxonomy_2026_12_7_round_2_recall_classes(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("负责签约主播的招募与成长。", "broadcasting_hosting"),
        ("负责游戏主播运营。", "broadcasting_hosting"),
        # shooting as a product's feature, not the applicant's shoot
        ("改进相机应用里的拍摄工具。", "photography"),
        ("设计新的拍摄玩法。", "photography"),
        # production the applicant follows up, the verb closing the list
        ("负责选题、拍摄、剪辑跟进;", "photography"),
        # a model applied to moderation scenarios; poster slogans
        ("将多模态模型用于内容审核场景。", "content_moderation"),
        ("撰写KV海报Slogan与落地页文案。", "design"),
        # a traffic or online campaign is no event
        ("负责站外引流与流量活动策划。", "event_organization"),
        ("策划线上活动,提升日活。", "event_organization"),
        # Maya as a name
        ("Please send your CV to Maya Chen.", "design"),
    ],
)
def test_taxonomy_2026_12_7_round_2_not_asked_classes(text: str, skill: str) -> None:
    assert skill not in _skills(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # familiarity, understanding and "a plus" are competence cues like 熟练 and 优先
        ("编辑\n任职要求:\n1. 熟悉韩语。", {"ko": None}),
        ("编辑\n任职要求:\n1. 懂西班牙语。", {"es": None}),
        ("编辑\n任职要求:\n1. 热爱动漫,日语或英语加分。", {"ja": False, "en": False}),
    ],
)
def test_familiarity_and_bonus_words_ask_a_language(
    text: str, expected: dict[str, bool | None]
) -> None:
    assert set(_required(text)) == set(expected)


@pytest.mark.parametrize(
    "text",
    ["算法实习生\n博士学位在读的同学。", "产品实习生\n性质:应届实习\n学历要求:本科及以上"],
)
def test_students_named_by_degree_or_graduating_internship_have_no_minimum(text: str) -> None:
    assert not _values(text, "education")


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # creators as the object of the work
        ("负责美食区创作者运营。", "kol_relations"),
        ("拓展腰部创作者合作。", "kol_relations"),
        ("与UP主的关系由你来维护。", "kol_relations"),
        # performances planned; data tallied; a space between Prompt and its verb
        ("负责线下演出活动的策划与执行。", "event_organization"),
        ("负责整理业务数据并做统计汇总。", "data_analysis"),
        ("负责Prompt 调试与效果评估。", "prompt_engineering"),
        ("参与精准推荐策略的迭代。", "recommendation_algorithms"),
        ("具备代码基础者优先。", "programming"),
    ],
)
def test_taxonomy_2026_12_7_round_3_recall_classes(text: str, skill: str) -> None:
    assert skill in _skills(text)


def test_maya_before_a_list_word_is_no_3d_software() -> None:
    assert "design" not in _skills("适配UE、Maya等多端环境。")
    assert "design" in _skills("用过Nuke、Maya、Houdini。")


def test_experience_the_job_offers_is_not_asked() -> None:
    from analysis.normalise.overseas import detect_overseas

    assert not detect_overseas(clean_text("Join us and gain overseas work experience."))
    assert not detect_overseas(clean_text("在项目中积累海外工作经验。"))
    assert detect_overseas(clean_text("有海外工作经验者优先。"))


def test_party_membership_in_a_cleaned_table_row_with_a_bar_in_a_later_cell() -> None:
    row = "单位\t职位\t人数\t专业\t中共党员\t备注:在本单位工作的不得报考"
    assert set(_values("职位表\n" + row, "party_member")) == {"required"}
    # the member barred in its own cell stays barred
    assert not _values("职位表\n单位\t职位\t中共党员不得报考\t备注", "party_member")


def test_interns_for_students_abroad_have_no_minimum() -> None:
    text = "算法研究\n性质:留学生实习\n学历要求:博士及以上"
    assert not _values(text, "education")


# Gold set 6 (English job-board ads, Hong Kong and South-East Asia): the classes its first
# scoring showed, with sentences written for the test.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Chinese" closing a requirement line, after "both" or "&", before "including"
        (
            "Analyst\nRequirements:\nAble to write in English and Chinese\nDegree in Law",
            {"en", "zh"},
        ),
        ("Clerk\nGood in English & Chinese.", {"en", "zh"}),
        ("Officer\nFluent in both Chinese and English.", {"en", "zh"}),
        ("Assistant\nStrong in English and Chinese including Putonghua;", {"en", "zh"}),
    ],
)
def test_chinese_at_a_line_end_or_after_both_is_a_language(text: str, expected: set[str]) -> None:
    assert expected <= set(_values(text, "language"))


def test_chinese_as_an_adjective_wrapped_onto_the_next_line_is_no_language() -> None:
    text = "Analyst\nGood communication skills. Our clients include Chinese\nbanks and funds."
    assert "zh" not in _values(text, "language")


@pytest.mark.parametrize(
    ("text", "degree"),
    [
        ("Analyst\nDegree in Economics or a related field.", "bachelor"),
        ("Analyst\n- University Degree holder with 2 years' experience", "bachelor"),
        ("Analyst\nDiploma / Degree in Accounting", "bachelor"),
        ("Analyst\nDegree or above in Statistics", "bachelor"),
        ("Analyst\nDegree Holder in any discipline", "bachelor"),
        ("Analyst\nMaster's Degree in Finance is required.", "master"),
        ("Analyst\nPhD Degree in Physics required.", "phd"),
    ],
)
def test_a_capitalised_bare_degree_is_a_bachelors(text: str, degree: str) -> None:
    assert set(_values(text, "education")) == {degree}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # data visualisation: analysis tooling, or charts drawn for a newsroom
        ("Build data visualisation in Power BI for the sales team.", "data_analysis", "design"),
        ("Skilled at data visualization (charts, maps) for stories.", "design", "data_analysis"),
        # statistics and dashboards as work or knowledge; data science; predictive models
        ("Two years of experience in statistics and analytics.", "data_analysis", None),
        ("Maintain dashboards for the finance team.", "data_analysis", None),
        # a monitoring dashboard is an operations system, not analysis
        ("Build monitoring dashboards for the servers.", None, "data_analysis"),
        ("Lead data science projects end to end.", "data_analysis", None),
        ("Build and deploy predictive models on the cloud.", "machine_learning", None),
        # the statistics a fact-checker checks are no analysis
        ("Check that names, dates and statistics are right.", None, "data_analysis"),
        # translating requirements into a system is no translation work
        ("Translate user needs into technical specifications.", None, "translation"),
        ("Translate business requirements into databases and reports.", None, "translation"),
        ("Translate press releases into Spanish.", "translation", None),
    ],
)
def test_taxonomy_2026_12_8_data_work_classes(
    text: str, present: str | None, absent: str | None
) -> None:
    _assert_skills(text, present, absent)


@pytest.mark.parametrize(
    ("text", "aigc"),
    [
        # AI named with data or ML as one stack: analytics, not generative AI
        ("Analyst\nKnowledge of Data & AI tools such as Power BI.", False),
        ("Scientist\nUse a range of ML/AI models to forecast demand.", False),
        ("Analyst\nUse AI tools to draft product captions.", True),
        # a clause that only continues the duty before it
        ("Engineer\nBuild data pipelines for the warehouse, with a focus on GenAI agents.", True),
        ("Engineer\nOur office is in the city centre, with a focus on GenAI agents.", False),
    ],
)
def test_generic_ai_words_and_continuing_clauses(text: str, aigc: bool) -> None:
    assert bool(_values(text, "aigc")) is aigc


def test_a_job_boards_date_listed_field_is_the_publication_date() -> None:
    text = "Data Analyst\nDate Listed\n03 Jul 2025\nJob description\nAnalyse sales data."
    assert _notice(text).published == date(2025, 7, 3)


@pytest.mark.parametrize(
    "title",
    ["Data Analyst", "BI Specialist", "Database Administrator", "Analytics Executive"],
)
def test_data_titles_are_tech(title: str) -> None:
    from analysis.normalise.roles import classify_role_family

    assert classify_role_family(title, "", []) == "tech_ai"


def test_a_bilingual_title_is_not_business_intelligence() -> None:
    from analysis.normalise.roles import classify_role_family

    assert classify_role_family("Bi-lingual Editor", "", []) == "editor_translator"


# Gold set 6, round 2 (English ads of a remote-jobs board: design, PR, content, video): its
# classes, with sentences written for the test.


def test_a_board_title_line_is_titled_by_its_first_part() -> None:
    from analysis.normalise.text_title import title_of_text

    assert title_of_text("Senior Product Designer | Acme Software | Remote\nWe design.") == (
        "Senior Product Designer"
    )
    assert title_of_text("英语编辑｜某某传媒\n职责") == "英语编辑"


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # translating into anything but a language is a figure of speech
        ("Translate the brand into 2D and 3D design.", None, "translation"),
        ("Take the user flows and translate them into wireframes.", None, "translation"),
        ("Translate the user guides into German and Dutch.", "translation", None),
        ("Translate marketing copy into the target language.", "translation", None),
        ("Translate Chinese documents into high-quality English.", "translation", None),
        # polishing designs, or one's own work, is no copy editing
        ("Design polished, high-fidelity mockups for the app.", None, "copy_editing"),
        ("You proofread your own work before it ships.", None, "copy_editing"),
        # brand storytelling, blog posts and games writers are no news writing
        ("Tell stories that inspire our customers.", None, "news_writing"),
        ("Write blog articles about each release.", None, "news_writing"),
        ("We are looking for a games writer for our studio.", None, "news_writing"),
        ("Write feature articles for the weekend edition.", "news_writing", None),
        # a presenter of slides is no broadcaster
        ("A confident communicator and presenter.", None, "broadcasting_hosting"),
        ("Present news bulletins on the evening show.", "broadcasting_hosting", None),
        # localized as an adjective is no localisation work
        ("Deliver a localized content strategy.", None, "localization"),
        ("Localize the app for Japanese users.", "localization", None),
        # web, interface and brand design
        ("Experience in web design and interface design.", "design", None),
        ("Produce wireframes and mockups for new features.", "design", None),
        # video the applicant makes, not a product's video streams
        ("Create video tutorials for new users.", "video_editing", None),
        ("Our studio lets creators create video streaming shows.", None, "video_editing"),
        # metrics and results analysed or reported
        ("Analyse campaign results and report on KPIs monthly.", "data_analysis", None),
        ("Hands-on experience with Google Analytics.", "data_analysis", None),
        ("Analyse emerging trends in online culture.", None, "data_analysis"),
        # colleagues by title, and a notice against recruitment fraud
        (
            "Work alongside our writers, social media and community managers.",
            None,
            "social_media_operations",
        ),
        ("Two years of experience as a community manager.", "social_media_operations", None),
        (
            "We never contact candidates through social media platforms.",
            None,
            "social_media_operations",
        ),
        (
            "Build pipelines that give insights for our data science and analytics teams.",
            None,
            "data_analysis",
        ),
    ],
)
def test_taxonomy_2026_12_8_round_2_classes(
    text: str, present: str | None, absent: str | None
) -> None:
    _assert_skills(text, present, absent)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Designer\nPerks: a German language course and a new laptop.", set()),
        ("Moderator\nFluency in languages in addition to English is a plus.", set()),
        ("Moderator\nFluent English is required.", {"en"}),
    ],
)
def test_a_language_offered_or_taken_as_the_baseline_is_not_asked(
    text: str, asked: set[str]
) -> None:
    assert set(_values(text, "language")) == asked


def test_native_in_a_language_is_a_native_speaker() -> None:
    assert set(_values("Account Executive\nYou are native in Portuguese.", "native_speaker")) == {
        "pt"
    }


def test_where_applicants_live_now_is_no_experience_abroad() -> None:
    from analysis.normalise.overseas import detect_overseas

    text = "We confirm work authorization for candidates residing in the United States."
    assert not detect_overseas(clean_text(text))
    assert detect_overseas(clean_text("Two years living in the UK or US is required."))


@pytest.mark.parametrize(
    "text",
    ["Writer\nEducated to degree level in Marketing.", "UX\nA professional degree in Design."],
)
def test_degree_level_and_professional_degrees_are_bachelors(text: str) -> None:
    assert set(_values(text, "education")) == {"bachelor"}


@pytest.mark.parametrize(
    ("text", "aigc"),
    [
        # generative models explored, researched or developed as duties (set 5, round 4)
        ("算法研究员\n1、探索基于LLM的智能体交互方案。", True),
        ("研究工程师\n1、研究和开发多模态模型,包括图像、3D生成等方向。", True),
        ("Researcher\nExplore GAN-based image synthesis for our products.", True),
        # an interest in large models is no duty
        ("算法实习生\n任职要求:对AI大模型和应用充满热情。", False),
        ("Intern\nPassionate about generative AI and its uses.", False),
    ],
)
def test_generative_models_explored_or_developed_and_interests(text: str, aigc: bool) -> None:
    assert bool(_values(text, "aigc")) is aigc


# Taxonomy 2026.12.9: the classes of gold set 7 (Chinese job-board and career-site ads, many of
# them engineering posts at media and platform companies). Sentences written for the class.
@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # a business or feature engineers build is not the skill (the software is)
        (
            "后端工程师\n1、负责短视频平台直播运营业务的研发工作。",
            "programming",
            "social_media_operations",
        ),
        ("移动端工程师\n1、负责修图、海报设计能力的开发工作。", None, "design"),
        ("测试工程师（主播方向）\n1、编写测试用例。", None, "broadcasting_hosting"),
        ("主播\n1、负责直播间主播工作。", "broadcasting_hosting", None),
        ("编导\n1、负责课程视频内容的研发与剪辑。", "video_editing", None),
        # 剪映 as a product name, and as a tool used
        ("客户端工程师-剪映\n1、负责剪映商业化方向的研发。", None, "video_editing"),
        ("新媒体专员\n1、熟练使用剪映完成短视频剪切。", "video_editing", None),
        # a company's or team's introduction is not a duty
        (
            "算法工程师\n团队介绍:我们的工作涉及自然语言处理与数据分析。\n1、负责推荐算法优化。",
            "recommendation_algorithms",
            "nlp",
        ),
        (
            "前端工程师\n## 关于我们\n公司专注深度学习技术。\n## 职位要求\n熟悉TypeScript。",
            "programming",
            "machine_learning",
        ),
        # knowing the platforms is not running them; running them is
        ("商务专员\n任职要求:熟悉海外社交媒体平台更佳。", None, "social_media_operations"),
        ("新媒体编辑\n1、了解新媒体平台的运营规则并执行推广。", "social_media_operations", None),
        ("运营专员\n1、负责品牌短视频的策划与运营。", "social_media_operations", None),
        # the operations team worked with is a colleague, across a comma
        (
            "算法专家\n1、负责抖音的推荐算法工作,和产品、运营等团队合作。",
            None,
            "social_media_operations",
        ),
        # KOC campaigns are user operations, not influencer relations
        ("社群运营\n1、负责KOC用户社群的日常维护。", None, "kol_relations"),
        # in-game or campaign-operations activities are no events people attend
        ("游戏运营\n1、策划游戏内活动,提升玩家参与度。", None, "event_organization"),
        ("市场专员\n1、策划并组织线下品牌发布会活动。", "event_organization", None),
        # a field named as a venue of papers is not a duty
        ("研究员\n在数据挖掘等会议上发表论文者优先。", None, "data_analysis"),
        ("数据工程师\n1、参与大数据分析产品的建设。", None, "data_analysis"),
        # compiling code and computational photography are not translation or photography
        ("前端工程师\n了解编译和构建工具。", None, "translation"),
        ("影像工程师\n了解计算摄影算法原理。", None, "photography"),
        # scripts, platform apps and coding habits are programming; a video's script is not
        ("运维工程师\n熟悉Linux脚本,能实现自动化。", "programming", None),
        ("技术美术\n熟练蓝图,有一定脚本能力。", "programming", None),
        ("编导\n具备短视频脚本能力。", None, "programming"),
        ("客户端工程师\n5年以上Android项目开发经验。", "programming", None),
        # ranking stages and ad algorithms are recommendation algorithms
        ("算法工程师\n深度参与召回、粗排、精排全链路模型迭代。", "recommendation_algorithms", None),
        # SD in a list of model families is Stable Diffusion; HD/SD is a picture standard
        ("算法工程师\n熟悉LLM/VLM/SD等主流模型。", "stable_diffusion", None),
        ("视频工程师\n支持HD/SD信号切换。", None, "stable_diffusion"),
        # Photoshop written Ps or ps
        ("剪辑师\n会Ps与Ae优先。", "design", None),
        ("运营实习生\n具备基础ps技能。", "design", None),
    ],
)
def test_taxonomy_2026_12_9_classes(text: str, present: str | None, absent: str | None) -> None:
    _assert_skills(text, present, absent)


@pytest.mark.parametrize(
    ("text", "aigc"),
    [
        ("设计师\n熟练PS、ai修图者优先。", False),  # Illustrator after other design software
        ("图像工程师\n负责对话式AI修图能力的研发。", True),
        ("算法工程师\n有大规模语言模型预训练经验优先。", True),
        ("后台工程师\n负责广告创意智能生成引擎的研发。", True),
        ("前端工程师\n## 关于我们\n我们专注AI大模型应用。\n## 职位要求\n熟悉React。", False),
    ],
)
def test_taxonomy_2026_12_9_aigc_classes(text: str, aigc: bool) -> None:
    assert bool(_values(text, "aigc")) is aigc


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("有日本工作经验者优先。", "work"),
        ("有英国生活经历者优先。", "living"),
        ("有海外工作生活经历者优先。", "work"),
        ("有日本教育背景者优先。", "study"),
        ("有海外游戏产品的本地化工作经验。", None),  # overseas products, not work abroad
        ("有海外市场工作经验。", None),
    ],
)
def test_a_country_named_with_the_experience_is_experience_abroad(
    text: str, kind: str | None
) -> None:
    from analysis.normalise.overseas import detect_overseas

    found = detect_overseas(clean_text(text))
    assert (found[0].value if found else None) == kind


@pytest.mark.parametrize(
    "text",
    [
        "运营实习生\n学历:本科\n任职要求:统招本科及以上院校在读。",
        "数据实习生\n学历:本科\n任职要求:23届及之后毕业,本科学历。",
        "内容实习生\n学历:本科\n任职要求:大二或以上在读大学生。",
        "27届 运营实习生\n任职要求:本科及以上学历。",
    ],
)
def test_students_still_studying_have_no_minimum(text: str) -> None:
    assert not _values(text, "education")


def test_an_ad_written_in_japanese_asks_its_languages() -> None:
    text = "プロダクト運営\n仕事に中国語及び日本語を活かせる方。"
    assert set(_values(text, "language")) == {"zh", "ja"}


def test_an_introduction_runs_to_the_first_list_item_or_heading_and_is_bounded() -> None:
    from analysis.normalise.context import INTRO_LIMIT, intro_spans

    text = "职位描述:团队介绍:我们做推荐。\n1、负责翻译。"
    ((lo, hi),) = intro_spans(text)
    assert text[lo:hi] == "职位描述:团队介绍:我们做推荐。"
    text = "## About us\nWe build tools.\n## Requirements\nPython."
    ((lo, hi),) = intro_spans(text)
    assert text[lo:hi] == "## About us\nWe build tools."
    long = "关于我们:" + "很" * 5000
    ((lo, hi),) = intro_spans(long)
    assert hi - lo <= INTRO_LIMIT + len("关于我们:")
    assert intro_spans("岗位职责:负责编辑。") == ()


# Gold set 8 (university and public-institution recruitment notices): the classes of its misses.
# Sentences written for the class.
@pytest.mark.parametrize(
    ("text", "degree"),
    [
        ("行政助理\n具有硕士及以上学位,第一学历须为全日制本科。", "master"),
        ("编辑\n具有博士学位,本科或研究生阶段为新闻学专业。", "phd"),
        ("秘书\n1.负责学院本科生管理工作;\n2.硕士研究生学历。", "master"),
        ("研究员\n请提交自本科开始的学习经历。具有博士学位。", "phd"),
        ("专员\n第一学历须为全日制本科及以上。", "bachelor"),  # the only degree named
    ],
)
def test_a_degree_named_for_an_earlier_stage_is_not_the_minimum(text: str, degree: str) -> None:
    assert set(_values(text, "education")) == {degree}


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("秘书\n任职条件:1.品行端正;2.硕士研究生学历,中共党员;3.年龄35周岁以下。", "required"),
        ("科员\n中共党员(含预备党员)、优秀学生干部同等条件下可以优先录用。", "preferred"),
    ],
)
def test_party_membership_listed_as_a_condition_or_a_priority(text: str, party: str) -> None:
    assert set(_values(text, "party_member")) == {party}


@pytest.mark.parametrize(
    ("text", "published", "deadline"),
    [
        (
            "某中心招聘公告\n须能在2023年8月31日前正式到岗。\n报名自2023年4月3日至2023年4月20日止。"
            "\n\n某大学某中心\n\n2023年4月3日\n\n附件:岗位表.xls",
            date(2023, 4, 3),
            date(2023, 4, 20),
        ),
        (
            "某处招聘公告\n学历审查延后至报到时(2023年8月31日前)。\n网上报名时间:2023年4月18日-4月24日。"
            "\n\n某大学人事处\n\n2023年4月17日",
            date(2023, 4, 17),
            date(2023, 4, 24),
        ),
    ],
)
def test_an_arrival_date_is_no_deadline_and_a_signature_dates_the_notice(
    text: str, published: date, deadline: date
) -> None:
    notice = _notice(text)
    assert (notice.published, notice.deadline) == (published, deadline)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("二是已获得海外博士学位的人员。", "study"),
        ("近三年在国外(境外)排名前100名的高校获得博士学位。", "study"),
        ("面向国(境)外世界名校全日制本科以上学历毕业生。", "study"),
        ("须提供国外学历学位相关证明材料。", None),  # certification of such a degree
        ("协助“海外留学归国教师挂职锻炼”等项目的管理。", None),  # a programme's name
    ],
)
def test_a_degree_from_abroad_is_study_abroad_but_not_its_certification_or_a_name(
    text: str, kind: str | None
) -> None:
    from analysis.normalise.overseas import detect_overseas

    found = detect_overseas(clean_text(text))
    assert (found[0].value if found else None) == kind


def test_a_notice_titled_by_its_issuer_takes_the_post_it_names() -> None:
    from analysis.normalise.roles import classify_role_family

    text = "某学院招聘启事\n一、招聘岗位某研究中心行政助理1名\n二、岗位职责:负责日常事务。"
    assert classify_role_family("某学院招聘启事", text, []) == "management_admin"


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("秘书\n经学校审核通过后确定拟聘人员。", None, "copy_editing"),  # 学校审核, not 校审
        ("编辑\n负责稿件校审工作。", "copy_editing", None),
        ("秘书\n协助组织院内外各类会议。", "event_organization", None),
        ("助理\n负责国际会议的申报和筹备。", "event_organization", None),
        ("助理\n负责新闻报道的图片采编。", "photography", None),
    ],
)
def test_taxonomy_2026_12_10_classes(text: str, present: str | None, absent: str | None) -> None:
    _assert_skills(text, present, absent)


# Gold set 9 (search-tool excerpts: Hong Kong, UN and US-government vacancies, China-related
# English ads, mainland notices): the classes of its misses. Sentences written for the class.
@pytest.mark.parametrize(
    ("text", "published", "deadline"),
    [
        # a job board's form: each label alone on its line, a month-name date joined by dashes
        (
            "Press Officer\n  • Apply by\n    Sep-15-2022\n  • Posted\n    Sep 02\n"
            "See rule ST/XX/2009/7 for eligibility.",
            date(2022, 9, 2),
            date(2022, 9, 15),
        ),
        # a vacancy announcement's open period: it opens on its first day, closes on its last;
        # the unambiguous date settles the order of the other (month first)
        (
            "VACANCY ANNOUNCEMENT\nOpen Period: 4/28/2019 \u2013 5/06/2019\nGrade: FP-05",
            date(2019, 4, 28),
            date(2019, 5, 6),
        ),
        (
            "Vacancy Announcement\nOpening Period: March 3, 2021 \u2013 March 17, 2021\nSalary: RMB",
            date(2021, 3, 3),
            date(2021, 3, 17),
        ),
        # USAJOBS: "Open & closing dates" alone on its line, past the page's menus
        (
            "Skip to main content\n" + "Menu item\n" * 70 + "Open & closing dates\n"
            "02/03/2023 to 02/17/2023\nSalary\n$90,000",
            date(2023, 2, 3),
            date(2023, 2, 17),
        ),
        # a job board's "Posted Date" past the page's menus
        (
            "Jobs\n" + "Menu item\n" * 70 + "- Posted Date March 01, 2024\n"
            "- Application Deadline April 10, 2024",
            date(2024, 3, 1),
            date(2024, 4, 10),
        ),
        # a vacancy form's announced and expiry dates; a UN board's posting end date
        (
            "Position Title: Press Assistant\n\nAnnounced Date: 03 May, 2022 "
            "Expire Date: 17 May, 2022\n\nClose date: 2022-05-17",
            date(2022, 5, 3),
            date(2022, 5, 17),
        ),
        (
            "Date posted: 2023-05-20\nTarget Start Date2023-08-01\n\nJob Posting End DateJune 9, 2023",
            date(2023, 5, 20),
            date(2023, 6, 9),
        ),
        # a re-post months after the original: a year-less registration range stays in the
        # original's year, not the next
        (
            "发布时间:2019-06-20\n\n2019年某国际组织翻译考试报名通知\n报名时间为2月1日到3月4日。",
            date(2019, 6, 20),
            date(2019, 3, 4),
        ),
        # a December notice closing in January: next year
        (
            "发布时间:2019-12-20\n\n某中心招聘公告\n报名时间为12月21日至1月5日。",
            date(2019, 12, 20),
            date(2020, 1, 5),
        ),
    ],
)
def test_vacancy_forms_and_reposts_date_the_ad(text: str, published: date, deadline: date) -> None:
    notice = _notice(text)
    assert (notice.published, notice.deadline) == (published, deadline)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Closing: Nov-30-2020.", [date(2020, 11, 30)]),
        ("Closing: nov/3/2020.", [date(2020, 11, 3)]),
        # an ambiguous a/b/year date takes the order of the text's other numeric dates
        ("Opens 5/20/2020, closes 6/01/2020.", [date(2020, 5, 20), date(2020, 6, 1)]),
        ("Opens 20/05/2020, closes 01/06/2020.", [date(2020, 5, 20), date(2020, 6, 1)]),
        ("Opens 05/06/2020, closes 05/20/2020.", [date(2020, 5, 6), date(2020, 5, 20)]),
        ("Closes 06/01/2020.", []),  # alone: ambiguous, unknown
    ],
)
def test_month_name_dates_joined_by_dashes_and_the_order_of_ambiguous_dates(
    text: str, expected: list[date]
) -> None:
    from analysis.normalise.dates import find_dates

    assert [d for d, _, _ in find_dates(text)] == expected


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # a verb list broken by a comma still organises the events
        ("Planning, organizing, and running forums and press events.", "event_organization", None),
        # model output flagged against a safety or content policy is moderation
        ("Rate chatbot answers and flag policy issues.", "content_moderation", None),
        # translation spoken as it happens is interpreting
        ("Attend talks where live translations are needed.", "interpreting", "translation"),
        ("Voicing-over feature stories and trailers.", "broadcasting_hosting", None),
        # a newsroom's coverage driven or led; investigative reporting
        ("The editor will drive our coverage of South Asia.", "news_writing", None),
        ("Five years of investigative reporting.", "news_writing", None),
        ("Help the team secure media coverage of our launches.", None, "news_writing"),
        ("负责宣传影片制作。", "video_editing", None),
        # the system annotated data is for is not the applicant's work
        ("负责对推荐系统所需的各类数据进行规范化标注。", None, "recommendation_algorithms"),
        ("完成标注任务,为金融AI产品提供标注数据,支撑机器学习模型训练。", None, "machine_learning"),
        ("负责推荐系统的开发与优化。", "recommendation_algorithms", None),
    ],
)
def test_gold_set_9_skill_classes(text: str, present: str | None, absent: str | None) -> None:
    _assert_skills(text, present, absent)


@pytest.mark.parametrize(
    ("text", "zh"),
    [
        ("具有较高的中外互译水平,语种不限。", True),  # Chinese and an unnamed foreign language
        ("能提供中外文对照的译作。", True),
        ("熟练进行汉外笔译。", True),
        ("负责中外记者的接待工作。", False),
        ("有中外合资企业工作经验。", False),
    ],
)
def test_chinese_paired_with_an_unnamed_foreign_language_is_asked(text: str, zh: bool) -> None:
    from analysis.normalise.languages import detect_languages

    found = {f.value for f in detect_languages(clean_text(text))}
    assert ("zh" in found) is zh


@pytest.mark.parametrize(
    ("text", "degree"),
    [
        # a university's programmes are taught, not asked
        ("The college offers courses at diploma, associate degree and degree levels.", None),
        ("学院设有本科专业二十个。应聘者须具有硕士学位。", "master"),
        # a bare "a degree" held or awarded
        ("Applicants must hold a degree awarded by a recognised university.", "bachelor"),
        ("This holds to a degree.", None),
        ("Suits a graduate with a degree or strong interest in product work.", None),
        # "diploma plus one year" holds no "a plus": the higher diploma route is required
        ("A degree in Journalism, or a higher diploma plus two years of experience.", "associate"),
    ],
)
def test_degrees_taught_held_or_routed(text: str, degree: str | None) -> None:
    from analysis.normalise.education import detect_education

    found = detect_education(clean_text(text))
    assert (found.value if found else None) == degree


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # others' translations checked or certified are vetted: copy editing
        ("Check translations performed by outside vendors for consistency.", "copy_editing", None),
        ("负责核证翻译文件。", "copy_editing", None),
        # transcription in Chinese words
        ("将访谈录音内容誊写成文字。", "subtitling", None),
        ("负责语音转写结果的质检。", "subtitling", None),
        # films examined against censorship standards are moderated
        ("按电影检查标准审查影片。", "content_moderation", None),
        # a reporter who breaks stories writes news
        ("The correspondent should break stories from the region.", "news_writing", None),
        # meetings prepared or organised, not papers prepared for them
        ("Assists in the organization of the annual board meetings.", "event_organization", None),
        ("Preparation of budget papers for committee meetings.", None, "event_organization"),
        # animation designed or made
        ("负责场景动画的设计与实现。", "design", None),
        ("Create stylised animations for game interfaces.", "design", None),
        # machine translation output corrected by a person is no NLP work
        ("对机器翻译结果进行校对和修正。", "copy_editing", "nlp"),
    ],
)
def test_gold_set_9_round_2_skill_classes(
    text: str, present: str | None, absent: str | None
) -> None:
    _assert_skills(text, present, absent)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a line that is a list of languages, under a hiring heading, with no competence word
        ("急需\n豪萨语、挪威语、爪哇语、泰卢固语、旁遮普语", {"ha", "no", "jv", "te", "pa"}),
        ("Part-time Interpreters (Twi, Igbo, Xhosa, Dhivehi)", {"tw", "ig", "xh", "dv"}),
        # a perk: language classes
        ("Free fruit\nEnglish, German, French and Italian classes\nFlexible hours", set()),
        # three languages are no such list
        ("急需\n豪萨语、挪威语、爪哇语", set()),
    ],
)
def test_a_line_listing_languages_names_those_one_may_work_in(
    text: str, expected: set[str]
) -> None:
    from analysis.normalise.languages import detect_languages

    found = detect_languages(clean_text(text))
    assert {f.value for f in found} == expected
    assert all(f.required is None for f in found)  # one of them, not each


@pytest.mark.parametrize(
    ("text", "abroad"),
    [
        # others' study abroad served by the applicant's duty
        ("Handles the affairs of our students studying abroad.", False),
        ("Runs the grant for study abroad and overseas internships.", False),
        ("协助学生办理出国留学手续。", False),
        # students abroad as applicants, and study abroad asked
        ("Students studying abroad are welcome to apply.", True),
        ("Experience studying abroad is a plus.", True),
    ],
)
def test_study_abroad_served_by_a_duty_is_not_asked(text: str, abroad: bool) -> None:
    from analysis.normalise.overseas import detect_overseas

    assert bool(detect_overseas(clean_text(text))) is abroad


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # an editor's passes over others' drafts and contributors' commentaries
        ("Strengthen drafts through line-edits and structural fixes.", "copy_editing"),
        ("You will edit and revise copy from two staff writers.", "copy_editing"),
        ("The editor will edit newspaper-length commentaries.", "copy_editing"),
    ],
)
def test_gold_set_9_round_3_copy_editing(text: str, present: str) -> None:
    _assert_skills(text, present, None)


@pytest.mark.parametrize(
    ("text", "native"),
    [
        # native as one of two levels asked
        ("Native or professional fluency in Chinese (Simplified and Traditional).", {"zh"}),
        ("Native or full professional proficiency in Japanese.", {"ja"}),
        # native-level is a level of skill, not a native speaker
        ("Native-level or professional fluency in Korean.", set()),
        ("Professional fluency in Chinese.", set()),
    ],
)
def test_native_as_one_of_two_levels_asks_a_native_speaker(text: str, native: set[str]) -> None:
    from analysis.normalise.languages import detect_native_speakers

    assert {f.value for f in detect_native_speakers(clean_text(text))} == native


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # a title qualified by the speaker it wants asks for the language
        ("Night Desk Editor (Chinese speaker) - based in Singapore\nJoin the desk.", {"zh"}),
        ("Video Producer (Spanish Speakers)\nShoot and cut clips.", {"es"}),
        ("Subtitler - Polish speaker\nSubtitle films.", {"pl"}),
        ("Correspondent (native Chinese speaker)\nCover the region.", {"zh"}),
        # speakers as the readers served stay out
        ("Our readers include Chinese speakers worldwide.\nWrite the news.", set()),
        ("We make videos for Spanish speakers (in Latin America).", set()),
    ],
)
def test_speaker_qualifying_a_title_asks_the_language(text: str, codes: set[str]) -> None:
    from analysis.normalise.languages import detect_languages

    found = [f for f in detect_languages(clean_text(text)) if f.field == "language"]
    assert {f.value for f in found} == codes
    assert all(f.required is True for f in found)


_LONG_PARAGRAPH = (
    "You will lead the desk's coverage of markets and policy, and work with reporters across "
    "the region on the stories that move them."
)


@pytest.mark.parametrize(
    ("tail", "published"),
    [
        # a date alone closing the text, below a paragraph, is the posting's date
        ("24 September 2021", date(2021, 9, 24)),
        ("September 24, 2021", date(2021, 9, 24)),
        ("2021年9月24日", date(2021, 9, 24)),
        # an English date line longer than a Chinese one still signs under the issuer
        ("Global News Desk\nWednesday, 24 September 2021", date(2021, 9, 24)),
        # a date labelled above as another event's is not
        ("Send your CV before the closing date\n24 September 2021", None),
    ],
)
def test_a_date_line_closing_the_text_is_its_publication_date(
    tail: str, published: date | None
) -> None:
    from analysis.normalise.published import detect_published

    body = "\n".join([_LONG_PARAGRAPH] * 5)  # past the first five lines, where a bare date counts
    found = detect_published(clean_text(f"Desk Editor\n{body}\n{tail}"))
    assert (found[0] if found else None) == published
