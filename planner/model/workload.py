"""The workload formulas, written once: hours a tier needs, hours a manager gives, what a tier is worth.

- A tier's required hours a year = customers x (visits a year x visit_minutes
  + calls a year x call_minutes) / 60.
- Travel away from base: a customer in another district than his manager's base adds
  visits a year x travel minutes / 60 hours (the scenario's ``districts:`` table).
- A role's capacity = headcount x hours_per_year x customer_time_share x productivity, or its
  ``fixed_hours`` when set (a role whose hours come from elsewhere, e.g. call-centre spare time).
- A tier's annual revenue = customers x representative monthly spend x 12 (CNY a year); its
  revenue at risk (the weight of the ``linear`` objective) = revenue x churn_risk.
"""

from __future__ import annotations

from planner.data.policy import Tier
from planner.data.scenario import Role

MONTHS_PER_YEAR = 12


def tier_hours_per_customer(tier: Tier) -> float:
    """Hours of manager time one customer of ``tier`` needs a year to meet its standard."""
    minutes = tier.visits.per_year * tier.visit_minutes + tier.calls.per_year * tier.call_minutes
    return minutes / 60.0


def tier_call_hours_per_customer(tier: Tier) -> float:
    """The phone-contact part of :func:`tier_hours_per_customer` (what a calls-only role may take)."""
    return tier.calls.per_year * tier.call_minutes / 60.0


def tier_travel_hours_per_customer(tier: Tier, travel_minutes: float) -> float:
    """Extra hours a year one customer of ``tier`` needs when each visit adds ``travel_minutes``."""
    return tier.visits.per_year * travel_minutes / 60.0


def tier_required_hours(tier: Tier, customers: int) -> float:
    """Hours a year that ``customers`` customers of ``tier`` need."""
    return customers * tier_hours_per_customer(tier)


def role_hours_per_head(role: Role) -> float:
    """Customer-facing hours one manager of ``role`` gives a year (standard-productivity hours)."""
    return role.hours_per_year * role.customer_time_share * role.productivity


def role_capacity(role: Role, headcount: float) -> float:
    """Customer-facing hours a year that ``headcount`` managers of ``role`` give."""
    if role.fixed_hours is not None:
        return role.fixed_hours
    return headcount * role_hours_per_head(role)


def tier_revenue(tier: Tier, customers: int) -> float:
    """Annual revenue of a tier, CNY: customers x representative monthly spend x 12."""
    return customers * tier.mid_spend * MONTHS_PER_YEAR


def tier_revenue_at_risk(tier: Tier, customers: int) -> float:
    """Annual revenue at risk in a tier, CNY: customers x monthly spend x 12 x churn risk."""
    return customers * tier.mid_spend * MONTHS_PER_YEAR * tier.churn_risk
