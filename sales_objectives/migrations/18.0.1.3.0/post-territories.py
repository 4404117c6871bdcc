"""Territories (18.0.1.3.0): leading a team that others belong to (a region) is leading
them for their targets, plans, credit splits and rankings. The record rules, loaded
once (noupdate), named the team's own leader only: they now name the leaders of the
team and of the teams above it (``crm.team.so_leader_ids``)."""


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_rule
              SET domain_force = replace(domain_force, 'team_id.user_id'', ''='', user.id)',
                                         'team_id.so_leader_ids'', ''in'', user.ids)')
            WHERE id IN (SELECT res_id FROM ir_model_data
                          WHERE module = 'sales_objectives' AND model = 'ir.rule')"""
    )
