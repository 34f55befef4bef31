"""The app's entry point, installed with the package: `streamlit run` this file (a checkout's
streamlit_app.py runs main() too). Settings are read here, once, and the frame routes to the pages.
Streamlit reads .streamlit/config.toml beside this file, so an installed app keeps its settings."""

import streamlit as st

from dashboard import frame
from warehouse.settings import SettingsError, keep_files_private, load_settings


def main() -> None:
    st.set_page_config(page_title="RPD contract and engagement monitor", layout="wide")
    keep_files_private()  # flags, and the refresh the app starts, are readable by this user only
    try:
        settings = load_settings()
    except SettingsError as error:
        # Settings that cannot work together: say what to change, plainly, not a redacted traceback.
        st.error(f"The service cannot start: {error}")
        st.stop()
    frame.run(settings)


if __name__ == "__main__":
    main()
