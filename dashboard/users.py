"""Who may sign in: the users file (RPD_USERS_FILE, for `oidc` sign-in) and the demo users (for demo
mode). Used only by the app's sign-in (dashboard.signin); roles and what each may do are
warehouse.access."""

from __future__ import annotations

import tomllib
from pathlib import Path

from warehouse.access import ROLES, User


class UsersFileError(ValueError):
    """The users file is missing, unreadable or describes a user that cannot work."""


# Demo users, for the embedded demo data (real provider codes of the contract register).
DEMO_USERS: tuple[User, ...] = (
    User("demo-national", "Naomi (demo)", "national", demo=True),
    User("demo-rpd-north-west", "Rhys (demo)", "rpd", regions=("B",), demo=True),
    User("demo-rpd-wales", "Siân (demo)", "rpd", regions=("D",), demo=True),
    User(
        "demo-provider-lancashire-women",
        "Lancashire Women (demo)",
        "provider",
        providers=("LANCASHIRE_WOMEN",),
        demo=True,
    ),
    User(
        "demo-provider-nottingham-womens-centre",
        "Nottingham Women's Centre (demo)",
        "provider",
        providers=("NOTT_WOMENS_CENTRE",),
        demo=True,
    ),
    User("demo-admin", "Ade (demo)", "admin", demo=True),
)


def demo_user(user_id: str | None) -> User:
    """A demo user by id; the national commissioner if the id is unknown or not given."""
    return next((u for u in DEMO_USERS if u.id == user_id), DEMO_USERS[0])


def load_users(path: Path) -> dict[str, User]:
    """Users allowed to sign in, by lower-case e-mail address, from a TOML file:

    [[user]]
    email = "rhys.jones@justice.gov.uk"
    name = "Rhys Jones"
    role = "rpd"
    regions = ["B"]
    """
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsersFileError(f"The users file {path} cannot be read: {error}") from None
    users: dict[str, User] = {}
    for n, entry in enumerate(data.get("user", []), start=1):
        email = str(entry.get("email", "")).strip().lower()
        role = entry.get("role")
        where = f"User {n} in {path}"
        if "@" not in email:
            raise UsersFileError(f"{where} has no valid email.")
        if role not in ROLES:
            raise UsersFileError(
                f"{where} ({email}) has role {role!r}: use one of {', '.join(ROLES)}."
            )
        regions = tuple(entry.get("regions", ()))
        providers = tuple(entry.get("providers", ()))
        if role == "rpd" and not regions:
            raise UsersFileError(f"{where} ({email}) is an RPD team member but lists no regions.")
        if role == "provider" and not providers:
            raise UsersFileError(f"{where} ({email}) is a provider but lists no provider codes.")
        if email in users:
            raise UsersFileError(f"{where}: {email} is listed twice.")
        users[email] = User(email, str(entry.get("name") or email), role, regions, providers)
    return users
