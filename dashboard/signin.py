"""Who is using the app. Two ways, chosen by RPD_SIGN_IN:

- `oidc`: Streamlit's built-in sign-in (`st.login`, OpenID Connect, set in .streamlit/secrets.toml).
  The signed-in e-mail address is looked up in the users file (RPD_USERS_FILE) for its role; an
  address not listed there is refused.
- `demo` (the embedded default): no real sign-in. A clearly labelled demo mode in which you choose a
  demo user. Refused when RPD_PRODUCTION is true (see warehouse.settings).

The user is put in the session under data.USER_KEY, where data.query reads it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import data
from dashboard.scope import KEYS
from dashboard.text import md
from dashboard.users import DEMO_USERS, UsersFileError, demo_user, load_users
from warehouse.access import ROLES, User
from warehouse.settings import Settings

DEMO_KEY = "demo_user"
DEMO_PARAM = "user"


def current_user(settings: Settings) -> User:
    """The signed-in user; stops the script with a sign-in page or a refusal if there is none."""
    user = _demo(settings) if settings.sign_in == "demo" else _oidc(settings)
    st.session_state[data.USER_KEY] = user
    return user


def _demo(settings: Settings) -> User:
    ids = [u.id for u in DEMO_USERS]
    if DEMO_KEY not in st.session_state:
        wanted = st.query_params.get(DEMO_PARAM)
        st.session_state[DEMO_KEY] = wanted if wanted in ids else ids[0]
    with st.sidebar:
        st.warning(
            "**Demo mode.** There is no real sign-in: choose whose view to see. "
            "Only demo data may be used in this mode.",
            icon=":material/science:",
        )
        chosen = st.selectbox(
            "Demo user",
            ids,
            key=DEMO_KEY,
            format_func=lambda i: demo_user(i).description,
            on_change=_reset_filters,
            help="Each demo user has a role: national commissioner, RPD team, provider or administrator. "
            "What you can see and do changes with it.",
        )
    if chosen == ids[0]:
        st.query_params.pop(DEMO_PARAM, None)
    else:
        st.query_params[DEMO_PARAM] = chosen
    return demo_user(chosen)


def _reset_filters() -> None:
    """A new user may not see the region or provider chosen by the last: start their filters afresh."""
    for key in KEYS.values():
        st.session_state.pop(key, None)


@st.cache_data(ttl=60, show_spinner=False)
def _users(path: str, mtime: float) -> dict[str, User]:
    return load_users(Path(path))


def _oidc(settings: Settings) -> User:
    if not st.user.get("is_logged_in", False):
        st.title("Sign in")
        st.write(
            "The RPD contract and engagement monitor shows contract figures and flags to the people "
            "responsible for them. Sign in with your work account to continue."
        )
        st.button("Sign in", type="primary", on_click=st.login)
        st.stop()
    email = str(st.user.get("email") or "").strip().lower()
    if st.user.get("email_verified") is False:  # a provider that says the address is unproven
        email = ""
    path = settings.users_path
    try:
        users = _users(str(path), path.stat().st_mtime if path.exists() else 0.0)
    except UsersFileError as error:
        st.error(f"Sign-in is not set up correctly, so nobody can be let in. {md(error)}")
        st.stop()
    user = users.get(email)
    if user is None:
        st.title("No access")
        st.error(
            f"You are signed in as {md(email) or 'an account with no e-mail address'}, but that account has "
            "not been given access to this service. Ask your service administrator to add you, "
            "saying whether you work for a Regional Probation Director, a provider or the national team."
        )
        st.button("Sign out", on_click=st.logout)
        st.stop()
    with st.sidebar:
        st.markdown(f"Signed in as **{md(user.name)}**  \n{ROLES[user.role]}")
        st.button("Sign out", on_click=st.logout)
    return user
