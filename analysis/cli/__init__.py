"""The `icc-talent` command line: thin wrappers over the library functions of each stage.

Input: the user's command and options (the store path from --db or ICC_TALENT_DB).
Output: tables, files and one-line errors. `base` holds the group and what commands share;
`crawling` (demo, crawl, reprocess) and `sources` (list, check, discover) are the faces that
reach into `crawler/` and `mirror/`, lazily, so the rest of `analysis/` stays offline and
Scrapy-free; `records` reads the store (query, show, export, serve); `analysing` reports and
measures (report, normalise, evaluate).
"""

from analysis.cli import analysing, crawling, records, sources
from analysis.cli.base import DB_ENV, UserError, cli, db_option, default_db, main, open_store

__all__ = [
    "DB_ENV",
    "UserError",
    "analysing",
    "cli",
    "crawling",
    "db_option",
    "default_db",
    "main",
    "open_store",
    "records",
    "sources",
]
