"""Codeforces pages other than statements: the contest sidebar (name, tutorial
links), blog entries (editorials) and submission pages (accepted code)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from builders.codeforces.parser import BASE_URL, _blocks

if TYPE_CHECKING:
    from builders.codeforces.fetch import Fetcher

TUTORIAL_WORDS = ("tutorial", "editorial", "разбор")


def contest_name(html: str) -> str | None:
    """The contest's name from a problem page's sidebar, if shown."""
    soup = BeautifulSoup(html, "lxml")
    link = soup.select_one('a[href^="/contest/"][style*="color: black"]') or soup.select_one("th.left a")
    return link.get_text(" ", strip=True) if link else None


def tutorial_links(html: str, base_url: str = BASE_URL) -> list[str]:
    """Blog entries the page links as the contest's tutorial/editorial."""
    soup = BeautifulSoup(html, "lxml")
    links = []
    for a in soup.select('a[href*="/blog/entry/"]'):
        text = (a.get_text(" ", strip=True) + " " + (a.get("title") or "")).lower()
        if any(word in text for word in TUTORIAL_WORDS):
            url = urljoin(base_url + "/", a["href"])
            if url not in links:
                links.append(url)
    return links


def blog_text(html: str, base_url: str = BASE_URL) -> str:
    """A blog entry's content as Markdown (the same math and list handling as statements)."""
    soup = BeautifulSoup(html, "lxml")
    content = soup.select_one("div.content div.ttypography") or soup.select_one("div.ttypography")
    if content is None:
        raise ValueError("no blog content (div.ttypography) on the page")
    return _blocks(content, base_url, [])


def split_editorial(text: str, contest_id: int, indices: list[str]) -> dict[str, str]:
    """Per-problem parts of a contest tutorial, found by headings such as `1211A - Three Problems`
    or `Problem A`. Every such heading ends the previous part, also for problems not asked for.
    Problems with no heading get nothing: a wrong editorial is worse than none."""
    heading = re.compile(rf"(?m)^(?:\*\*)?\s*(?:{contest_id}\s*|Problem\s+)([A-Z][0-9]?)\b")
    marks = [(match.start(), match.group(1)) for match in heading.finditer(text)]
    parts = {}
    for number, (start, index) in enumerate(marks):
        end = marks[number + 1][0] if number + 1 < len(marks) else len(text)
        if index in indices and index not in parts:
            parts[index] = text[start:end].strip()
    return parts


def submission_source(html: str) -> tuple[str, str]:
    """(language, code) of a submission page; the language from the page's info table."""
    soup = BeautifulSoup(html, "lxml")
    pre = soup.select_one("pre#program-source-text")
    if pre is None:
        raise ValueError("no pre#program-source-text on the submission page")
    language = ""
    for cell in soup.select("table td"):
        text = cell.get_text(" ", strip=True)
        if re.search(r"(GNU C\+\+|C\+\+|Python|PyPy|Clang)", text):
            language = text
            break
    return language, pre.get_text()


JUDGED_LANGUAGES = ("C++", "Py")  # what a submission's programmingLanguage must name for the judge to run it


def submissions_with_code(fetcher: Fetcher, contest: int, wanted: Callable[[dict], bool],
                          missing: Callable[[str], None]) -> Iterator[tuple[dict, str, str]]:  # fmt: skip
    """(submission, code, page URL) for each C++ or Python submission of `contest.status` that
    `wanted` asks for (checked just before its page is fetched, so a caller's caps hold), in
    the API's order; `missing` is told, in one line each, what could not be fetched."""
    from builders.codeforces.fetch import FetchError

    try:
        submissions = fetcher.api("contest.status", contestId=contest, **{"from": 1, "count": 1000})
    except FetchError as exc:
        missing(f"submissions of contest {contest} (contest.status): {exc}")
        return
    for sub in submissions:
        language = sub.get("programmingLanguage") or ""
        if not any(name in language for name in JUDGED_LANGUAGES) or not wanted(sub):
            continue
        path = f"contest/{contest}/submission/{int(sub['id'])}"
        try:
            _, code = submission_source(fetcher.page(path))
        except (FetchError, ValueError) as exc:
            missing(f"submission {sub['id']}: {exc}")
            continue
        yield sub, code, f"{fetcher.base_url}/{path}"
