"""Crawl stage: generic listing → detail spider for ICC, newspaper-group and government CMS sites.

Input: `kind: cms` sources (TRS WCM, 大汉 JCMS and similar list pages).
Output: PageItems; pagination and detail-link choice live in `analysis.extract.pages.listing`.
"""

from crawler.spiders.base import NoticeSpider


class CmsSpider(NoticeSpider):
    name = "cms"
    kind = "cms"
