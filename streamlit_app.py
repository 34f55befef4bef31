"""The app's entry point: settings are read here, once, and the frame routes to the pages."""

import streamlit as st

from dashboard import frame
from warehouse.settings import load_settings

st.set_page_config(page_title="RPD contract and engagement monitor", layout="wide")
frame.run(load_settings())
