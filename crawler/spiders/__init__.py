"""Crawl stage: thin spiders, one per kind of source; parsing lives in analysis.extract.pages."""
