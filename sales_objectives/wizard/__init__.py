from . import (
    mail_activity_schedule,
    sales_funnel,
    sales_funnel_line,
    sales_objective_delete,
    sales_objective_outcome,
    sales_target_send_back,
    sales_target_split,
    sales_target_split_line,
)
