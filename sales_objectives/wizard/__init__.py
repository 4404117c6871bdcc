from . import sales_target_split
