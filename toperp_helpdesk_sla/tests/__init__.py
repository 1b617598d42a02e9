from . import (
    test_clock_oracle,
    test_clock_pure,
    test_sla_cron,
    test_sla_gateway,
    test_sla_holidays,
    test_sla_install,
    test_sla_lifecycle,
    test_sla_merge,
    test_sla_oncall,
    test_sla_policy,
    test_sla_report,
)
