"""Crawl stage: English job boards that carry state-media ads for foreign hires.

Input: `kind: jobboard` sources (list pages with `page/N/` pagination).
Output: PageItems; postings are parsed from schema.org JobPosting JSON-LD when present.
"""

from crawler.spiders.base import NoticeSpider


class JobboardSpider(NoticeSpider):
    name = "jobboard"
    kind = "jobboard"
