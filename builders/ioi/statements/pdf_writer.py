"""A small deterministic PDF writer for statement PDFs in the example packages and the tests.

The extractor (`pdf.py`) has to be tested on PDFs whose glyphs we place ourselves:
ligature glyphs, exponents set smaller and raised, subscripts, running headers and
footers, monospace code, a subtask table. This writes the standard Type 1 fonts
(nothing to embed, so files stay a few kilobytes), declares /Widths so that viewers,
pypdf and this layout measure text alike, maps non-ASCII characters to named glyphs
through /Differences (as TeX fonts do with `fi`), and writes nothing time-dependent:
the same calls give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FONTS = {"regular": "Helvetica", "bold": "Helvetica-Bold", "italic": "Helvetica-Oblique", "mono": "Courier"}
# Helvetica's advance widths (per 1000 units of the font size) for printable ASCII, from its AFM metrics.
_HELVETICA = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 278, 278, 584, 584,
     584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
     611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222,
     222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584],
    strict=True,
))  # fmt: skip
# Characters beyond ASCII: (code in our encoding, glyph name, Helvetica width).
_EXTRA = {"\ufb01": (128, "fi", 500), "\ufb02": (129, "fl", 500), "\u2264": (130, "lessequal", 549),
          "\u2265": (131, "greaterequal", 549), "\u00d7": (132, "multiply", 584),
          "\u00b7": (133, "periodcentered", 278), "\u2026": (134, "ellipsis", 1000), "\u2212": (135, "minus", 584),
          "\u2022": (136, "bullet", 350), "\u2013": (137, "endash", 556), "\u2019": (138, "quoteright", 222),
          "\u00a0": (139, "space", 278)}  # fmt: skip
_CODES = {char: code for char, (code, _, _) in _EXTRA.items()}


def text_width(text: str, font: str, size: float) -> float:
    """Advance width in points, as the /Widths written for that font say."""
    if FONTS[font] == "Courier":
        return 0.6 * size * len(text)
    return sum(_HELVETICA.get(c, _EXTRA.get(c, (0, "", 556))[2]) for c in text) * size / 1000


def _encode(text: str) -> bytes:
    out = bytearray()
    for char in text:
        byte = _CODES.get(char, ord(char))
        if byte > 126 and char not in _CODES:
            raise ValueError(f"the PDF writer has no glyph for {char!r}")
        out += b"\\" + bytes([byte]) if char in "()\\" else bytes([byte])
    return bytes(out)


@dataclass
class Span:
    """Text in one font and size; `rise` lifts it (points) above the line's baseline, negative lowers it."""

    text: str
    font: str = "regular"
    size: float = 11.0
    rise: float = 0.0


@dataclass
class Page:
    operations: list[bytes] = field(default_factory=list)

    def line(self, x: float, y: float, spans: list[Span] | str, size: float = 11.0, font: str = "regular") -> float:
        """Write spans one after the other from (x, y), each placed by its own text matrix as PDF producers do;
        returns where the line ends."""
        spans = [Span(spans, font, size)] if isinstance(spans, str) else spans
        merged: list[Span] = []
        for span in spans:  # one string per stretch of one style, as producers write it
            last = merged[-1] if merged else None
            if last and (last.font, last.size, last.rise) == (span.font, span.size, span.rise):
                merged[-1] = Span(last.text + span.text, span.font, span.size, span.rise)
            else:
                merged.append(span)
        parts = [b"BT"]
        for span in merged:
            number = list(FONTS).index(span.font) + 1
            place = (number, _num(span.size), _num(x), _num(y + span.rise), _encode(span.text))
            parts.append(b"/F%d %s Tf 1 0 0 1 %s %s Tm (%s) Tj" % place)
            x += text_width(span.text, span.font, span.size)
        parts.append(b"ET")
        self.operations.append(b" ".join(parts))
        return x


def _num(value: float) -> bytes:
    return (b"%.2f" % value).rstrip(b"0").rstrip(b".")


@dataclass
class Document:
    width: float = 595.0  # A4
    height: float = 842.0
    pages: list[Page] = field(default_factory=list)

    def page(self) -> Page:
        self.pages.append(Page())
        return self.pages[-1]

    def _font(self, name: str) -> bytes:
        if name == "Courier":
            widths = [600] * 112
        else:
            widths = [_HELVETICA.get(chr(c), 0) for c in range(32, 127)] + [0]
            widths += [next((w for code, _, w in _EXTRA.values() if code == c), 0) for c in range(128, 140)]
        differences = b" ".join(b"%d /%s" % (code, glyph.encode()) for code, glyph, _ in _EXTRA.values())
        return (b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /FirstChar 32 /LastChar 139 /Widths [%s] "
                b"/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [%s] >> >>"
                % (name.encode(), b" ".join(b"%d" % w for w in widths), differences))  # fmt: skip

    def to_bytes(self) -> bytes:
        fonts = {key: 3 + index for index, key in enumerate(FONTS)}
        first_page = 3 + len(FONTS)
        kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(self.pages)))
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.pages))]  # fmt: skip
        objects += [self._font(name) for name in FONTS.values()]
        resources = b" ".join(b"/F%d %d 0 R" % (i + 1, fonts[key]) for i, key in enumerate(FONTS))
        for index, page in enumerate(self.pages):
            stream = b"\n".join(page.operations)
            objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Contents %d 0 R "
                           b"/Resources << /Font << %s >> >> >>"
                           % (_num(self.width), _num(self.height), first_page + 2 * index + 1, resources))  # fmt: skip
            objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        body, offsets = b"%PDF-1.4\n", []
        for number, obj in enumerate(objects, 1):
            offsets.append(len(body))
            body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
        xref = len(body)
        body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_bytes())


Words = list[list[Span]]  # a word may be several spans: "10" + a raised "15" + ","


def _words(spans: list[Span] | str) -> Words:
    spans = [Span(spans)] if isinstance(spans, str) else spans
    words: Words = []
    glued = False  # does the next piece continue the last word (no space in between)?
    for span in spans:
        for index, piece in enumerate(span.text.split(" ")):
            if index > 0:
                glued = False
            if piece:
                if glued and words:
                    words[-1].append(Span(piece, span.font, span.size, span.rise))
                else:
                    words.append([Span(piece, span.font, span.size, span.rise)])
                glued = True
    return words


@dataclass
class Flow:
    """Statement blocks laid out top to bottom on A4 pages, a new page when one is full, and the
    running header and footer the IOI statement PDFs carry written on every page at the end."""

    document: Document = field(default_factory=Document)
    left: float = 72.0
    width: float = 451.0
    top: float = 760.0
    bottom: float = 80.0
    leading: float = 14.0
    y: float = 0.0

    def _room(self, height: float) -> Page:
        if not self.document.pages or self.y - height < self.bottom:
            self.document.page()
            self.y = self.top
        return self.document.pages[-1]

    def _wrapped(self, words: Words, width: float) -> list[list[Span]]:
        lines: list[list[Span]] = [[]]
        used = 0.0
        for word in words:
            size = sum(text_width(s.text, s.font, s.size) for s in word)
            space = text_width(" ", word[0].font, word[0].size)
            if lines[-1] and used + space + size > width:
                lines.append([])
                used = 0.0
            if lines[-1]:
                lines[-1].append(Span(" ", word[0].font, word[0].size))
                used += space
            lines[-1] += word
            used += size
        return lines

    def page_break(self) -> None:
        self.document.page()
        self.y = self.top

    def heading(self, text: str, size: float = 14.0) -> None:
        self.y -= 0.6 * size
        self._room(size).line(self.left, self.y - size, text, size, "bold")
        self.y -= size + 0.6 * size

    def paragraph(self, spans: list[Span] | str, indent: float = 0.0, bullet: str = "") -> None:
        for index, line in enumerate(self._wrapped(_words(spans), self.width - indent)):
            page = self._room(self.leading)
            if bullet and index == 0:
                page.line(self.left + indent - 12, self.y - 11, bullet)
            page.line(self.left + indent, self.y - 11, line)
            self.y -= self.leading
        self.y -= 0.6 * self.leading

    def bullets(self, items: list[list[Span] | str]) -> None:
        for item in items:
            self.paragraph(item, indent=18, bullet="\u2022")
            self.y += 0.4 * self.leading

    def code(self, lines: list[str], size: float = 10.0) -> None:
        for line in lines:
            self._room(self.leading).line(self.left + 12, self.y - size, line, size, "mono")
            self.y -= 1.2 * size
        self.y -= 0.8 * self.leading

    def table(self, header: list[str], rows: list[list[list[Span] | str]], columns: list[float]) -> None:
        """A grid: column i starts at `columns[i]` points from the left; cells wrap within their column."""
        widths = [b - a - 8 for a, b in zip(columns, [*columns[1:], self.width], strict=True)]
        for cells, font in ((header, "bold"), *((row, "regular") for row in rows)):
            wrapped = [self._wrapped(_words([Span(c, font)] if isinstance(c, str) else c), w)
                       for c, w in zip(cells, widths, strict=True)]  # fmt: skip
            height = max(len(w) for w in wrapped) * self.leading
            page = self._room(height)
            for x, lines in zip(columns, wrapped, strict=True):
                for number, line in enumerate(lines):
                    if line:
                        page.line(self.left + x, self.y - 11 - number * self.leading, line)
            self.y -= height + 4
        self.y -= 0.6 * self.leading

    def finish(self, header: tuple[str, str], footer: str) -> Document:
        """Write the running header (left, right) and footer on every page; `{page}` and `{pages}` are
        replaced by the page number and count, as in "balance (1 of 2)"."""
        total = len(self.document.pages)
        for number, page in enumerate(self.document.pages, 1):
            left, right = (part.format(page=number, pages=total) for part in header)
            page.line(self.left, 800, left, 9)
            page.line(self.left + self.width - text_width(right, "regular", 9), 800, right, 9)
            text = footer.format(page=number, pages=total)
            page.line(self.left + (self.width - text_width(text, "regular", 9)) / 2, 40, text, 9)
        return self.document
