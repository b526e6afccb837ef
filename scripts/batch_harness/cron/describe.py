"""Plain-English text for AWS schedule expressions.

cron-descriptor understands the Quartz dialect AWS's cron resembles (``?``, ``L``, ``W``, ``#``,
``nL``, a year field, day-of-week 1-7 with ``day_of_week_start_index_zero = False``), so it fits
once the expression is translated: AWS's six fields get a leading seconds field ``0`` (with six
fields cron-descriptor would read the first one as seconds), and a bare ``L`` in day-of-week
(Saturday) becomes ``7``, which cron-descriptor cannot read. rate() and at() are described here.
"""

from __future__ import annotations

from cron_descriptor import ExpressionDescriptor, Options

from batch_harness.cron.expression import AtExpression, CronExpression, Expression, RateExpression


def _options() -> Options:
    options = Options()
    options.day_of_week_start_index_zero = False  # AWS: 1 = SUN
    options.use_24hour_time_format = True
    options.verbose = False
    return options


def describe(expr: Expression, timezone: str | None = None) -> str:
    where = f" ({timezone} time)" if timezone and timezone != "UTC" else " (UTC)"
    if isinstance(expr, RateExpression):
        unit = expr.unit if expr.value == 1 else f"{expr.unit}s"
        every = f"Every {unit}" if expr.value == 1 else f"Every {expr.value} {unit}"
        return f"{every}, counted from the start date (or creation), not aligned to the clock"
    if isinstance(expr, AtExpression):
        return f"Once, at {expr.wall:%Y-%m-%d %H:%M:%S}{where}"
    assert isinstance(expr, CronExpression)
    fields = list(expr.fields)
    if fields[4].upper() == "L":
        fields[4] = "7"
    try:
        text = ExpressionDescriptor(" ".join(["0", *fields]), _options()).get_description()
    except Exception:  # cron-descriptor raises several types; the expression itself was validated
        text = f"At the times cron({' '.join(expr.fields)}) names"
    return text + where
