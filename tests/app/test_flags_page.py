"""The flag pages (AppTest, on the access warehouse): for Lancashire Women raising flags, limits stated
in the boxes themselves, refusals that keep what was typed, and an empty form after a flag is raised;
for the North West RPD team, an over-long response kept too."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.flags.store import FlagStore
from dashboard.signin import DEMO_KEY
from tests.app.conftest import _page
from tests.rendered import as_text

PROVIDER = "demo-provider-lancashire-women"
COMMENT = "flag_comment_{}"
PASTED = "flag_pasted_{}"


@pytest.fixture
def flags_page(access_warehouse, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'flags.sqlite'}"
    monkeypatch.setenv("RPD_DATA_DIR", str(access_warehouse.data_dir))
    monkeypatch.setenv("RPD_FLAGS_URL", url)
    at = AppTest.from_function(_page, args=("flags",), default_timeout=60)
    at.session_state[DEMO_KEY] = PROVIDER
    at.run()
    assert not at.exception
    return at, FlagStore(url)


def send(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Raise flag").click()
    return at.run()


def test_the_limits_are_stated_in_the_boxes(flags_page):
    at, _ = flags_page
    (upload,) = at.get("file_uploader")
    assert upload.proto.label == (
        "Your list of referral references (optional, at most 1 MB): CSV or text, one reference per line"
    )
    assert upload.proto.max_upload_size_mb == 1  # the box refuses a larger file before sending it
    assert at.text_area(key=PASTED.format(0)).label == (
        "Or paste your references, one per line (optional, at most 1 MB)"
    )
    comment = at.text_area(key=COMMENT.format(0))
    assert comment.label == "Comment (at most 2,000 characters)"
    assert not comment.max_chars  # no limit in the browser: it would silently ignore a longer paste


def test_an_over_long_comment_is_refused_and_kept(flags_page):
    at, store = flags_page
    typed = "We count more. " * 140  # 2,100 characters, 2,099 once trimmed
    at.text_area(key=COMMENT.format(0)).input(typed)
    send(at)
    assert [as_text(e.value) for e in at.error] == [
        "The comment is 2,099 characters; the limit is 2,000. Shorten it and raise the flag again."
    ]
    assert at.text_area(key=COMMENT.format(0)).value == typed
    assert store.counts()["flags"] == 0


def test_an_over_long_pasted_list_is_refused_and_kept(flags_page):
    at, store = flags_page
    pasted = "LW0001WO\n" * 120_000  # 1,080,000 bytes: 1.03 MB
    at.text_area(key=COMMENT.format(0)).input("Our list attached.")
    at.text_area(key=PASTED.format(0)).input(pasted)
    send(at)
    assert [as_text(e.value) for e in at.error] == [
        "Your list of references is 1.1 MB; the limit is 1 MB (and 20,000 references). "
        "Send the references of this contract and month only."
    ]
    assert at.text_area(key=PASTED.format(0)).value == pasted
    assert store.counts()["flags"] == 0


def test_after_a_flag_is_raised_the_form_is_empty_and_the_same_flag_is_refused(flags_page):
    at, store = flags_page
    at.selectbox(key="flag_contract").select("NW_WOMEN").run()  # 3 referrals in May 2026
    at.text_area(key=COMMENT.format(0)).input("We have one more referral.")
    at.number_input(key="flag_count_0").set_value(4)
    send(at)
    assert not at.error
    assert [s.value for s in at.success] == [
        "Flag 1 raised. The RPD team has been given it to review."
    ]
    # A new, empty form: nothing left to click twice.
    assert at.text_area(key=COMMENT.format(1)).value == ""
    assert at.text_area(key=PASTED.format(1)).value == ""
    assert at.number_input(key="flag_count_1").value == 3  # back to the warehouse's count
    assert store.counts()["flags"] == 1

    # Typed again, the same flag is refused while the first is open.
    at.text_area(key=COMMENT.format(1)).input("We have one more referral.")
    at.number_input(key="flag_count_1").set_value(4)
    send(at)
    assert [as_text(e.value) for e in at.error] == [
        "You have already raised this flag (flag 1, open), with the same count and comment, "
        "so it was not raised again. Follow it under Your flags."
    ]
    assert at.text_area(key=COMMENT.format(1)).value == "We have one more referral."
    assert store.counts()["flags"] == 1


def test_an_over_long_response_is_refused_and_kept(access_warehouse, monkeypatch, tmp_path):
    """The same on the RPD team's side: a response over 2,000 characters is refused, and stays."""
    import datetime as dt

    from dashboard.flags.store import ContractFacts, NewFlag
    from dashboard.users import demo_user

    url = f"sqlite:///{tmp_path / 'flags.sqlite'}"
    FlagStore(url).raise_flag(
        demo_user(PROVIDER),
        NewFlag("NW_WOMEN", dt.date(2026, 5, 1), "missing", 4, "One more."),
        ContractFacts("B", "LANCASHIRE_WOMEN", 3, (), 1),
        ["NW_WOMEN", "NW_ACC"],
    )
    monkeypatch.setenv("RPD_DATA_DIR", str(access_warehouse.data_dir))
    monkeypatch.setenv("RPD_FLAGS_URL", url)
    at = AppTest.from_function(_page, args=("triage",), default_timeout=60)
    at.session_state[DEMO_KEY] = "demo-rpd-north-west"
    at.run()
    response = at.text_area(key="triage_response_0")
    assert response.label == "Response to the provider (at most 2,000 characters)"
    assert not response.max_chars
    typed = "Checked. " * 250  # 2,250 characters, 2,249 once trimmed
    response.input(typed)
    next(b for b in at.button if b.label == "Save response").click()
    at.run()
    assert [as_text(e.value) for e in at.error] == [
        "The response is 2,249 characters; the limit is 2,000."
    ]
    assert at.text_area(key="triage_response_0").value == typed
