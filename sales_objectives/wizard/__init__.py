from . import (
    mail_activity_schedule,
    sales_funnel,
    sales_objective_delete,
    sales_objective_outcome,
    sales_target_split,
)
