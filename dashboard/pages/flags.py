"""Flag a discrepancy (providers): say the warehouse's referral count for one of your contracts and
months is wrong, optionally with your own list of referral references, and follow the answer."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.flags import view as flagview
from dashboard.flags.store import (
    CATEGORIES,
    MAX_COMMENT,
    MAX_COUNT,
    MAX_REFERENCE_MB,
    MAX_REFERENCES,
    STATUSES,
    FlagError,
    NewFlag,
    provider_references,
)
from dashboard.glossary import term
from dashboard.layout import csv_download, note, start
from dashboard.text import md
from warehouse.access import AccessRefused
from warehouse.settings import Settings

LAST = "flags_last_raised"  # session state: the flag just raised, to show its reconciliation
RAISED = "flags_raised"  # session state: the confirmation to show after the page reruns
FORM = "flags_form"  # session state: which empty form to draw (a new one after each flag raised)


def render(settings: Settings) -> None:
    version = start("Flag a discrepancy", settings)
    if version is None:
        return
    user = data.signed_in()
    st.write(
        "If your own records of referrals for one of your contracts and months differ from the figures "
        "shown here, raise a flag. The RPD team for the region sees it, answers you here within "
        f"{settings.flag_response_days} working days, and the figures are marked disputed until then."
    )
    contracts = data.query(version, "flag_contracts")
    if contracts.empty:
        st.info(
            "No contracts are linked to your organisation in the data loaded so far, so there is nothing "
            "to flag. If you hold a contract, ask the RPD team to check the contract register."
        )
        return
    titles = flagview.contract_titles(contracts)
    _raise(settings, version, user, contracts, titles)
    _mine(settings, version, user, titles)


def _raise(settings, version, user, contracts: pd.DataFrame, titles: dict[str, str]) -> None:
    st.header("Raise a flag")
    contract = st.selectbox(
        "Contract", list(titles), format_func=titles.__getitem__, key="flag_contract"
    )
    months = data.query(version, "flag_months", contract=contract)
    if months.empty:
        st.info("This contract has no months with data yet.")
        return
    counts = flagview.month_counts(months)
    month = st.selectbox(
        "Month",
        list(counts),
        format_func=lambda m: f"{m:%B %Y}",
        key="flag_month",
        help="The month the referrals were received (sent by probation).",
    )
    warehouse_count = int(counts[month])
    st.metric(
        f"Referrals we show for {month:%B %Y}",
        f"{warehouse_count:,}",
        help=term("Referrals received").help(),
    )
    raised = st.session_state.pop(RAISED, None)
    if raised:
        st.success(raised)
    # Each raised flag gives a new, empty form (new widget keys); a refused one keeps what was typed.
    n = st.session_state.setdefault(FORM, 0)
    with st.form("raise_flag"):
        theirs = st.number_input(
            "Referrals in your records for this month",
            min_value=0,
            max_value=MAX_COUNT,
            value=warehouse_count,
            step=1,
            key=f"flag_count_{n}",
        )
        category = st.selectbox(
            "What is wrong",
            list(CATEGORIES),
            format_func=CATEGORIES.__getitem__,
            key=f"flag_category_{n}",
        )
        # No max_chars: the browser would silently ignore a longer paste. The store refuses it, saying so.
        comment = st.text_area(
            f"Comment (at most {MAX_COMMENT:,} characters)",
            placeholder="For example: we received 143 referrals in May; you show 120. "
            "Our list of references is attached.",
            key=f"flag_comment_{n}",
        )
        upload = st.file_uploader(
            f"Your list of referral references (optional, at most {MAX_REFERENCE_MB} MB): "
            "CSV or text, one reference per line",
            type=["csv", "txt"],
            max_upload_size=MAX_REFERENCE_MB,
            help=f"References look like AB1234AC; at most {MAX_REFERENCES:,} of them. "
            "We compare your list with ours at once and show which references differ.",
            key=f"flag_upload_{n}",
        )
        pasted = st.text_area(
            f"Or paste your references, one per line (optional, at most {MAX_REFERENCE_MB} MB)",
            height=100,
            key=f"flag_pasted_{n}",
        )
        sent = st.form_submit_button("Raise flag", type="primary")
    if sent:
        _save(
            settings,
            version,
            user,
            contract,
            month,
            int(theirs),
            category,
            comment,
            upload,
            pasted,
            warehouse_count,
        )
    _show_last(settings, version, user)


def _save(
    settings,
    version,
    user,
    contract,
    month: dt.date,
    theirs,
    category,
    comment,
    upload,
    pasted,
    warehouse_count,
) -> None:
    try:
        references = provider_references(upload.getvalue() if upload else None, pasted)
        mine = data.query(version, "flag_contracts")
        row = mine[mine.contract_ref == contract]
        if row.empty:
            raise AccessRefused("That contract is not one of yours.")
        warehouse_refs = data.query(
            version, "flag_month_references", contract=contract, month=month
        ).referral_ref
        facts = flagview.contract_facts(row, warehouse_count, warehouse_refs, version.number)
        flag_id = flagview.store(settings).raise_flag(
            user,
            NewFlag(
                contract,
                month,
                category,
                theirs,
                comment,
                references,
            ),
            facts,
            data.allowed_contracts(version, user),
        )
    except (FlagError, AccessRefused) as error:
        st.error(md(error))
        return
    st.session_state[LAST] = flag_id
    st.session_state[RAISED] = f"Flag {flag_id} raised. The RPD team has been given it to review."
    st.session_state[FORM] = st.session_state.get(FORM, 0) + 1  # an empty form: no second click
    st.rerun()


def _show_last(settings, version, user) -> None:
    flag_id = st.session_state.get(LAST)
    if flag_id is None:
        return
    store = flagview.store(settings)
    allowed = data.allowed_contracts(version, user)
    references = store.references(user, flag_id, allowed)
    if references.empty:
        note(f"Flag {flag_id} has no reference list, so there is no comparison to show.")
        return
    st.subheader(f"Your list compared with ours (flag {flag_id})")
    cols = st.columns(3)
    for col, (label, count) in zip(
        cols, flagview.reconciliation_counts(references).items(), strict=True
    ):
        col.metric(label, f"{count:,}", help=term("Reconciliation").help())
    table = flagview.reconciliation_table(references)
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, f"flag-{flag_id}-references.csv")


def _mine(settings, version, user, titles: dict[str, str]) -> None:
    st.header("Your flags")
    flags = flagview.visible(settings, version, user)
    if flags.empty:
        st.info("You have not raised any flags yet.")
        return
    table = flagview.flag_table(flags, titles)
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "my-flags.csv")
    chosen = st.selectbox(
        "See the history of a flag",
        list(flags.flag_id),
        format_func=lambda i: f"Flag {i}",
        key="flags_history",
    )
    row = flags[flags.flag_id == chosen].iloc[0]
    st.markdown(
        f"**Flag {int(chosen)} is {STATUSES[row.status].lower()}.** Response from the RPD team:"
    )
    st.text(row.latest_response or "No response yet.")  # as text: never read as markdown or HTML
    history = flagview.store(settings).history(
        user, int(chosen), data.allowed_contracts(version, user)
    )
    st.dataframe(flagview.history_table(history), hide_index=True, width="stretch")
