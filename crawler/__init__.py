"""Crawl stage: the Scrapy project (the only code that touches the network)."""
