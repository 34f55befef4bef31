"""Plain-English definitions of every term and measure shown on screen (the Glossary page and the
help text beside each figure read from here, so they never disagree)."""

from __future__ import annotations

from dataclasses import dataclass


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
        return text + "\n\nSee the Glossary page for every term."


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
            "A quarter in which the provider reports a shortfall or used other money to cover one.",
            "shortfall > 0 or other funding used > 0.",
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
        Term(
            "Timeliness",
            "How quickly referrals move: the referral service expects the first assessment within 10 "
            "working days of the referral, and an action plan within 5 working days of the assessment.",
        ),
        Term("TUPE", "Rules under which staff move with a service to a new provider."),
        # -- terms added for the Overview and Volume pages --
        # -- terms added for the Subsidy and Engagement pages --
        # -- terms added for the Glossary and Accessibility pages --
    ]
}


def term(name: str) -> Term:
    return TERMS[name]
