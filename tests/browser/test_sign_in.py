"""Real sign-in in a real browser: Streamlit's st.login against a local OpenID Connect provider
(oidc-provider-mock) started by the test, the users file deciding who gets in and as what.

- A listed RPD team member signs in, sees their name and their pages, and signs out again.
- A stranger (signed in at the provider but not in the users file) is refused and shown no data page.
- RPD_PRODUCTION=true with demo sign-in: the app says why it will not run, with no traceback.
"""

from __future__ import annotations

import secrets
import subprocess
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, _free_port, idle, start_app
from tests.browser.test_pages import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOST = "localhost"  # the same host in the browser, redirect_uri and the provider's address: cookies are per host
RHYS = "Rhys.Jones@Example.gov.uk"  # as the provider sends it; the users file has it in lower case
STRANGER = "stranger@example.com"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@pytest.fixture(scope="module")
def provider():
    """The OpenID Connect provider, on a free port of this process; Rhys is one of its predefined users."""
    import oidc_provider_mock

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the provider serves plain http on localhost
        with oidc_provider_mock.run_server_in_thread(
            port=0,
            user_claims=[
                oidc_provider_mock.User(
                    sub=RHYS, claims={"email": RHYS, "name": "R. Jones at the provider"}
                )
            ],
        ) as server:
            yield f"http://{HOST}:{server.server_port}"


@pytest.fixture(scope="module")
def oidc_app(provider, small_warehouse, tmp_path_factory):
    """The app with RPD_SIGN_IN=oidc, its secrets in a temporary secrets.toml and a users file."""
    folder = tmp_path_factory.mktemp("sign-in")
    port = _free_port()
    secret_values = {"cookie_secret": secrets.token_hex(16), "client_secret": secrets.token_hex(16)}
    secrets_file = folder / ".streamlit" / "secrets.toml"
    secrets_file.parent.mkdir()
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://{HOST}:{port}/oauth2callback"\n'
        f'cookie_secret = "{secret_values["cookie_secret"]}"\n'
        'client_id = "rpd-monitor-test"\n'
        f'client_secret = "{secret_values["client_secret"]}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    users_file = folder / "users.toml"
    users_file.write_text(
        f"""[[user]]
email = "{RHYS.lower()}"
name = "Rhys Jones"
role = "rpd"
regions = ["B"]
"""
    )
    proc, url = start_app(
        small_warehouse.data_dir,
        env={"RPD_SIGN_IN": "oidc", "RPD_USERS_FILE": str(users_file)},
        port=port,
        args=["--secrets.files", str(secrets_file)],
    )
    yield url.replace("127.0.0.1", HOST), provider, secret_values
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _new_page(browser):
    context = browser.new_context(viewport=DESKTOP)
    # The provider's pages style themselves from a CDN: there is no network here, so do not wait for it.
    context.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    return context, context.new_page()


def _settled(page, heading: str) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
    idle(page)  # the run that drew the heading has finished


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


def _sign_in_at_provider(page, app_url: str, provider_url: str) -> None:
    page.goto(app_url, wait_until="domcontentloaded")
    _settled(page, "Sign in")
    _no_exception(page)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{provider_url}/**", timeout=30_000)
    page.get_by_role("heading", name="Authorize Client").wait_for(timeout=10_000)


def _no_secrets(page, secret_values: dict[str, str]) -> None:
    html = page.content()
    for name, value in secret_values.items():
        assert value not in html, f"the {name} is in the page"


def _sign_out(page, app_url: str, provider_url: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    # The provider has an end-session page: confirm there, and it sends us back to the app.
    page.wait_for_url(f"{provider_url}/**", timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    _settled(page, "Sign in")
    _no_exception(page)


def _menu(page) -> str:
    nav = page.locator('[data-testid="stSidebarNav"]')
    return nav.inner_text() if nav.count() else ""


def test_a_listed_rpd_signs_in_sees_their_pages_and_signs_out(browser, oidc_app):
    app_url, provider_url, secret_values = oidc_app
    context, page = _new_page(browser)
    try:
        _sign_in_at_provider(page, app_url, provider_url)
        page.get_by_role("button", name=RHYS).click()  # a predefined user of the provider
        page.wait_for_url(f"{app_url}/**", timeout=30_000)
        page.get_by_text("Signed in as").wait_for(timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        _no_exception(page)

        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Signed in as Rhys Jones" in sidebar  # the users file's name, not the provider's
        assert "Regional Probation Director's team" in sidebar
        menu = _menu(page)
        assert "Flags to review" in menu
        assert "Overview" in menu
        assert "Flag a discrepancy" not in menu  # a provider's page
        assert "Demo mode" not in sidebar

        _no_secrets(page, secret_values)

        _sign_out(page, app_url, provider_url)
        assert "Signed in as" not in page.locator("body").inner_text()
        assert _menu(page) == ""
    finally:
        context.close()


def test_a_person_not_in_the_users_file_is_refused(browser, oidc_app):
    app_url, provider_url, secret_values = oidc_app
    context, page = _new_page(browser)
    try:
        _sign_in_at_provider(page, app_url, provider_url)
        # Anyone may sign in at the provider; it gives a typed-in subject that address as its e-mail.
        page.locator('input[name="sub"]').fill(STRANGER)
        page.get_by_role("button", name="Authorize", exact=True).click()
        page.wait_for_url(f"{app_url}/**", timeout=30_000)
        _settled(page, "No access")
        _no_exception(page)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert f"You are signed in as {STRANGER}" in main
        assert "has not been given access" in main
        expect(page.get_by_role("button", name="Sign out")).to_have_count(1, timeout=30_000)
        # No data page: no menu, no filters, no figures.
        assert _menu(page) == ""
        assert (
            page.locator(
                '[data-testid="stTable"], [data-testid="stDataFrame"], [data-testid="stMetric"], '
                '[data-testid="stVegaLiteChart"], [data-testid="stSelectbox"]'
            ).count()
            == 0
        )
        assert serious_violations(page) == []
        _no_secrets(page, secret_values)

        _sign_out(page, app_url, provider_url)
    finally:
        context.close()


def test_production_refuses_demo_sign_in_with_a_plain_message(browser, small_warehouse):
    proc, url = start_app(
        small_warehouse.data_dir, env={"RPD_PRODUCTION": "true", "RPD_SIGN_IN": "demo"}
    )
    context, page = _new_page(browser)
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector(IDLE, timeout=60_000)
        alert = page.locator('[data-testid="stAlert"]')
        alert.first.wait_for(timeout=30_000)
        assert "Demo sign-in cannot be used when RPD_PRODUCTION is true" in alert.first.inner_text()
        _no_exception(page)
        body = page.locator("body").inner_text()
        assert "Traceback" not in body
        assert "Demo user" not in body
        assert _menu(page) == ""
    finally:
        context.close()
        proc.terminate()
        time.sleep(0.5)
        proc.kill()
