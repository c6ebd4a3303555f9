"""Site stage of the mirror build: the English job board.

Input: notices.yaml as loaded (the jobs site's notices, one position per ad).
Output: files (path -> bytes, Content-Type) of the job pages with schema.org JobPosting
JSON-LD, the paginated job lists and the board's home page.
"""

from __future__ import annotations

import json
from typing import Any

from mirror.paths import HTML_UTF8, Files
from mirror.render import by_date_desc, en_date, english_blocks, esc, published_at, render_blocks

JOBS_PER_PAGE = 4


# --------------------------------------------------------------------------- jobs board


def job_posting_ld(item: dict[str, Any], description: str) -> str:
    """schema.org JobPosting JSON-LD; '</' is escaped so it cannot close the script."""
    city, _, region = item["location"].partition(", ")
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": item["title"],
        "description": description,
        "datePosted": item["published"][:10],
        "validThrough": f"{item['valid_through']}T23:59:59+08:00",
        "employmentType": "FULL_TIME",
        "hiringOrganization": {"@type": "Organization", "name": item["employer_en"]},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": city,
                "addressRegion": region or city,
                "addressCountry": "CN",
            },
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def jobs_head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
        f"<title>{esc(title)} | Silk Road Media Jobs</title>\n"
    )


def render_job_detail(item: dict[str, Any]) -> bytes:
    moment = published_at(item)
    description = render_blocks(english_blocks(item), "jobs")
    head = jobs_head(item["title"])
    if item.get("jsonld", True):
        head += (
            '<script type="application/ld+json">\n'
            + job_posting_ld(item, description)
            + "\n</script>\n"
        )
    page = (
        head
        + '</head>\n<body class="single-job_listing">\n'
        + '<header class="site-header"><a href="../../">Silk Road Media Jobs</a> '
        + '<a href="../../jobs/">Browse jobs</a></header>\n'
        + '<main id="main" class="site-main"><article class="job_listing">\n'
        + f'<h1 class="entry-title">{esc(item["title"])}</h1>\n'
        + '<ul class="job-listing-meta meta">\n'
        + f'<li class="company">{esc(item["employer_en"])}</li>\n'
        + f'<li class="location">{esc(item["location"])}</li>\n'
        + f'<li class="date-posted">Posted on {en_date(moment)}</li>\n'
        + "</ul>\n"
        + f'<div class="job_description entry-content">\n{description}\n</div>\n'
        + "</article></main>\n"
        + '<footer class="site-footer">Offline demo mirror.</footer>\n'
        + "</body>\n</html>\n"
    )
    return page.encode("utf-8")


def render_job_list(items: list[dict[str, Any]], page: int, pages: int) -> bytes:
    """A job-board list page; page N lives at jobs/page/N/."""
    root = "../" if page == 1 else "../../../"
    lists = "../../" if page > 1 else ""  # from page/N/ back to jobs/
    cards = "\n".join(
        '<article class="job-card">'
        f'<h2 class="job-title"><a href="{root}job/{n["slug"]}/">{esc(n["title"])}</a></h2>'
        f'<div class="company">{esc(n["employer_en"])}</div>'
        f'<div class="location">{esc(n["location"])}</div>'
        f'<time datetime="{n["published"][:10]}">{en_date(published_at(n))}</time>'
        "</article>"
        for n in items
    )

    def page_href(i: int) -> str:
        return f"{lists}index.html" if i == 1 else f"{lists}page/{i}/"

    nav = []
    if page > 1:
        nav.append(
            f'<a class="prev page-numbers" href="{page_href(page - 1)}">&laquo; Previous</a>'
        )
    for i in range(1, pages + 1):
        if i == page:
            nav.append(f'<span aria-current="page" class="page-numbers current">{i}</span>')
        else:
            nav.append(f'<a class="page-numbers" href="{page_href(i)}">{i}</a>')
    if page < pages:
        nav.append(f'<a class="next page-numbers" href="{page_href(page + 1)}">Next &raquo;</a>')
    body = (
        jobs_head("Jobs")
        + "</head>\n<body>\n"
        + f'<header class="site-header"><a href="{root}">Silk Road Media Jobs</a></header>\n'
        + f'<main id="main"><div class="job-listings">\n{cards}\n</div>\n'
        + f'<nav class="navigation pagination">{"".join(nav)}</nav></main>\n'
        + "</body>\n</html>\n"
    )
    return body.encode("utf-8")


def build_jobs(data: dict[str, Any]) -> Files:
    notices = [n for n in data["notices"] if n["site"] == "jobs"]
    files: Files = {}
    for item in notices:
        files[f"jobs/job/{item['slug']}/index.html"] = (render_job_detail(item), HTML_UTF8)
    entries = by_date_desc(notices)
    chunks = [entries[i : i + JOBS_PER_PAGE] for i in range(0, len(entries), JOBS_PER_PAGE)]
    for page, chunk in enumerate(chunks, start=1):
        path = "jobs/jobs/index.html" if page == 1 else f"jobs/jobs/page/{page}/index.html"
        files[path] = (render_job_list(chunk, page, len(chunks)), HTML_UTF8)
    home = (
        jobs_head("Home") + '</head>\n<body>\n<a href="jobs/">Browse jobs</a>\n</body>\n</html>\n'
    )
    files["jobs/index.html"] = (home.encode("utf-8"), HTML_UTF8)
    return files
