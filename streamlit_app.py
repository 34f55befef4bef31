"""The app from a checkout (`make run`): the entry point itself is dashboard/app.py, which is installed
with the package (`streamlit run` it from an installed wheel)."""

from dashboard.app import main

main()
