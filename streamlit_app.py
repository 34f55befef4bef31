"""The app's frame and router. Settings are read here, once, and passed to every page."""

import streamlit as st

from dashboard.pages import status
from warehouse.settings import load_settings

st.set_page_config(page_title="RPD contract and engagement monitor", layout="wide")
settings = load_settings()

pages = [
    st.Page(lambda: status.render(settings), title="Data status", url_path="status", default=True),
]
st.navigation(pages).run()
