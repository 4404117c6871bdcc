"""Which figures of targets and objectives add up in a group (see
sales_figure_grouping.py): the targets' pivot, graph and list group rows, and the
objectives' analysis."""

from odoo import api, models

from . import sales_objective, sales_target  # noqa: F401 (extended below: defined first)
from .sales_figure_grouping import KPI_UNIT, MONEY, OWN_RATE, RECORDS


class SalesTarget(models.Model):
    _name = "sales.target"
    _inherit = ["sales.target", "sales.target.grouping"]

    @api.model
    def _so_figures(self):
        figures = dict.fromkeys(
            [
                "target_value",
                "stretch_value",
                "manual_value",
                "actual_value",
                "expected_value",
                "projected_value",
                "gap_value",
                "pipeline_value",
                "pipeline_weighted",
                "pipeline_commit",
                "pipeline_best",
            ],
            KPI_UNIT,
        )
        figures.update(
            dict.fromkeys(["actual_sample", "opportunities_needed", "meetings_needed"], RECORDS)
        )
        figures.update(
            dict.fromkeys(
                [
                    "elapsed_ratio",
                    "history_win_rate",
                    "history_avg_deal",
                    "history_meetings_per_win",
                    "bonus_floor",
                    "bonus_accelerator",
                ],
                OWN_RATE,
            )
        )
        figures.update(dict.fromkeys(["bonus_base", "bonus_cap", "bonus_payout"], MONEY))
        return figures


class SalesObjective(models.Model):
    """An objective's target and result are an amount (in its company's currency) or a
    quantity of its product: amounts of one currency add up; quantities of different
    products, or yes/no commitments, do not."""

    _name = "sales.objective"
    _inherit = ["sales.objective", "sales.figure.grouping"]

    @api.model
    def _so_grouping(self):
        figures = dict.fromkeys(["target_value", "result_value"], MONEY)
        probes = {
            "measures": "count_distinct(measure)",
            "measure": "max(measure)",
            "companies": "recordset(company_id)",
        }
        return figures, probes

    @api.model
    def _so_addable(self, kind, facts):
        if facts["rows"] <= 1:
            return True
        return (
            facts["measures"] == 1
            and facts["measure"] == "amount"
            and len(facts["companies"].currency_id) == 1
        )
