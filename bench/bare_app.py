"""The yardstick of bench/browser.py: a bare Streamlit page, one selectbox (in the sidebar, as the app's
region filter) and one metric. Its rerun is the framework's own floor on this machine."""

import streamlit as st

REGIONS = [
    "North West",
    "Greater Manchester",
    "Yorkshire and the Humber",
    "North East",
    "Wales",
    "West Midlands",
    "East Midlands",
    "East of England",
    "South West",
    "South Central",
    "London",
    "Kent, Surrey and Sussex",
]

st.set_page_config(page_title="Bare page", layout="wide")
with st.sidebar:
    region = st.selectbox("Region", ["All of England and Wales", *REGIONS])
st.title("Bare page")
st.metric("Region chosen", region)
