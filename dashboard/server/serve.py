"""The app's server: `streamlit run dashboard/server/serve.py` (make run, the systemd unit, the browser
tests and bench/browser.py; from an installed wheel, `streamlit run` this file in site-packages).
It serves dashboard/server/app.py (the entry point `streamlit_app.py` runs in a checkout) through
Streamlit's ASGI app (`st.App`), whose lifespan hook imports what every page needs before the server answers, so the first reader after a start does
not wait for it (pandas, Altair, DuckDB and SQLAlchemy: 7 to 9 s on a busy machine)."""

from __future__ import annotations

import contextlib

import streamlit as st


@contextlib.asynccontextmanager
async def lifespan(_app):
    import pandas as pd

    import dashboard.frame  # noqa: F401  (every page, and the libraries they use)
    from dashboard.charts import ranked_bars

    # Altair reads its Vega-Lite schema the first time it checks a chart: read it now.
    frame = pd.DataFrame({"name": ["a"], "value": [1]})
    ranked_bars(frame, label="name", value="value", value_title="value").to_dict()
    yield


# A relative script path is resolved beside this file, so this works from a checkout and a wheel.
app = st.App("app.py", lifespan=lifespan)
