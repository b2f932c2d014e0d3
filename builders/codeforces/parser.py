"""Codeforces problem pages -> problem fields, text as Markdown with `$` math.

Works on a single problem page and on a contest's `/problems` page (every
statement of the contest). Math comes in three shapes and leaves in one:
raw `$$$x$$$` (inline) / `$$$$$$x$$$$$$` (display) becomes `$x$` / `$$x$$`;
old `span.tex-span` markup (`<i>`, `<sup>`, `<sub>`) becomes `$...$`; pages
saved after MathJax ran keep the `script type="math/tex"` source and drop the
rendered spans. Sample `pre` blocks come with `<br>` lines, plain newlines, or
one `div.test-example-line` per line; all give the exact text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag

BASE_URL = "https://codeforces.com"
_BLOCKS = {"p", "div", "ul", "ol", "li", "center", "pre", "table", "tr", "h1", "h2", "h3", "blockquote"}


class PageError(ValueError):
    """The page is not a Codeforces problem page (or not one we can read)."""


@dataclass
class ParsedProblem:
    index: str
    title: str
    time_limit: float  # seconds
    memory_limit: float  # megabytes
    input_file: str  # "standard input" or a file name
    output_file: str
    legend: str
    input_format: str
    output_format: str
    interaction_format: str
    examples: list[dict] = field(default_factory=list)  # {"input", "output"}
    note: str = ""
    images: list[str] = field(default_factory=list)
    interactive: bool = False

    @property
    def input_mode(self) -> str:
        return "stdio" if self.input_file in ("standard input", "") else "file"

    def to_dict(self) -> dict:
        return {**asdict(self), "input_mode": self.input_mode}


def _number(text: str, where: str) -> float:
    match = re.search(r"([0-9]+(?:\.[0-9]+)?)", text)
    if not match:
        raise PageError(f"{where}: no number in {text!r}")
    return float(match.group(1))


def _untitled(parent: Tag, css: str, title_css: str) -> Tag | None:
    """The node `css` inside `parent`, with its label (`title_css`) removed."""
    node = parent.select_one(css)
    if node is not None and (title := node.select_one(title_css)) is not None:
        title.extract()
    return node


def _property(header: Tag, css: str) -> str:
    node = _untitled(header, css, ".property-title")
    return "" if node is None else node.get_text(" ", strip=True)


def _math_from_script(script: Tag) -> str:
    source = script.get_text().strip()
    return f"$${source}$$" if "mode=display" in (script.get("type") or "") else f"${source}$"


def _tex_span(node: Tag) -> str:
    """Old-style math: `<i>n</i>`, `10<sup>9</sup>`, `a<sub>i</sub>` -> `$n$`, `$10^{9}$`, `$a_{i}$`."""

    def walk(part) -> str:
        if isinstance(part, NavigableString):
            return str(part)
        inner = "".join(walk(child) for child in part.children)
        if part.name == "sup":
            return f"^{{{inner}}}"
        if part.name == "sub":
            return f"_{{{inner}}}"
        return inner

    return "$" + re.sub(r"\s+", " ", walk(node).replace("\u2009", " ").replace("\u202f", " ")).strip() + "$"


def _inline(node, base_url: str, images: list[str]) -> str:
    """Markdown for inline content."""
    if isinstance(node, NavigableString):
        return str(node)
    if not isinstance(node, Tag):
        return ""
    classes = node.get("class") or []
    if node.name == "script":
        return _math_from_script(node) if (node.get("type") or "").startswith("math/tex") else ""
    if node.name in ("style",) or any(c.startswith("MathJax") for c in classes):
        return ""  # rendered math: the script next to it holds the source
    if "tex-span" in classes:
        return _tex_span(node)
    if node.name == "br":
        return "\n"
    if node.name == "img":
        url = urljoin(base_url + "/", node.get("src") or "")
        images.append(url)
        return f"![]({url})"
    inner = "".join(_inline(child, base_url, images) for child in node.children)
    if "tex-font-style-tt" in classes or node.name == "code":
        return f"`{inner}`"
    if "tex-font-style-bf" in classes or node.name in ("b", "strong"):
        return f"**{inner}**"
    if "tex-font-style-it" in classes or node.name in ("em",):
        return f"*{inner}*"
    if node.name == "a" and node.get("href"):
        return f"[{inner}]({urljoin(base_url + '/', node['href'])})"
    return inner


def _normalise_math(text: str) -> str:
    text = re.sub(r"\$\$\$\$\$\$(.+?)\$\$\$\$\$\$", lambda m: f"$${m.group(1).strip()}$$", text, flags=re.S)
    return re.sub(r"\$\$\$(.+?)\$\$\$", lambda m: f"${m.group(1).strip()}$", text, flags=re.S)


def _clean(text: str) -> str:
    text = _normalise_math(text.replace("\xa0", " ").replace("\u2009", " ").replace("\u202f", " "))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return text.strip()


def _blocks(node: Tag, base_url: str, images: list[str]) -> str:
    """Markdown for a section: paragraphs, lists, code blocks."""
    parts: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = _clean("".join(inline))
        if text:
            parts.append(text)
        inline.clear()

    for child in node.children:
        if isinstance(child, Tag) and child.name in _BLOCKS and "tex-span" not in (child.get("class") or []):
            flush()
            if child.name == "pre":
                parts.append("```\n" + pre_text(child).rstrip("\n") + "\n```")
            elif child.name in ("ul", "ol"):
                items = [_clean(_inline(li, base_url, images)) for li in child.find_all("li", recursive=False)]
                marker = "-" if child.name == "ul" else "1."
                parts.append("\n".join(f"{marker} {item}" for item in items))
            else:
                text = _blocks(child, base_url, images)
                if text:
                    parts.append(text)
        else:
            inline.append(_inline(child, base_url, images))
    flush()
    return "\n\n".join(parts)


def pre_text(pre: Tag) -> str:
    """The exact text of a sample: `<br>` lines, plain newlines, or test-example-line divs."""
    lines = pre.select("div.test-example-line")
    if lines:
        return "".join(line.get_text() + "\n" for line in lines)
    pieces = []
    for child in pre.children:
        if isinstance(child, NavigableString):
            pieces.append(str(child))
        elif isinstance(child, Tag):
            pieces.append("\n" if child.name == "br" else child.get_text())
    text = "".join(pieces)
    return text[1:] if text.startswith("\n") else text  # HTML drops the newline right after <pre>


SECTION_CLASSES = {"input-specification": "input", "output-specification": "output",
                   "interaction-specification": "interaction", "note": "note"}  # fmt: skip
# The titles of sections that real pages put in a plain <div> (no class): interactive
# problems' "Interaction" is one. English and Russian pages.
SECTION_TITLES = {"input": "input", "входные данные": "input", "output": "output", "выходные данные": "output",
                  "interaction": "interaction", "протокол взаимодействия": "interaction", "note": "note",
                  "notes": "note", "примечание": "note", "примечания": "note"}  # fmt: skip
INTERACTIVE_LEGEND = re.compile(r"\bthis is an interactive problem\b|\bэто интерактивная задача\b", re.IGNORECASE)


def _sections(statement: Tag) -> tuple[Tag | None, dict[str, Tag]]:
    """The legend (the first plain <div> without a title) and the titled sections by
    kind, known by their class or, in a plain <div>, by their title."""
    legend, sections = None, {}
    for child in statement.find_all("div", recursive=False):
        classes = child.get("class") or []
        kind = next((SECTION_CLASSES[c] for c in classes if c in SECTION_CLASSES), None)
        title = child.find("div", class_="section-title", recursive=False)
        if kind is None and not classes:
            if title is None:
                legend = legend if legend is not None else child
                continue
            kind = SECTION_TITLES.get(title.get_text(" ", strip=True).rstrip(":").lower())
        if kind is None or kind in sections:
            continue
        if title is not None:
            title.extract()
        sections[kind] = child
    return legend, sections


def parse_statement(statement: Tag, base_url: str = BASE_URL) -> ParsedProblem:
    header = statement.select_one("div.header")
    if header is None:
        raise PageError("a problem-statement without a header")
    title_text = header.select_one("div.title").get_text(" ", strip=True)
    index, _, title = title_text.partition(". ")
    where = f"problem {title_text!r}"
    time_limit = _number(_property(header, "div.time-limit"), where)
    memory_limit = _number(_property(header, "div.memory-limit"), where)
    input_file, output_file = _property(header, "div.input-file"), _property(header, "div.output-file")
    images: list[str] = []
    legend_node, sections = _sections(statement)
    legend = _blocks(legend_node, base_url, images) if legend_node is not None else ""

    def section(kind: str) -> str:
        return _blocks(sections[kind], base_url, images) if kind in sections else ""

    examples = []
    for sample in statement.select("div.sample-test"):
        inputs = [pre_text(div.find("pre")) for div in sample.select("div.input")]
        outputs = [pre_text(div.find("pre")) for div in sample.select("div.output")]
        examples += [{"input": i, "output": o} for i, o in zip(inputs, outputs, strict=False)]
    interaction = section("interaction")
    problem = ParsedProblem(
        index=index.strip(), title=title.strip(), time_limit=time_limit, memory_limit=memory_limit,
        input_file=input_file, output_file=output_file, legend=legend,
        input_format=section("input"), output_format=section("output"), interaction_format=interaction,
        examples=examples, note=section("note"), images=images,
        interactive=bool(interaction) or "interactive" in input_file.lower() or bool(INTERACTIVE_LEGEND.search(legend)),
    )  # fmt: skip
    return problem


def parse_page(html: str, base_url: str = BASE_URL) -> list[ParsedProblem]:
    """Every problem statement on a page, in page order."""
    soup = BeautifulSoup(html, "lxml")
    statements = soup.select("div.problem-statement")
    if not statements:
        raise PageError("no div.problem-statement on the page (a login or challenge page?)")
    return [parse_statement(s, base_url) for s in statements]
