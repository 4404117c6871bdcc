from . import (
    test_credit_split_sale,
    test_sale_i18n,
    test_sale_incremental,
    test_sale_metrics,
    test_sale_performance,
    test_sale_rights,
    test_sale_team_card,
    test_sale_territory,
)
