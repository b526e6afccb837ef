"""Cron for AWS: the AWS schedule-expression dialect, schedule previews, and crontab import.

* ``expression`` -- parse/validate ``cron()``, ``rate()``, ``at()`` (AWS dialect, not Unix's)
* ``timeline``   -- next runs in an IANA zone with EventBridge Scheduler's DST rules
* ``describe``   -- plain-English text (cron-descriptor, after translating to its dialect)
* ``unix`` / ``convert`` / ``commands`` / ``crontab`` / ``render`` -- ``import-crontab``
* ``preview`` / ``cli`` -- ``schedules`` and the two subcommands
"""

from batch_harness.cron.crontab import ImportResult, import_crontab
from batch_harness.cron.expression import ExpressionError, parse_expression
from batch_harness.cron.timeline import next_runs

__all__ = ["ExpressionError", "ImportResult", "import_crontab", "next_runs", "parse_expression"]
