"""Text that came from a file or a person, shown as text: never read as Markdown or HTML.

Most of Streamlit reads strings as Markdown: `st.markdown`, `st.write`, `st.caption`, `st.info` /
`warning` / `error` / `success`, headers, `st.table` cells, and the labels (and `help`) of metrics,
expanders, tabs and widgets, where images and links render too. A provider name such as
`![x](http://host/img.png)` would make every viewer's browser fetch that address. So:

- a value from a file or a user (provider, contract, organisation, forum, region or file names, a
  message quoting such values, a comment) interpolated into any of those goes through `md()`;
- a whole block of such text (a comment, a response) is shown with `st.text`, never `st.markdown`.

Tables (`st.dataframe`), selectbox and multiselect options, and chart text (Altair draws on a
canvas) are shown as plain text already: escaping them would show the backslashes.

Here in `warehouse` so that ingest's Markdown (the "What changed" summary) uses it too; pages import
it as `from dashboard.text import md`.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character: CommonMark shows each literally when it follows a backslash,
# which also stops Streamlit's own syntax (:red[...], :material/...:, $LaTeX$) and bare-address links.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md(value: object) -> str:
    """`value` as literal text inside Markdown: punctuation escaped, line breaks as spaces."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(value).splitlines()))
