"""Plain-English definitions of every term and measure shown on screen (the Glossary page and the
help text beside each figure read from here, so they never disagree), and the Glossary page's pure half:
its search and its table (tests/unit/test_glossary.py checks them on three terms)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Term:
    name: str
    definition: str
    formula: str | None = None

    @property
    def anchor(self) -> str:
        return (
            self.name.lower().replace(" ", "-").replace("'", "").replace("(", "").replace(")", "")
        )

    def help(self) -> str:
        text = self.definition
        if self.formula:
            text += f"\n\nHow it is worked out: {self.formula}"
        return text + f"\n\n[Read more in the Glossary](/glossary#{self.anchor})"


TERMS: dict[str, Term] = {
    t.name: t
    for t in [
        Term(
            "Dynamic Framework",
            "The list of approved organisations from which the probation service buys rehabilitation "
            "services, and the rules for buying.",
        ),
        Term("Call-off", "One purchase from the Dynamic Framework, which becomes a contract."),
        Term(
            "Commissioned Rehabilitative Services",
            "Services the probation service buys for people on probation: "
            "accommodation; education, training and employment; personal wellbeing; women's services; and others.",
        ),
        Term(
            "Lot",
            "The kind of service a contract buys, such as Accommodation or Women's Services. Some lots are let "
            "per region, others per PCC area.",
        ),
        Term(
            "Lead provider",
            "The organisation holding the contract (also called the prime provider). It may pay "
            "subcontractors to deliver parts of the service.",
        ),
        Term(
            "Subcontractor",
            "An organisation paid by the lead provider to deliver part of a contract: together they "
            "form its supply chain.",
        ),
        Term("Supply chain", "The lead provider and its subcontractors on a contract."),
        Term(
            "RPD",
            "Regional Probation Director: commissions and monitors services for one of the 12 probation regions.",
        ),
        Term(
            "PCC area",
            "Police and Crime Commissioner area. There are 42; each lies in one probation region.",
        ),
        Term(
            "Referral",
            "A probation practitioner asking a provider to work with a person on probation.",
        ),
        Term(
            "Referrals received",
            "Referrals sent to the contract in the period, counted by the date the referral was received.",
            "count of referrals by the month of the date received.",
        ),
        Term(
            "Indicative volume",
            "How many referrals a year the contract expected; the price was set on it.",
        ),
        Term(
            "Forecast",
            "The indicative volume spread evenly over the year: the referrals the price assumed for a month.",
            "indicative annual volume ÷ 12 × (days the contract was open in the month ÷ days in the month).",
        ),
        Term(
            "Volume gap",
            "How far referrals received are from the forecast. Negative: fewer referrals than forecast.",
            "gap = referrals received − forecast; gap % = 100 × gap ÷ forecast.",
        ),
        Term(
            "Volume band",
            "A range of referrals a year with the payment for that range. Only larger contracts have bands.",
            "the band is the first one whose upper limit is at least the referrals received in the contract year.",
        ),
        Term(
            "Volume cap",
            "The number of referrals a year above which the contract pays no more money.",
            "the top band's upper limit, or the contract's own cap.",
        ),
        Term(
            "Unfunded demand",
            "Referrals delivered above the volume cap, for which the provider is paid nothing more.",
            "referrals received in the contract year − volume cap, when positive.",
        ),
        Term(
            "Contract year",
            "Twelve months from the contract's start date; bands and caps apply per contract year.",
        ),
        Term(
            "Provisional",
            "A period whose data is not all in yet, such as the current, part-finished month. Provisional "
            "figures are marked and should not be read as a fall in referrals.",
        ),
        Term(
            "Full cost recovery",
            "The contract pays everything the service really costs, overheads included.",
        ),
        Term(
            "Full delivery cost",
            "What delivering the service really cost in the quarter, overheads included, as the "
            "provider reports it.",
        ),
        Term(
            "Shortfall",
            "How much the service cost beyond what the contract paid in the quarter.",
            "full delivery cost − contract income, when positive; as a % of a quarter of the annual contract value.",
        ),
        Term(
            "Subsidy",
            "Money the provider spends from elsewhere (reserves, grants, fundraising) to keep an under-funded "
            "contract running.",
        ),
        Term(
            "Subsidy signal",
            "Any of three financial states a contract can be in for a quarter: under-funded, subsidised, or "
            "gap not covered. They mean different things and are counted apart.",
            "under-funded, subsidised or gap not covered (see each).",
        ),
        Term(
            "Under-funded",
            "The service cost more than the contract paid in the quarter. Whether the provider then covers the "
            "gap from other money (subsidised) or absorbs it, usually by doing less, is told apart.",
            "full delivery cost > contract income, in any return of the contract's supply chain.",
        ),
        Term(
            "Subsidised",
            "The provider used other money (reserves, grants, fundraising) to cover delivery in the quarter: "
            "what providers mean by subsidising a contract. The headline 'contracts being subsidised' counts "
            "this state only.",
            "other funding used > 0, in any return of the contract's supply chain.",
        ),
        Term(
            "Gap not covered",
            "The service cost more than the contract paid plus the other money used: the provider absorbed "
            "the rest, which usually means less service. Always also under-funded.",
            "full delivery cost > contract income + other funding; £ = the sum of what is left uncovered.",
        ),
        Term(
            "How the states add up",
            "Each contract returning a quarter is in exactly one of five combinations: under-funded with "
            "nothing covered; under-funded and partly covered; under-funded and covered by other funding; "
            "subsidised though not under-funded; neither.",
            "under-funded = the first three; subsidised = the middle three; gap not covered = the first two.",
        ),
        Term(
            "Subcontractor's return",
            "A provider in a contract's supply chain may send its own quarterly returns. They sit beside the "
            "lead provider's and never replace them; a contract is in a state when any return of its supply "
            "chain is, and its pounds add up over those returns.",
        ),
        Term(
            "Small organisation",
            "An organisation whose annual income is under £1m, as the organisation register records it.",
        ),
        Term(
            "Specialist organisation",
            "A women's specialist, an organisation led by and for racially minoritised people, or a Welsh "
            "organisation, as the organisation register records it.",
        ),
        Term(
            "Expected subsidy",
            "A provider's answer, in its financial return, to: do you expect to subsidise delivery from other "
            "funding in the next 12 months? Compared with what its returns for the next four quarters report.",
            "expected and happened: answered yes and a later return used other funding; expected, not yet: "
            "answered yes and none has yet; not expected, happened: answered no and a later return did.",
        ),
        Term(
            "KPI",
            "Key performance indicator: a measure of service the provider reports each quarter, with a target.",
            "numerator ÷ denominator, compared with the target %.",
        ),
        Term(
            "Voluntary sector",
            "Charities and community organisations (VCS: the voluntary and community sector).",
        ),
        Term("Led by and for", "An organisation run by people from the community it serves."),
        Term(
            "Engagement coverage",
            "Of the voluntary organisations known to serve a region, the share that came to at "
            "least one of the RPD's forums in the last 12 months.",
            "100 × organisations that attended ÷ organisations serving the region.",
        ),
        Term(
            "Small organisation", "A voluntary organisation with an annual income under £100,000."
        ),
        Term("Forum", "A meeting the RPD team holds with voluntary organisations in its region."),
        # -- terms added for the Supply chains page --
        Term(
            "Provider code",
            "The code an organisation has in the referral service and the contract register, as lead or "
            "subcontractor. An organisation in the organisations file can carry its provider codes, so its role "
            "on each contract is read from the register rather than typed by hand.",
        ),
        Term(
            "Supply-chain diversity",
            "In one region, how the organisations that lead contracts and those that subcontract compare with "
            "all the voluntary organisations known there, by income band, women's specialist, led by and for "
            "racially minoritised people, and (in Wales) Welsh organisations.",
            "share of known = 100 × organisations of a kind known in the region ÷ all known there; share of the "
            "supply chain = 100 × leads and subcontractors of that kind ÷ all leads and subcontractors there.",
        ),
        Term(
            "Re-commissioning horizon",
            "The contracts whose end date in the register falls within the next 18 months from the day the "
            "data runs up to: the ones the RPD will buy again soon.",
            "as-of day < end date ≤ as-of day + 18 months.",
        ),
        Term(
            "Organisations to reach before re-commissioning",
            "For a contract ending soon, the voluntary organisations known in its region that have never come "
            "to one of the region's forums, work in one of its service categories and are not already in its "
            "supply chain. Counted once each, however many contracts they are listed against.",
        ),
        Term(
            "Timeliness",
            "How quickly referrals move: the referral service expects the first assessment within 10 "
            "working days of the referral, and an action plan within 5 working days of the assessment.",
        ),
        Term("TUPE", "Rules under which staff move with a service to a new provider."),
        # -- terms added for the Overview and Volume pages --
        Term(
            "Contracts in scope",
            "Contracts matching the filters chosen in the sidebar that were open at some time in the "
            "period shown.",
            "contracts matching region, PCC area, lot and lead provider, started by the as-of day and not "
            "ended before the first month of the period.",
        ),
        Term(
            "Contracts well below forecast",
            "Contracts that received more than 20% fewer referrals than forecast over the last three "
            "complete months (the current, provisional month is left out).",
            "100 × (received − forecast) ÷ forecast, summed over the last 3 complete months, below −20.",
        ),
        Term(
            "Attention score",
            "How much of a contract's expected volume or money is at stake, used to rank the contracts "
            "needing attention. Higher means more reason to look at the contract.",
            "volume gap % over the last 3 complete months, ignoring the sign, when beyond 20% (else 0) "
            "+ 100 × the latest complete quarter's shortfall (or other money used, whichever is larger) ÷ a "
            "quarter of the annual contract value + 100 × referrals above the volume cap this contract year "
            "÷ the cap.",
        ),
        Term(
            "Working days",
            "Monday to Friday. Bank holidays are not taken out, so a wait over a bank holiday looks one day "
            "longer than it was.",
            "weekdays from the day the referral was received up to, but not including, the later day "
            "(next weekday = 1; Friday to Monday = 1; same day = 0).",
        ),
        Term(
            "Time to assessment arranged",
            "The middle (median) number of working days from a referral being received to the provider "
            "arranging the first assessment. Referrals not yet arranged are left out.",
            "median of working days from referral received to first assessment arranged.",
        ),
        Term(
            "Time to assessment attended",
            "The middle (median) number of working days from a referral being received to the person "
            "attending their first assessment. Referrals not yet assessed are left out.",
            "median of working days from referral received to first assessment attended.",
        ),
        Term(
            "Assessed within 10 working days",
            "Of the referrals whose first assessment has been attended, the share attended within 10 working "
            "days of the referral, as the referral service expects.",
            "100 × referrals attended within 10 working days ÷ referrals attended.",
        ),
        Term(
            "Three-month trend",
            "The volume gap over the last three complete months, compared with the three months before them.",
            "gap % over the last 3 complete months; change = that − the gap % over the 3 months before, in "
            "percentage points.",
        ),
        Term(
            "Cumulative volume",
            "Referrals received, and the forecast, added up month by month since the contracts started.",
            "running total of referrals received and of the forecast from each contract's start.",
        ),
        # -- terms added for the Subsidy and Engagement pages --
        Term(
            "Financial return",
            "The provider's report for a quarter: what the contract paid, what the service really cost, "
            "and any other money used to cover the difference. One is due for every quarter a contract ran.",
        ),
        Term(
            "Latest complete quarter",
            "The most recent calendar quarter for which every contract in view that owed a financial return "
            "has sent one. A later quarter whose returns are still coming in is provisional.",
        ),
        Term(
            "Other funding",
            "Money the provider used from elsewhere to run the contract: reserves, grants or fundraising, "
            "as its financial returns report.",
            "sum of other funding reported in the financial returns.",
        ),
        Term(
            "Women's services contracts being subsidised",
            "Of the Women's Services contracts that sent a financial return for the latest complete quarter, "
            "the share that were subsidised in it.",
            "100 × Women's Services contracts subsidised ÷ Women's Services contracts that sent a return.",
        ),
        Term(
            "Subsidy risk score",
            "A score from 0 to 10 that ranks contracts by how strongly their last four quarters and their "
            "current contract year suggest the provider is paying to keep the service running.",
            "1 point for each of the last four quarters in which the contract was under-funded; 2 if the latest "
            "return's shortfall is at least 15% of a quarter of the contract's value (1 if at least 5%); 2 if it "
            "was subsidised in those quarters; 2 if referrals are above the volume cap this contract year. A gap "
            "not covered is named in the reasons.",
        ),
        Term(
            "Known organisations",
            "Voluntary organisations on the RPD team's register as working in the region. One that works in "
            "two regions counts in each.",
        ),
        Term(
            "Organisations reached",
            "Known organisations that came to at least one of the region's RPD forums in the 12 months to the "
            "day the data runs up to. An organisation counts once in each region it works in.",
        ),
        Term(
            "Organisations to reach",
            "Known organisations that have not come to any of a region's RPD forums in the 12 months to the "
            "day the data runs up to: the outreach list. An organisation counts once in each region it works "
            "in, as for organisations reached, so reached + to reach = known.",
        ),
        Term(
            "Forums held",
            "RPD forums for voluntary organisations held in the 12 months to the day the data runs up to: the "
            "period engagement coverage looks back over. The table beside the chart gives each quarter's "
            "forums and how many of them fall in those 12 months.",
            "count of forum meetings dated after the as-of day − 12 months, up to the as-of day.",
        ),
        # -- terms added for the Glossary and Accessibility pages --
        Term(
            "Flag",
            "A provider's statement that the referral figures shown for one of their contracts and months "
            "are wrong, with their own count and, if they have it, their list of referral references. "
            "The RPD team for the region reviews it and answers. Statuses: open (not yet looked at), "
            "under review, resolved (the figures were wrong and are being put right) or not upheld "
            "(the figures stand, with the reason).",
        ),
        Term(
            "Disputed",
            "A month's figures for a contract that a provider has flagged as wrong, while the flag is open "
            "or under review. They are shown and downloaded as they are, marked disputed.",
        ),
        Term(
            "Overdue flag",
            "A flag still waiting for a first response from the RPD team after its respond-by date: "
            "10 working days after it was raised, not counting weekends or England and Wales bank holidays.",
        ),
        Term(
            "Reconciliation",
            "Comparing the provider's list of referral references with the warehouse's for the same contract "
            "and month: references only in their list, only in the warehouse, and in both.",
        ),
        Term(
            "Demo mode",
            "A way of trying the service with made-up data and no real sign-in: you choose whose view to see. "
            "A real deployment signs people in with their work account instead.",
        ),
        Term(
            "CSV",
            "A plain table file (comma-separated values) that opens in Excel, LibreOffice or any "
            "spreadsheet. Every table and chart in this service can be downloaded as one.",
        ),
        Term(
            "WCAG",
            "The Web Content Accessibility Guidelines: the international standard for making websites "
            "usable by disabled people. Public sector services in the UK are expected to meet version 2.2, "
            "level AA.",
        ),
        Term(
            "Screen reader",
            "Software that reads out what is on the screen, used by people who are blind or partially sighted.",
        ),
    ]
}


def term(name: str) -> Term:
    return TERMS[name]


def alphabetical(terms: Iterable[Term]) -> list[Term]:
    return sorted(terms, key=lambda t: t.name.casefold())


def matching(query: str, terms: Iterable[Term] | None = None) -> list[Term]:
    """Terms (every term in TERMS unless given) whose name or definition contains the query, ignoring
    case, in alphabetical order; every term for an empty query."""
    needle = query.casefold()
    return alphabetical(
        t
        for t in (TERMS.values() if terms is None else terms)
        if needle in t.name.casefold() or needle in t.definition.casefold()
    )


def as_table(terms: list[Term]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Term": [t.name for t in terms],
            "Definition": [t.definition for t in terms],
            "How it is worked out": [t.formula or "" for t in terms],
        }
    )
