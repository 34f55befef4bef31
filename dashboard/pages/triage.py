"""Flags to review (RPD teams and the national commissioner): the queue of providers' flags on the
contracts you may see, with deadlines, and a response form that records each change of status."""

from __future__ import annotations

import streamlit as st

from dashboard import data, urlstate
from dashboard.flags import view as flagview
from dashboard.flags.store import ACTIVE, MAX_RESPONSE, NEXT, STATUSES, FlagError
from dashboard.glossary import term
from dashboard.layout import csv_download, figure, note, start
from dashboard.text import md
from warehouse.access import AccessRefused
from warehouse.settings import Settings

ANY = "All"
SAVED = "triage_saved"  # session state: the confirmation to show after the page reruns
FORM = "triage_form"  # session state: which empty response form to draw
# The page's own choices in the URL: the statuses the queue shows (codes, comma-separated; the default,
# open and under review, is left out), the contract it shows, the flag under review.
URL_PARAMS = ("status", "contract", "flag")
STATUS = "triage_status"  # session state: the queue's status filter


def render(settings: Settings) -> None:
    version = start("Flags to review", settings)
    if version is None:
        return
    user = data.signed_in()
    assert user is not None  # the frame signs in before it renders any page
    flags = flagview.visible(settings, version, user)
    contracts = data.query(version, "flag_contracts")
    titles = flagview.contract_titles(contracts)
    st.write(
        "Flags raised by providers on the contracts you oversee. Each needs a response within "
        f"{settings.flag_response_days} working days (weekends and bank holidays not counted)."
    )
    if flags.empty:
        urlstate.from_url_list("status", STATUS, STATUSES, "a flag status")
        for param, what in (("contract", "a contract with flags"), ("flag", "a flag")):
            urlstate.from_url(param, f"triage_{param}", (), what)
        urlstate.show_notices()
        st.info(
            "No flags have been raised on your contracts. When a provider raises one it appears here."
        )
        return
    counts = flagview.status_counts(flags)
    cols = st.columns(3)
    with cols[0]:
        figure("Open", f"{counts['Open']:,}", "Flag")
    with cols[1]:
        figure("Under review", f"{counts['Under review']:,}", "Flag")
    with cols[2]:
        figure("Overdue", f"{counts['Overdue']:,}", "Overdue flag")

    st.header("Queue")
    shown = _filter(flags, titles)
    if shown.empty:
        st.info("No flags match these choices.")
    else:
        table = flagview.flag_table(shown, titles)
        st.dataframe(table, hide_index=True, width="stretch")
        note("Overdue: still waiting for a first response after its respond-by date.")
        csv_download(table, "flags.csv")
    _review(settings, version, user, flags, titles)


def _filter(flags, titles):
    cols = st.columns(4)
    urlstate.from_url_list("status", STATUS, STATUSES, "a flag status")
    st.session_state.setdefault(STATUS, list(ACTIVE))  # the default, without the widget's own
    statuses = cols[0].multiselect(
        "Status", list(STATUSES), format_func=STATUSES.__getitem__, key=STATUS
    )
    urlstate.to_url_list("status", statuses, ACTIVE)
    flagged = sorted(set(flags.contract_ref))
    urlstate.from_url("contract", "triage_contract", flagged, "a contract with flags")
    urlstate.show_notices()
    contract = cols[1].selectbox(
        "Contract",
        [ANY, *flagged],
        format_func=lambda c: titles.get(c, c) if c != ANY else "All contracts",
        key="triage_contract",
    )
    urlstate.to_url("contract", None if contract == ANY else contract)
    provider = cols[2].selectbox(
        "Provider",
        [ANY, *sorted(set(flags.provider_code))],
        format_func=lambda p: "All providers" if p == ANY else p,
        key="triage_provider",
    )
    older = cols[3].number_input(
        "Raised at least this many days ago",
        min_value=0,
        max_value=3650,
        value=0,
        step=1,
        key="triage_age",
    )
    return flagview.queue(
        flags,
        statuses,
        None if contract == ANY else contract,
        None if provider == ANY else provider,
        int(older),
    )


def _review(settings, version, user, flags, titles) -> None:
    st.header("Review a flag")
    saved = st.session_state.pop(SAVED, None)
    if saved:
        st.success(saved)
    ids = {str(i): i for i in flags.flag_id}
    urlstate.from_url("flag", "triage_flag", ids, "a flag", ids)
    urlstate.show_notices()
    flag_id = st.selectbox(
        "Flag",
        list(flags.flag_id),
        format_func=lambda i: flagview.flag_label(flags, i, titles),
        key="triage_flag",
    )
    urlstate.to_url("flag", None if flag_id == flags.flag_id.iloc[0] else str(flag_id))
    row = flags[flags.flag_id == flag_id].iloc[0]
    cols = st.columns(3)
    cols[0].metric("Provider's count", f"{int(row.provider_count):,}")
    cols[1].metric(
        "Warehouse count when raised", f"{int(row.warehouse_count):,}", help=term("Disputed").help()
    )
    cols[2].metric("Respond by", f"{row.respond_by:%d %b %Y}", help=term("Overdue flag").help())
    st.markdown("**The provider's comment**")
    st.text(row.comment)  # shown as text: never read as markdown or HTML
    store = flagview.store(settings)
    allowed = data.allowed_contracts(version, user)
    references = store.references(user, int(flag_id), allowed)
    if not references.empty:
        st.markdown(
            "**Their list compared with ours:** " + flagview.reconciliation_line(references)
        )
        table = flagview.reconciliation_table(references)
        st.dataframe(table, hide_index=True, width="stretch")
        csv_download(table, f"flag-{flag_id}-references.csv")
    st.markdown("**History**")
    st.dataframe(
        flagview.history_table(store.history(user, int(flag_id), allowed)),
        hide_index=True,
        width="stretch",
    )
    # A saved response gives a new, empty form (new widget keys); a refused one keeps what was typed.
    n = st.session_state.setdefault(FORM, 0)
    with st.form("review_flag"):
        status = st.radio(
            "New status",
            list(NEXT[row.status]),
            format_func=STATUSES.get,
            horizontal=True,
            key=f"triage_new_status_{n}",
        )
        # No max_chars: the browser would silently ignore a longer paste. The store refuses it, saying so.
        response = st.text_area(
            f"Response to the provider (at most {MAX_RESPONSE:,} characters)",
            help="The provider sees this with the new status.",
            key=f"triage_response_{n}",
        )
        sent = st.form_submit_button("Save response", type="primary")
    if sent:
        try:
            store.review(user, int(flag_id), status, response, allowed)
        except (FlagError, AccessRefused) as error:
            st.error(md(error))
            return
        st.session_state[SAVED] = (
            f"Flag {flag_id} is now {STATUSES[status].lower()}. The provider can see your response."
        )
        st.session_state[FORM] = n + 1
        st.rerun()
