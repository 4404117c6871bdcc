"""Quotas that are approved (18.0.1.2.0).

- Targets keep their states: "confirmed" is the approved state's key.
- Plans get a state: a plan whose targets were generated (then confirmed at once) is
  approved; the others are drafts.
- The "all documents" rule on plans becomes read-only: team leaders now write (submit)
  the plans of the teams they lead, and the rule, loaded once (noupdate), would have
  let every "all documents" salesperson write every plan.
"""


def migrate(cr, version):
    cr.execute(
        """UPDATE sales_target_plan p SET state = 'approved'
            WHERE EXISTS (SELECT 1 FROM sales_target t
                           WHERE t.plan_id = p.id AND t.state IN ('confirmed', 'closed'))"""
    )
    cr.execute(
        """UPDATE ir_rule SET perm_read = TRUE, perm_write = FALSE, perm_create = FALSE,
                              perm_unlink = FALSE
            WHERE id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'sales_objectives'
                           AND name = 'sales_target_plan_rule_all' AND model = 'ir.rule')"""
    )
