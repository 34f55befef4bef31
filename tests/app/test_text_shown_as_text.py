"""Text from files is shown as text on every page (issue 13): a contract register, organisations
register, forum file, financial return and file name holding an image link, a link, an <img> tag and
**bold** (tests/markup_data.py) never become an image, a link, HTML or bold anywhere Streamlit reads
Markdown: body text, notes, messages, headings, metric, expander, tab and widget labels and help,
radio options, st.table cells.

Each such string is rendered by a CommonMark parser (tests/rendered.py): no <img>, <a> or raw tag may
come out of it, no address may be left bare for the browser's link-making (GFM autolinks), and the
pages that name the payload show it literally. Each check fails without `md()` at the place tested
(tried by removing it from `dashboard/pages/volume.py` and `status.py`)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.frame import PAGES
from dashboard.signin import DEMO_KEY
from tests.app.conftest import _page
from tests.markup_data import (
    FILE_PAYLOAD,
    PLANTED_HOST,
    PROVIDER_NAME,
    TITLE,
    build_markup_warehouse,
)
from tests.rendered import as_html, as_text

USERS = ["demo-national", "demo-rpd-north-west", "demo-provider-lancashire-women", "demo-admin"]
MARKDOWN = {
    "markdown",
    "caption",
    "error",
    "warning",
    "info",
    "success",
    "title",
    "header",
    "subheader",
}
RAW_TAG = re.compile(r"<(img|b|script)\b", re.IGNORECASE)
LINK = re.compile(r"<a\b[^>]*>", re.IGNORECASE)


@pytest.fixture(scope="module")
def markup_warehouse(tmp_path_factory):
    return build_markup_warehouse(tmp_path_factory.mktemp("markup"))


def read_as_markdown(node) -> list[str]:
    """Every string in this part of the page that Streamlit renders as Markdown."""
    found: list[str] = []
    kind = getattr(node, "type", "")
    if kind in MARKDOWN:
        found.append(str(node.value))
    if kind == "metric":
        found += [node.label, node.value, node.proto.delta, node.proto.help]
    elif kind == "table":
        found += [str(cell) for cell in node.value.to_numpy().ravel()]
    elif kind == "radio":
        found += [str(o) for o in node.options]
    label = getattr(node, "label", None)
    if kind != "metric" and isinstance(label, str):  # widgets, expanders, tabs
        found.append(label)
    help_text = getattr(node, "help", None)
    if kind != "metric" and isinstance(help_text, str):
        found.append(help_text)
    for child in getattr(node, "children", {}).values():
        found += read_as_markdown(child)
    return [s for s in found if s]


def open_as(user: str, path: str, data_dir, monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv("RPD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RPD_FLAGS_URL", f"sqlite:///{tmp_path / 'flags.sqlite'}")
    at = AppTest.from_function(_page, args=(path,), default_timeout=60)
    at.session_state[DEMO_KEY] = user
    if user != "demo-admin":
        at.session_state["f_provider"] = "ACME"  # the filter's words name the provider
    at.run()
    assert not at.exception, at.exception
    contracts = [s for s in at.selectbox if s.key == "volume_contract"]
    if contracts and any(o.endswith("(NW_ACC)") for o in contracts[0].options):
        contracts[0].select("NW_ACC").run()  # the note names the contract chosen
        assert not at.exception, at.exception
    return at


def assert_shown_as_text(strings: list[str]) -> None:
    """Pages draw their own links and bold (the glossary, the accessibility statement): what must
    never appear is an image or a raw tag at all, a link to a planted address, or the payload's bold."""
    for source in strings:
        rendered = as_html(source)  # a Markdown image or link comes out as <img> or <a> too
        assert not RAW_TAG.search(rendered), f"rendered as HTML: {source[:300]!r}"
        for link in LINK.findall(rendered):
            assert "planted" not in link, f"a planted link: {source[:300]!r}"
        assert "<strong>bold</strong>" not in rendered, f"rendered as bold: {source[:300]!r}"
        assert f"://{PLANTED_HOST}" not in source, f"a bare address: {source[:300]!r}"


@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("user", USERS)
def test_no_page_renders_text_from_files_as_markdown_or_html(
    markup_warehouse, monkeypatch, tmp_path, user, path
):
    at = open_as(user, path, markup_warehouse.data_dir, monkeypatch, tmp_path)
    strings = read_as_markdown(at.main) + read_as_markdown(at.sidebar)
    assert strings  # the page drew something
    assert_shown_as_text(strings)


@pytest.mark.parametrize(
    ("path", "user", "literal"),
    [
        ("overview", "demo-national", PROVIDER_NAME),  # the filters described in a note
        ("volume", "demo-national", TITLE),  # the contract chosen, in the same note
        ("volume", "demo-provider-lancashire-women", TITLE),
        ("subsidy", "demo-rpd-north-west", PROVIDER_NAME),
        ("status", "demo-admin", FILE_PAYLOAD),  # the freshness list names the last file
    ],
)
def test_text_from_files_is_shown_literally(
    markup_warehouse, monkeypatch, tmp_path, path, user, literal
):
    at = open_as(user, path, markup_warehouse.data_dir, monkeypatch, tmp_path)
    seen = [as_text(s) for s in read_as_markdown(at.main)]
    assert any(literal in text for text in seen), seen
