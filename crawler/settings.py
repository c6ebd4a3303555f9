"""Crawl stage: Scrapy settings for every icc-talent spider.

Polite by default (robots.txt, AutoThrottle, ≤ 2 requests per domain); every response is archived
to WARC and every item is normalised and stored in SQLite by the pipelines below.
"""

BOT_NAME = "icc-talent"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are and how to reach us: site operators should be able to tell what this bot does.
ICC_CONTACT = "https://github.com/icc-talent/icc-talent (set ICC_CONTACT to your e-mail)"
USER_AGENT = f"icc-talent/0.1 (+research crawler of public recruitment notices; {ICC_CONTACT})"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 % around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # Sits close to the engine, so it sees the final, decompressed response.
    "crawler.archive.WarcArchiveMiddleware": 60,
    # Replaces Scrapy's RetryMiddleware: the same retries, but 429/503 wait for Retry-After.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "crawler.middlewares.FixedProxyMiddleware": 740,
}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 300,
}

# icc-talent's own settings (all overridable with -s NAME=value).
ICC_DB = "data/icc-talent.sqlite"  # below $ICC_TALENT_DB, above it when given: crawler.state
ICC_ARCHIVE_DIR = "data/archive"
ICC_SOURCES_FILE = ""  # empty: the bundled registry
ICC_BASE_URL = ""  # resolves relative start URLs (the offline mirror uses it)
ICC_HTTP_PROXY = ""  # send every request through this proxy (the offline mirror uses it)
ICC_RUN_ID = 0  # set by `icc-talent crawl`; 0 means the pipeline opens a run itself
ICC_REFETCH_KNOWN = False  # re-download detail pages already stored
ICC_MAX_LIST_PAGES = 50  # list pages per source and run (a source's max_pages overrides it)
# A WeChat feed engine's URL per account: wewe-rss `http://127.0.0.1:4000/feeds/{account}.atom`,
# or an RSSHub route with {biz}/{account} (docs/SOURCES.md). Empty: start_urls only.
ICC_WECHAT_FEED_TEMPLATE = ""
ICC_ARTICLE_MAX_PARTS = 10  # pages of one article split over several (`_2.html`, 下一页)
ICC_FULL_PAGING = False  # page through whole lists even after a page of only known notices
ICC_ATTACHMENT_MAXSIZE = 20 * 1024 * 1024  # bigger attachments are skipped (and recorded)
# A notice's attachments are fetched and parsed one at a time, each read up to the table rows the
# notice has left (analysis.extract.RowBudget): the crawl holds one file's rows at a time and a
# notice's together stay within the memory budget however many files it links.
ICC_MAX_ATTACHMENTS = 20  # attachments fetched per notice, in link order (real: one to five)
ICC_NOTICE_MAX_TABLE_ROWS = 25_000  # table rows per notice (25,000: normalise worker 382 MB)
# Each attachment is parsed in a child process limited in CPU time (the work it does: a loaded
# machine does not make an honest file fail) and, as a backstop, in wall time.
ICC_PARSE_CPU_SECONDS = 30.0  # CPU seconds per attachment parse (50,000 .xlsx rows: 13.3)
ICC_PARSE_TIMEOUT = 180.0  # wall-clock seconds per attachment parse, whatever the child does
ICC_PARSE_MEMORY_MB = 1024  # address-space limit of that child process
ICC_RETRY_AFTER_MAX = 300  # honour Retry-After up to this many seconds; longer: give up
ICC_NORMALISER = "analysis.process.process_notice"  # (notice, *, fetched_at) -> Processed | …
ICC_NORMALISE_WORKERS = 2  # worker processes per spider; 0: normalise on the reactor thread
# A notice's normalising is limited in its worker's CPU time, with a wall-clock backstop; an
# overrun is stored with its text, flagged, not normalised.
ICC_NORMALISE_TIMEOUT = 20.0  # CPU seconds per notice
ICC_NORMALISE_WALL_TIMEOUT = 120.0  # wall-clock seconds per notice, however little CPU it got
