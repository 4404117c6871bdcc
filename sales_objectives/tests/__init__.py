from . import (
    test_bad_input,
    test_cron,
    test_funnel,
    test_i18n,
    test_install,
    test_metrics,
    test_objectives,
    test_pace,
    test_performance,
    test_rights,
    test_split,
    test_trust,
)
