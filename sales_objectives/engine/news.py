"""What a refresh announces when it stores a target's new figures: the target turned
worse (at risk, behind), or its actual passed a milestone. Plain functions over the
figures stored before and now (engine/state.py, STORED_FIGURES order)."""

# how bad each status is: a target turning worse, to at risk or behind, is announced
STATUS_RANK = {"achieved": 0, "on_track": 1, "at_risk": 2, "behind": 3}
# milestones of the actual, in percent of the target; the stretch value is 101
MILESTONES = (50, 90, 100)
STRETCH = 101


def same_figures(stored, values):
    """Whether the stored figures equal ``values`` (exactly, most often: the same
    computation gives the same floats; else within rounding)."""
    if stored == values:
        return True
    for old, new in zip(stored, values):
        if new is None or isinstance(new, str):
            if old != new:
                return False
        elif old is None or abs(old - new) > 1e-9 * max(1.0, abs(new)):
            return False
    return True


def status_news(old_figures, values, never):
    """{"status": (old, new)} when the target turned at risk or behind since its last
    refresh (a target measured for the first time has no news: it was not anything
    before)."""
    if never or not old_figures:
        return {}
    old, new = old_figures[-1], values[-1]
    if new in ("at_risk", "behind") and STATUS_RANK.get(new) > STATUS_RANK.get(old, -1):
        return {"status": (old, new)}
    return {}


def milestone_news(target_value, unit, direction, actual, reached, stretch):
    """{"milestone": level} when the actual passed a milestone (50, 90, 100 % of the
    target, then the stretch value: 101) higher than any reached before. For the KPIs
    where higher is better; each milestone is announced once."""
    if direction != "higher" or not target_value or unit == "percent":
        return {}
    level = 0
    for milestone in MILESTONES:
        if actual >= target_value * milestone / 100.0 - 1e-9:
            level = milestone
    if stretch and stretch > target_value and actual >= stretch - 1e-9:
        level = STRETCH
    return {"milestone": level} if level > reached else {}
