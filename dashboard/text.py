"""Text from files and people shown as text on screen: `md(value)` for any value interpolated into
Markdown (st.markdown, st.info and the like, headers, metric/expander/tab/widget labels); `st.text`
for a whole block of such text. Why and where: `warehouse/text.py`."""

from warehouse.text import md

__all__ = ["md"]
