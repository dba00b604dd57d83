"""Text printed as typed, in one style: what most table cells hold.

ReportLab's ``Paragraph`` parses its text as markup on every cell (a day log has some 900 cells), and the
text has to be escaped first so that a name with '&' or '<' is not taken for markup. ``Plain`` parses
nothing: it breaks its words into lines the way a paragraph does (greedy, at spaces, a word too long for
the line broken between letters) and draws each line as it stands, so whatever a nurse typed prints
literally and is never cut at the cell's edge. A line break in the text starts a new line. A character
with no glyph on paper (a control character, a lone surrogate; the entry fields refuse them, see
``core.plain_text``) is printed as the replacement mark '�' rather than silently dropped.

The first line sits where a paragraph's would (its baseline one font size below the top) and lines are
one leading apart, so a cell looks the same whichever of the two it holds. Cells with bold words among
plain ones (markup) stay paragraphs.
"""

from __future__ import annotations

import unicodedata

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

REPLACEMENT = "\ufffd"
SPACES = {"\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85"}
"""Control characters that separate words, as a space does."""


def printable(value: str) -> str:
    """``value`` with every character that has no glyph made visible: spacing controls as spaces, the rest '�'."""
    if value.isprintable() or value.replace("\n", " ").isprintable():  # nearly always: nothing to change
        return value
    out = []
    for char in value:
        if char == "\n":
            out.append(char)
        elif char in SPACES:
            out.append(" ")
        elif unicodedata.category(char) in {"Cc", "Cs"}:
            out.append(REPLACEMENT)
        else:
            out.append(char)
    return "".join(out)


def _pieces(word: str, start: float, font: str, size: float, width: float) -> list[str]:
    """A word too long for any line, cut between letters: the first piece fills the line from ``start`` (it is
    empty when not even a letter fits there), each other piece a whole line. As ReportLab's paragraph cuts it."""
    pieces: list[str] = []
    piece, used = "", start
    for char in word:
        wide = stringWidth(char, font, size)
        if used + wide > width and (piece or wide <= width):
            pieces.append(piece)
            piece, used = "", 0.0
        piece += char
        used += wide
    return [*pieces, piece]


Line = tuple[str, float, int]
"""A line's words, the room left at its end (below zero where its spaces are narrowed to fit), its spaces."""


def set_lines(value: str, font: str, size: float, width: float, shrink: float = 0.05) -> list[Line]:
    """The lines ``value`` takes in ``width`` points, broken as a paragraph breaks them: greedy at spaces, a
    line's spaces narrowed by up to ``shrink`` of their width to take one more word, a word too long for a line
    cut between letters. A line break in the text always starts a new line."""
    space = stringWidth(" ", font, size)
    narrowing = shrink * space
    lines: list[Line] = []

    def end(line: list[str], used: float) -> None:
        lines.append((" ".join(line), width - used, len(line) - 1))

    for typed in value.split("\n"):
        line: list[str] = []
        used = -space
        for word in typed.split():
            wide = stringWidth(word, font, size)
            reach = used + space + wide
            if reach <= width + narrowing * len(line):
                line.append(word)
                used = reach
            elif wide > width:  # on from where the line stands, then on lines of its own
                *whole, rest = _pieces(word, used + space, font, size, width)
                for piece in whole:
                    if piece:
                        line.append(piece)
                        used += space + stringWidth(piece, font, size)
                    end(line, used)
                    line, used = [], -space
                line, used = [rest], stringWidth(rest, font, size)
            else:
                end(line, used)
                line, used = [word], wide
        if line:
            end(line, used)
    return lines


def wrap_lines(value: str, font: str, size: float, width: float) -> list[str]:
    """The words of each line ``value`` takes in ``width`` points (see ``set_lines``)."""
    return [words for words, _room, _spaces in set_lines(value, font, size, width)]


class Plain(Flowable):
    """One cell's text, set in a paragraph style without parsing markup."""

    def __init__(self, value: object, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = printable("" if value is None else str(value))
        self.style = style
        self._lines: list[Line] = []
        self._wrapped_at: float | None = None

    def __repr__(self) -> str:
        return f"Plain({self.text!r})"

    def lines_at(self, width: float) -> list[Line]:
        """The lines at ``width``, worked out once: a table asks for a cell's height more than once."""
        if self._wrapped_at != width:
            style = self.style
            self._lines = set_lines(self.text, style.fontName, style.fontSize, width, style.spaceShrinkage)
            self._wrapped_at = width
        return self._lines

    def lines(self, width: float) -> list[str]:
        """The words of each line at ``width``."""
        return [words for words, _room, _spaces in self.lines_at(width)]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        self.width = availWidth
        self.height = len(self.lines_at(availWidth)) * self.style.leading
        return self.width, self.height

    def minWidth(self) -> float:  # noqa: N802 (ReportLab's name): a table without set widths sizes its columns by it
        style = self.style
        words = self.text.split()
        return max((stringWidth(word, style.fontName, style.fontSize) for word in words), default=0)

    def getPlainText(self) -> str:  # noqa: N802 (ReportLab's name, as Paragraph has it)
        return self.text

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        lines = self.lines_at(self.width)
        if not lines:
            return
        canvas.setFillColor(style.textColor)
        words = canvas.beginText()
        words.setFont(style.fontName, style.fontSize, style.leading)
        y = self.height - style.fontSize
        for line, room, spaces in lines:
            narrowed = room < -1e-8 and spaces > 0  # as a paragraph does: its spaces, never its letters
            x = 0.0
            if style.alignment == TA_RIGHT and not narrowed:
                x = room
            elif style.alignment == TA_CENTER and not narrowed:
                x = room / 2
            words.setTextOrigin(x, y)
            if narrowed:
                words.setWordSpace(room / spaces)
                words.textOut(line)
                words.setWordSpace(0)
            else:
                words.textOut(line)
            y -= style.leading
        canvas.drawText(words)


Run = tuple[str, str]
"""Words and the font they are set in: a label in bold, then what it labels."""
Segment = tuple[str, float, int, list[Run]]
"""A line of runs: its words, the room left at its end, its spaces, and its words grouped by font (each
group but the last ending in the space that follows it, set in the group's own font)."""


def set_runs(runs: list[Run], size: float, width: float, shrink: float = 0.05) -> list[Segment]:
    """The lines runs of several fonts take in ``width`` points, broken as ``set_lines`` breaks one font's: a
    space is as wide as the font of the word before it, which is the font it is drawn in."""
    words: list[tuple[str, str] | None] = []  # None: a line break typed
    for value, font in runs:
        for number, typed in enumerate(printable(value).split("\n")):
            if number:
                words.append(None)
            words += [(word, font) for word in typed.split()]
    lines: list[Segment] = []
    line: list[Run] = []
    used = 0.0

    def end() -> None:
        groups: list[Run] = []
        for word, font in line:
            if groups and groups[-1][1] == font:
                groups[-1] = (f"{groups[-1][0]} {word}", font)
            else:
                if groups:
                    groups[-1] = (groups[-1][0] + " ", groups[-1][1])
                groups.append((word, font))
        text = " ".join(word for word, _ in line)
        lines.append((text, width - used, len(line) - 1, groups))

    for token in words:
        if token is None:
            if line:
                end()
            line, used = [], 0.0
            continue
        word, font = token
        wide = stringWidth(word, font, size)
        space = stringWidth(" ", line[-1][1], size) if line else 0.0
        if (not line and wide <= width) or (line and used + space + wide <= width + shrink * space * len(line)):
            line.append(token)
            used += space + wide
        elif wide > width:
            *whole, rest = _pieces(word, used + space if line else 0.0, font, size, width)
            for piece in whole:
                if piece:
                    line.append((piece, font))
                    used += space + stringWidth(piece, font, size)
                if line:
                    end()
                line, used, space = [], 0.0, 0.0
            line, used = [(rest, font)], stringWidth(rest, font, size)
        else:
            end()
            line, used = [token], wide
    if line:
        end()
    return lines


class Labelled(Plain):
    """A cell of runs in more than one font (a bold label, then plain words), set without parsing markup."""

    def __init__(self, runs: list[Run], style: ParagraphStyle) -> None:
        super().__init__("".join(value for value, _ in runs), style)
        self.runs = runs
        self._segments: list[Segment] = []

    def lines_at(self, width: float) -> list[Line]:
        if self._wrapped_at != width:
            style = self.style
            self._segments = set_runs(self.runs, style.fontSize, width, style.spaceShrinkage)
            self._lines = [(text, room, spaces) for text, room, spaces, _groups in self._segments]
            self._wrapped_at = width
        return self._lines

    def minWidth(self) -> float:  # noqa: N802 (ReportLab's name)
        size = self.style.fontSize
        return max((stringWidth(word, font, size) for value, font in self.runs for word in value.split()), default=0)

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        self.lines_at(self.width)
        if not self._segments:
            return
        canvas.setFillColor(style.textColor)
        words = canvas.beginText()
        y = self.height - style.fontSize
        for _text, room, spaces, groups in self._segments:
            words.setTextOrigin(0, y)
            narrowed = room < -1e-8 and spaces > 0
            if narrowed:
                words.setWordSpace(room / spaces)
            for value, font in groups:
                words.setFont(font, style.fontSize, style.leading)
                words.textOut(value)
            if narrowed:
                words.setWordSpace(0)
            y -= style.leading
        canvas.drawText(words)
