"""How the app is served: `app.py` (the entry point: sets the page up, reads the settings, runs the
frame), `serve.py` (the server, `streamlit run dashboard/server/serve.py`) and `.streamlit/config.toml`
(Streamlit's settings, read from beside the script it runs). They sit in a folder of their own, with no
`pages/` folder beside them: Streamlit would list every file of one as a page of its own whenever the
app stops before its navigation is drawn (as it does when production refuses demo sign-in)."""
