"""The figures of a target derived from its measured values. Pure functions: the
refresh engine and the ORM computes both use them, so the two always agree.

Conventions (documented in the README):

- *Attainment* of a higher-is-better KPI is ``actual / target``. For a
  lower-is-better KPI (sales cycle days, discount) it is ``target / actual``,
  capped at ``LOWER_IS_BETTER_CAP`` (200 %). A target with no figure (nothing to
  measure yet: a rate or a lower-is-better KPI without any record) has no attainment
  (None, stored as NULL), never 0: averages and rankings leave it out.
- *Expected to date* of an additive KPI (an amount or a count that grows during the
  period) is ``target x elapsed``, where *elapsed* is the share of the period's
  working days (company calendar) up to today, today included. For a ratio, an
  average or a lower-is-better KPI it is the target itself.
- *Projection*: additive KPIs with a pipeline (won revenue, won deals) add the open
  pipeline weighted by probability and due in the period to the actual; other
  additive KPIs extrapolate the run-rate (``actual / elapsed``); ratios project
  their current value.
- *Status*: achieved when the target is reached; otherwise the pace index
  (actual vs expected to date, inverted for lower-is-better; for an amount or a count,
  the better of that and the projection vs the target, so that a salesperson on course
  to exceed it is not "behind") against the company's thresholds: on track from
  ``on_track`` %, at risk from ``at_risk`` %, behind below. A period that has ended
  without reaching the target is behind. No status is given before the share
  ``min_share`` of the period has elapsed (too early to judge) unless the target is
  already reached, nor before a lower-is-better or a ratio KPI has any record.
"""

import math

# the owner's own record (win rate, average won deal, meetings per win): the last
# 365 days up to today
HISTORY_DAYS = 365
LOWER_IS_BETTER_CAP = 200.0


# the largest number of opportunities or meetings still needed that is stored (an int4)
NEEDED_MAX = 2**31 - 1


def has_figure(*, additive, direction, sample):
    """Whether a measured target has a figure at all. A sum or a count that grows
    over the period (higher is better) has one from its first measure: nothing won
    yet is 0. A rate, an average, a lower-is-better KPI or a comparison with the
    previous period (retention, churn) has none until a record is measured
    (``sample``): with no deal closed, no customer to keep, there is nothing to
    measure, which is not 0."""
    return bool(sample) or (additive and direction != "lower")


def nothing_to_reach(*, direction, target):
    """A higher-is-better target of 0 (a draft: confirming one is refused) has nothing
    to reach: no attainment, no status, never "achieved" before anything is done."""
    return direction != "lower" and target <= 0


def derive(
    *,
    target,
    unit,
    direction,
    additive,
    pipeline_kind,
    actual,
    sample,
    elapsed,
    ended,
    pipeline_value=0.0,
    pipeline_weighted=0.0,
    win_rate=0.0,
    avg_deal=0.0,
    meetings_per_win=0.0,
    on_track=95.0,
    at_risk=80.0,
    min_share=10.0,
):
    """Returns the derived figures of one target as a dict."""
    lower = direction == "lower"
    has_data = has_figure(additive=additive, direction=direction, sample=sample)
    nothing = nothing_to_reach(direction="lower" if lower else "higher", target=target)

    # attainment: none without a figure (not 0: averages and rankings leave it out)
    if not has_data or nothing:
        attainment = None
    elif lower:
        if actual <= 0:
            attainment = LOWER_IS_BETTER_CAP
        else:
            attainment = min(100.0 * target / actual, LOWER_IS_BETTER_CAP)
    else:
        attainment = 100.0 * actual / target

    # expected to date, projection
    if additive and not lower:
        expected = target * elapsed
        if pipeline_kind:
            projected = actual + pipeline_weighted
        elif elapsed > 0:
            projected = actual / elapsed
        else:
            projected = actual
    else:
        expected = target
        projected = actual

    # gap (positive: still to do), coverage, what must still be generated
    if not has_data or nothing:
        gap = 0.0  # nothing measured (or to reach): nothing known to be missing
    else:
        gap = actual - target if lower else target - actual
    coverage = pipeline_value / gap if pipeline_kind and gap > 0 else 0.0
    opportunities_needed = meetings_needed = 0
    if pipeline_kind and gap > 0:
        remaining = max(gap - pipeline_weighted, 0.0)
        if pipeline_kind == "amount":
            deals = remaining / avg_deal if avg_deal > 0 else 0.0
        else:
            deals = remaining
        if deals > 0 and win_rate > 0:
            opportunities_needed = math.ceil(round(deals * 100.0 / win_rate, 6))
        if deals > 0 and meetings_per_win > 0:
            meetings_needed = math.ceil(round(deals * meetings_per_win, 6))
        # beyond what a count holds (a target typed with digits too many, questioned
        # on its form): nothing sensible to say of what is needed
        if opportunities_needed > NEEDED_MAX:
            opportunities_needed = 0
        if meetings_needed > NEEDED_MAX:
            meetings_needed = 0

    # status
    achieved = (sample and actual <= target) if lower else (has_data and actual >= target)
    if nothing:
        status = False
    elif achieved:
        status = "achieved"
    elif ended:
        status = "behind"
    elif 100.0 * elapsed < min_share or ((lower or not additive) and not sample):
        status = False  # too early to judge
    else:
        if lower:
            pace = target / actual if actual > 0 else 1.0
        elif additive:
            pace = actual / expected if expected > 0 else 1.0
            if target > 0:
                pace = max(pace, projected / target)
        else:
            pace = actual / target if target > 0 else 1.0
        pace *= 100.0
        if pace >= on_track:
            status = "on_track"
        elif pace >= at_risk:
            status = "at_risk"
        else:
            status = "behind"

    return {
        "attainment": attainment,
        "expected_value": expected,
        "projected_value": projected,
        "gap_value": gap,
        "coverage_ratio": coverage,
        "opportunities_needed": opportunities_needed,
        "meetings_needed": meetings_needed,
        "status": status,
    }


def bonus_payout(attainment, base, floor, accelerator, cap):
    """The estimated payout of a bonus on a target: nothing below the floor (in % of
    attainment), ``base`` × attainment / 100 from the floor up to 100 %, and above it
    ``accelerator`` points of the base per point of attainment; never more than ``cap``
    (when set). The SQL of the payouts (PAYOUT_SQL in models/sales_target.py) computes the same."""
    if not base or base <= 0:
        return 0.0
    attainment = attainment or 0.0
    if attainment < (floor or 0.0):
        return 0.0
    if attainment <= 100.0:
        payout = base * attainment / 100.0
    else:
        payout = base * (1.0 + (accelerator or 0.0) * (attainment - 100.0) / 100.0)
    if cap and cap > 0:
        payout = min(payout, cap)
    return payout


def allocate(total, weights, digits):
    """``total`` divided in proportion to ``weights`` in whole units of ``10**-digits``
    (cents, deals), by the largest remainder: each gets its share rounded down, then
    the units left go one by one to the largest fractions (the first in order on a
    tie). The parts add up exactly to ``total`` rounded to those units."""
    units = round(total * 10**digits)
    weight_sum = sum(weights)
    if not weights:
        return []
    if weight_sum <= 0:
        weights = [1.0] * len(weights)
        weight_sum = float(len(weights))
    exact = [units * w / weight_sum for w in weights]
    whole = [math.floor(round(value, 6)) for value in exact]
    left = units - sum(whole)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - whole[i]), i))
    for index in order[: max(left, 0)]:
        whole[index] += 1
    return [n / 10**digits for n in whole]
