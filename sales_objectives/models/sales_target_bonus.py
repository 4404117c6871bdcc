"""Incentives: optional bonus tiers on a salesperson's target and the estimated payout
(tools/figures.py ``bonus_payout``), recomputed when the tiers change and, in SQL, by
the refresh engine when the attainment changes."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..engine import figures

PAYOUT_SQL = SQL(
    """LEAST(
        CASE WHEN COALESCE(t.attainment, 0) < COALESCE(t.bonus_floor, 0) THEN 0
             WHEN COALESCE(t.attainment, 0) <= 100 THEN t.bonus_base * t.attainment / 100
             ELSE t.bonus_base * (1 + COALESCE(t.bonus_accelerator, 0)
                                      * (t.attainment - 100) / 100)
        END,
        CASE WHEN t.bonus_cap > 0 THEN t.bonus_cap END)"""
)


def _number(number, value):
    """A number in the user's language (``number``: a NumberFormat), without
    decimals when it is whole."""
    return number(value, 0 if value == int(value) else 2)


class SalesTarget(models.Model):
    _inherit = "sales.target"  # pylint: disable=consider-merging-classes-inherited

    bonus_base = fields.Monetary(
        "Bonus at 100 %",
        groups="sales_team.group_sale_manager",
        currency_field="currency_id",
        tracking=True,
        help="What the salesperson earns when the target is reached exactly; leave "
        "empty for no bonus.",
    )
    bonus_floor = fields.Float(
        "No bonus below (%)",
        groups="sales_team.group_sale_manager",
        default=80.0,
        tracking=True,
        help="Below this attainment, no bonus; from it up to 100 %, the bonus grows with "
        "the attainment (80 % of the target: 80 % of the bonus).",
    )
    bonus_accelerator = fields.Float(
        "Accelerator above 100 %",
        groups="sales_team.group_sale_manager",
        default=1.0,
        tracking=True,
        help="Points of the bonus earned per point of attainment above 100 %: 2 pays "
        "twice as fast beyond the target.",
    )
    bonus_cap = fields.Monetary(
        "Bonus cap",
        groups="sales_team.group_sale_manager",
        currency_field="currency_id",
        tracking=True,
        help="The most the bonus can pay; leave empty for no cap.",
    )
    bonus_payout = fields.Monetary(
        "Estimated bonus",
        groups="sales_team.group_sale_manager",
        currency_field="currency_id",
        compute="_compute_bonus_payout",
        store=True,
        help="The bonus the current attainment would pay.",
    )

    # what a salesperson sees of their own bonus, and a team leader of their team's;
    # nobody else but sales managers (who set the bonuses and analyse the payouts).
    # The target names whose bonus it is: the labels say "the bonus", not "my bonus"
    # (the team leader reads them too)
    my_bonus_base = fields.Monetary(
        "Bonus at 100 % of the target", currency_field="currency_id", compute="_compute_my_bonus"
    )
    my_bonus_payout = fields.Monetary(
        "Estimated bonus so far", currency_field="currency_id", compute="_compute_my_bonus"
    )
    my_bonus_terms = fields.Char("Bonus terms", compute="_compute_my_bonus")

    @api.depends_context("uid", "lang")
    @api.depends("bonus_base", "bonus_payout", "user_id", "team_id.user_id")
    def _compute_my_bonus(self):
        uid = self.env.uid
        number = self._number_format()
        for target, sudo in zip(self, self.sudo()):
            if sudo.bonus_base and uid in (sudo.user_id.id, sudo.team_id.user_id.id):
                target.my_bonus_base = sudo.bonus_base
                target.my_bonus_payout = sudo.bonus_payout
                floor = _number(number, sudo.bonus_floor)
                accelerator = _number(number, sudo.bonus_accelerator)
                cap = ""
                if sudo.bonus_cap:
                    cap = self.env._(", at most %(cap)s", cap=sudo._format_money(sudo.bonus_cap))
                target.my_bonus_terms = self.env._(
                    "nothing below %(floor)s %% of the target, %(accelerator)s× above 100 %%"
                    "%(cap)s",
                    floor=floor,
                    accelerator=accelerator,
                    cap=cap,
                )
            else:
                target.my_bonus_base = target.my_bonus_payout = 0.0
                target.my_bonus_terms = False

    def _format_money(self, amount):
        return self._number_format().amount(amount, self.currency_id)

    @api.depends("attainment", "bonus_base", "bonus_floor", "bonus_accelerator", "bonus_cap")
    def _compute_bonus_payout(self):
        for target in self:
            target.bonus_payout = figures.bonus_payout(
                target.attainment,
                target.bonus_base,
                target.bonus_floor,
                target.bonus_accelerator,
                target.bonus_cap,
            )

    @api.constrains(
        "bonus_base", "bonus_floor", "bonus_accelerator", "bonus_cap", "owner_type", "currency_id"
    )
    def _check_bonus(self):
        for target in self.sudo().filtered("bonus_base"):
            if target.owner_type != "user":
                raise ValidationError(
                    self.env._(
                        "A bonus is paid to a person: set it on a salesperson's target, "
                        "not on “%(target)s”.",
                        target=target.display_name,
                    )
                )
            if target.currency_id != target.company_id.currency_id:
                raise ValidationError(
                    self.env._(
                        "The bonus of “%(target)s” is paid in its company's currency "
                        "(%(currency)s): give the target that currency.",
                        target=target.display_name,
                        currency=target.company_id.currency_id.name,
                    )
                )
            if (
                target.bonus_base < 0
                or target.bonus_cap < 0
                or target.bonus_accelerator < 0
                or not 0 <= target.bonus_floor <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "The bonus of “%(target)s” needs amounts and an accelerator of 0 "
                        "or more, and a floor between 0 and 100 %%.",
                        target=target.display_name,
                    )
                )
            if target.bonus_cap and target.bonus_cap < target.bonus_base:
                raise ValidationError(
                    self.env._(
                        "The bonus cap of “%(target)s” is below the bonus at 100 %%.",
                        target=target.display_name,
                    )
                )

    @api.model
    def _so_write_payouts(self, ids):
        """The payouts of the targets ``ids`` (with a bonus) after the engine wrote
        their attainment: one statement."""
        self.env.cr.execute(
            SQL(
                "UPDATE sales_target t SET bonus_payout = ROUND((%s)::numeric,"
                " c.decimal_places) FROM res_currency c"
                " WHERE c.id = t.currency_id AND t.id = ANY(%s) AND t.bonus_base > 0",
                PAYOUT_SQL,
                list(ids),
            )
        )
        self.invalidate_model(["bonus_payout"])
