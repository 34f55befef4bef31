"""The app's entry point: settings are read here, once, and the frame routes to the pages."""

import streamlit as st

from dashboard import frame
from warehouse.settings import SettingsError, keep_files_private, load_settings

st.set_page_config(page_title="RPD contract and engagement monitor", layout="wide")
keep_files_private()  # flags, and the refresh the app starts, are readable by this user only
try:
    settings = load_settings()
except SettingsError as error:
    # Settings that cannot work together: say what to change, plainly, instead of a redacted traceback.
    st.error(f"The service cannot start: {error}")
    st.stop()
frame.run(settings)
