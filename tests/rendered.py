"""What a Markdown string looks like on screen: rendered by a CommonMark parser (markdown-it-py, as
Streamlit's own renderer follows CommonMark), for tests that check what users read, and that no text
from a file became an image, a link or HTML."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")
_TAG = re.compile(r"<[^>]+>")


def as_html(markdown: str) -> str:
    return _PARSER.render(markdown)


def as_text(markdown: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, surrounding space trimmed."""
    return html.unescape(_TAG.sub("", as_html(markdown))).strip()
