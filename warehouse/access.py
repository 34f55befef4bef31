"""Who may see and do what: roles, their permissions, the user a role is given to, and the
contracts and regions each user may read. Who may sign in (the users file, the demo users) is the
app's: dashboard.users.

Enforced where data is read and written: `dashboard.data.query` binds a user's contracts and regions
into every query that returns contract or organisation rows, and `dashboard.flags.store` checks them on
every write (the flag store, which the weekly summary of `ingest` reads too: so this module is in
the base package, not in the app). Hiding a page or a button is only a convenience on top.

Roles:
- national: the national commissioner. Every contract, region and flag.
- rpd: a Regional Probation Director's team. The contracts and organisations of their region(s);
  triages the flags raised on those contracts. Not data status: its file and run reports name
  contracts of every region.
- provider: a lead provider or subcontractor. Only the contracts they lead or subcontract on;
  raises flags on them and sees their own flags.
- admin: runs the service. Data status and refreshes; no contract or organisation data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from warehouse.refdata import region_names

ROLES = {
    "national": "National commissioner",
    "rpd": "Regional Probation Director's team",
    "provider": "Provider",
    "admin": "Administrator",
}

# What each role may do. "contracts": read contract figures (restricted to the user's contracts);
# "engagement": read organisation and forum figures (restricted to the user's regions);
# "operations": read data status (files, checks, runs); "refresh": start a refresh;
# "raise_flags": raise a flag on one of their contracts; "triage": review flags on their contracts.
PERMISSIONS: dict[str, frozenset[str]] = {
    "national": frozenset({"contracts", "engagement", "operations", "refresh", "triage"}),
    "rpd": frozenset({"contracts", "engagement", "triage"}),
    "provider": frozenset({"contracts", "raise_flags"}),
    "admin": frozenset({"operations", "refresh"}),
}


class AccessRefused(PermissionError):
    """Raised when a user asks for data or an action their role does not allow."""


@dataclass(frozen=True)
class User:
    id: str  # the e-mail address signed in with, or a demo user's id
    name: str
    role: str
    regions: tuple[str, ...] = ()  # probation region codes (rpd)
    providers: tuple[str, ...] = ()  # provider codes as in the contract register (provider)
    demo: bool = field(default=False, compare=False)

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    def require(self, permission: str) -> None:
        if not self.may(permission):
            raise AccessRefused(
                f"{self.name} ({ROLES[self.role]}) may not {_ACTIONS.get(permission, permission)}."
            )

    @property
    def sees_everything(self) -> bool:
        return self.role == "national"

    @property
    def description(self) -> str:
        where = ""
        if self.role == "rpd":
            names = region_names()
            where = f", {', '.join(names.get(code, f'region {code}') for code in self.regions)}"
        elif self.role == "provider":
            where = f", {', '.join(self.providers)}"
        return f"{self.name} ({ROLES[self.role]}{where})"


_ACTIONS = {
    "contracts": "see contract figures",
    "engagement": "see engagement figures",
    "operations": "see data status",
    "refresh": "start a refresh",
    "raise_flags": "raise flags",
    "triage": "review flags",
}

# The contracts a user may read, as SQL over core_contract with $roles' parameters bound.
# NULL means "no restriction" (national); an empty list means "none".
CONTRACTS_SQL = """
    SELECT contract_ref FROM core_contract
    WHERE (CAST($regions AS VARCHAR[]) IS NOT NULL AND list_contains(CAST($regions AS VARCHAR[]), region_code))
       OR (CAST($providers AS VARCHAR[]) IS NOT NULL AND (
              list_contains(CAST($providers AS VARCHAR[]), lead_provider_code)
              OR len(list_intersect(coalesce(subcontractor_codes, []), CAST($providers AS VARCHAR[]))) > 0))
    ORDER BY contract_ref
"""


def contract_scope(user: User) -> dict[str, list[str] | None]:
    """Parameters for CONTRACTS_SQL: which regions' and providers' contracts the user may read."""
    if not user.may("contracts"):
        return {"regions": [], "providers": []}
    if user.role == "rpd":
        return {"regions": list(user.regions), "providers": None}
    if user.role == "provider":
        return {"regions": None, "providers": list(user.providers)}
    return {"regions": None, "providers": None}  # national: handled as "everything" by callers


def region_scope(user: User) -> list[str] | None:
    """The regions whose organisations and forums the user may read (None: every region)."""
    if not user.may("engagement"):
        return []
    return None if user.sees_everything else list(user.regions)
