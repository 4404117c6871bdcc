"""Figures fresh within a minute (18.0.1.4.0): the scheduled refresh runs every minute
(a quiet minute costs one probe), unless an administrator chose another interval than
the 15 minutes of earlier releases; the passes' state moves from a system parameter
(writing one cleared every worker's caches) to the kept sources of the cells."""


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_cron SET interval_number = 1
            WHERE interval_type = 'minutes' AND interval_number = 15
              AND id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'sales_objectives'
                           AND name = 'ir_cron_sales_target_refresh')"""
    )
    cr.execute(
        """INSERT INTO sales_kpi_cell_source (name, signature)
           SELECT 'refresh_state', value FROM ir_config_parameter
            WHERE key = 'sales_objectives.refresh_state'
           ON CONFLICT (name) DO UPDATE SET signature = EXCLUDED.signature"""
    )
    cr.execute("DELETE FROM ir_config_parameter WHERE key = 'sales_objectives.refresh_state'")
