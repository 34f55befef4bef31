"""The app from a checkout, for AppTest and a plain `streamlit run streamlit_app.py`: the entry point
itself is dashboard/server/app.py, installed with the package; `make run` and the service start
dashboard/server/serve.py, which serves that entry point."""

from dashboard.server.app import main

main()
