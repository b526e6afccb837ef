# Missed run ("dead man's switch"): one alarm per schedule that fires when no successful run was
# recorded when one was due - a disabled or deleted schedule, a job stuck RUNNABLE, a target that
# no longer exists, a run that never started. Failures themselves notify through events.tf.
#
# Success signal: one metric filter per kind on the job-history log group counts every SUCCEEDED
# job (or pipeline execution) of the stack as metric <namespace>/Succeeded, with the run's job
# name (or state machine ARN) as its dimension; each schedule's alarm watches its own dimension
# value. A filter per schedule would hit CloudWatch Logs' 100 metric filters per log group at
# the 101st schedule; this way a stack holds any number of schedules with at most two filters.
#
# Two alarm shapes, picked per schedule:
#  - "window": the expected interval is known (rate(), a daily/weekly cron(), or
#    expected_interval_minutes) and interval + slack fits CloudWatch's evaluation range.
#    ALARM when every period of the window counted no success; treat_missing_data = breaching
#    (no data at all is exactly what a missed run looks like).
#  - "heartbeat": anything longer than CloudWatch can look back (an alarm evaluates at most 7
#    days, 1 day for periods under an hour), one-time at() schedules, cron() expressions whose
#    gaps cannot be derived (day-of-month, month, year, L, W, #), and schedules with a start or
#    end date (a window would report the time before the start and after the end as missed
#    runs). A companion Scheduler schedule with the same expression, time zone and dates
#    publishes a 0 into the schedule's success metric whenever a run is due; the alarm goes to
#    ALARM when that 0 is not followed by a success within the slack. Between runs no data
#    exists and treat_missing_data = ignore keeps the state.

locals {
  checks = var.missed_run_checks

  utc_zones = ["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"]

  # rate(<n> <unit>) -> minutes
  rate_pattern = "^rate\\(\\s*(\\d+)\\s+(minutes?|hours?|days?)\\s*\\)$"
  rate_minutes = {
    for key, check in local.checks : key => (
      tonumber(regex(local.rate_pattern, check.expression)[0]) *
      lookup({ minute = 1, minutes = 1, hour = 60, hours = 60, day = 1440, days = 1440 }, regex(local.rate_pattern, check.expression)[1])
    ) if can(regex(local.rate_pattern, check.expression))
  }

  # cron(min hour day-of-month month day-of-week year) -> the six fields
  cron_fields = {
    for key, check in local.checks :
    key => split(" ", trimspace(replace(regex("^cron\\((.*)\\)$", check.expression)[0], "/\\s+/", " ")))
    if can(regex("^cron\\((.*)\\)$", check.expression))
  }

  # The fields that decide the gaps of a daily or weekly cron, day names as numbers (SUN = 1).
  cron_field_text = merge([
    for key, fields in local.cron_fields : {
      "${key}|minute" = { text = fields[0], lo = 0, hi = 59 }
      "${key}|hour"   = { text = fields[1], lo = 0, hi = 23 }
      "${key}|dow" = {
        text = replace(replace(replace(replace(replace(replace(replace(upper(fields[4]),
        "SUN", "1"), "MON", "2"), "TUE", "3"), "WED", "4"), "THU", "5"), "FRI", "6"), "SAT", "7")
        lo = 1
        hi = 7
      }
    } if length(fields) == 6
  ]...)

  # A field part: *, ?, a, a-b, each with an optional /step. Anything else (L, W, #) is not derived.
  cron_part_pattern = "^(?:(\\*|\\?)|(\\d+)(?:-(\\d+))?)(?:/(\\d+))?$"

  # "<key>|<field>" -> the sorted values the field selects, or null when it cannot be derived.
  cron_field_values = {
    for id, field in local.cron_field_text : id => try(
      [
        for value in sort(distinct(flatten([
          for part in split(",", field.text) : [
            for m in [regex(local.cron_part_pattern, part)] : [
              for r in [{
                start = m[0] != null ? field.lo : tonumber(m[1])
                end   = m[2] != null ? tonumber(m[2]) : (m[0] != null || m[3] != null ? field.hi : tonumber(m[1]))
                step  = m[3] != null ? tonumber(m[3]) : 1
                }] : (
                r.start <= r.end
                ? range(r.start, r.end + 1, r.step)
                # a wrapping range such as FRI-MON
                : concat(range(r.start, field.hi + 1, r.step), range(field.lo, r.end + 1, r.step))
              )
            ]
          ]
        ]))) : tonumber(value)
        # zero-padded strings sort numerically; values outside the field's range fail the check below
      ],
      null
    )
  }

  cron_field_valid = {
    for id, values in local.cron_field_values : id => (
      values != null && try(
        length(values) > 0 &&
        alltrue([for v in values : v >= local.cron_field_text[id].lo && v <= local.cron_field_text[id].hi]),
        false
      )
    )
  }

  # Longest gap, in minutes, between two consecutive runs of a cron() that repeats every day or
  # on chosen weekdays (day-of-month ?/*, every month, every year); null otherwise.
  cron_interval_minutes = {
    for key, fields in local.cron_fields : key => try(
      (
        length(fields) == 6 && contains(["*", "?"], fields[2]) && fields[3] == "*" && contains(["*", "?"], fields[5]) &&
        local.cron_field_valid["${key}|minute"] && local.cron_field_valid["${key}|hour"] && local.cron_field_valid["${key}|dow"]
        ) ? [
        for day in [{
          # minutes of the day at which it runs, ascending
          times = [
            for t in sort(distinct([
              for pair in setproduct(local.cron_field_values["${key}|hour"], local.cron_field_values["${key}|minute"]) :
              format("%04d", pair[0] * 60 + pair[1])
            ])) : tonumber(t)
          ]
          days = [for d in sort(distinct([for d in local.cron_field_values["${key}|dow"] : format("%d", d)])) : tonumber(d)]
          }] : max(
          # within one day
          max(concat([0], [for i in range(length(day.times) - 1) : day.times[i + 1] - day.times[i]])...),
          # from the last run of a day to the first run of the next day it runs
          [
            for i in range(length(day.days)) :
            (i < length(day.days) - 1 ? day.days[i + 1] - day.days[i] : day.days[0] + 7 - day.days[i]) * 1440
            -day.times[length(day.times) - 1] + day.times[0]
          ]...
        )
      ][0] : null,
      null
    )
  }

  check_plan = {
    for key, check in local.checks : key => merge(check, {
      slug = replace(key, "/[^0-9A-Za-z_.-]+/", "-")
      interval_minutes = coalesce(
        check.expected_interval_minutes,
        lookup(local.rate_minutes, key, null),
        lookup(local.cron_interval_minutes, key, null),
        -1,
      )
      # Everything a run may legitimately take on top of the interval: the grace, the flexible
      # window, the run itself, and one hour when a time zone's daylight saving shifts a cron.
      slack_minutes = (
        var.missed_run_grace_minutes + coalesce(check.flexible_window_minutes, 0) + check.runtime_minutes
      )
      dst_minutes = (
        startswith(check.expression, "cron(") && check.timezone != null && !contains(local.utc_zones, coalesce(check.timezone, "UTC"))
      ) ? 60 : 0
    })
  }

  # The success metric and the dimension that tells schedules apart, per kind of check.
  success_metric_name = "Succeeded"
  success_dimension   = { job = "JobName", pipeline = "StateMachineArn" }
  success_filters = {
    job = {
      pattern  = "{ ($.source = \"aws.batch\") && ($.detail.status = \"SUCCEEDED\") }"
      selector = "$.detail.jobName"
    }
    pipeline = {
      pattern  = "{ ($.source = \"aws.states\") && ($.detail.status = \"SUCCEEDED\") }"
      selector = "$.detail.stateMachineArn"
    }
  }

  missed_run = {
    for key, check in local.check_plan : key => merge(check, {
      window_minutes = check.interval_minutes < 0 ? -1 : check.interval_minutes + check.slack_minutes + check.dst_minutes
      metric_name    = local.success_metric_name
      dimensions = {
        (local.success_dimension[check.kind]) = check.kind == "job" ? check.job_name : check.state_machine_arn
      }
      alarm_name = "${var.name}-missed-run-${check.slug}"
    })
  }

  # Alarm shape per schedule (see the header). Periods: 5 minutes while the whole range stays
  # within one day, else 1 hour (range <= 7 days). One extra period so that a success at the very
  # start of a period still covers the whole interval.
  missed_run_alarm = {
    for key, check in local.missed_run : key => (
      check.window_minutes > 0 && ceil(check.window_minutes / 60) + 1 <= 168 && check.start_date == null && check.end_date == null ? {
        mode                = "window"
        period              = ceil(check.window_minutes / 5) + 1 <= 288 ? 300 : 3600
        evaluation_periods  = ceil(check.window_minutes / 5) + 1 <= 288 ? ceil(check.window_minutes / 5) + 1 : ceil(check.window_minutes / 60) + 1
        datapoints_to_alarm = ceil(check.window_minutes / 5) + 1 <= 288 ? ceil(check.window_minutes / 5) + 1 : ceil(check.window_minutes / 60) + 1
        treat_missing_data  = "breaching"
        } : {
        # ALARM once the due-run 0 is slack old with no success after it; the range keeps it
        # visible a little longer than that.
        mode                = "heartbeat"
        period              = ceil(check.slack_minutes / 5) + 3 <= 288 ? 300 : 3600
        datapoints_to_alarm = ceil(check.slack_minutes / 5) + 3 <= 288 ? ceil(check.slack_minutes / 5) : min(ceil(check.slack_minutes / 60), 167)
        evaluation_periods  = ceil(check.slack_minutes / 5) + 3 <= 288 ? ceil(check.slack_minutes / 5) + 3 : min(ceil(check.slack_minutes / 60), 167) + 1
        treat_missing_data  = "ignore"
      }
    )
  }

  missed_run_summary = {
    for key, check in local.missed_run : key => {
      name             = check.alarm_name
      mode             = local.missed_run_alarm[key].mode
      interval_minutes = check.interval_minutes
      window_minutes   = check.window_minutes
      metric_name      = check.metric_name
      dimensions       = check.dimensions
    }
  }

  heartbeat_group  = "${var.name}-missed-run"
  heartbeat_checks = { for key, alarm in local.missed_run_alarm : key => local.missed_run[key] if alarm.mode == "heartbeat" }
}

# Only the job history's events of this stack's queues and state machines reach the group, so
# source and status are all a filter needs; the dimension names the run.
resource "aws_cloudwatch_log_metric_filter" "succeeded" {
  for_each = toset(distinct([for check in local.checks : check.kind]))

  name           = "${var.name}-${each.key}s-succeeded"
  log_group_name = aws_cloudwatch_log_group.history.name
  pattern        = local.success_filters[each.key].pattern

  metric_transformation {
    namespace  = local.metric_namespace
    name       = local.success_metric_name
    value      = "1"
    unit       = "Count"
    dimensions = { (local.success_dimension[each.key]) = local.success_filters[each.key].selector }
  }
}

resource "aws_cloudwatch_metric_alarm" "missed_run" {
  for_each = local.missed_run

  alarm_name = each.value.alarm_name
  alarm_description = join(" ", [
    "${each.value.kind == "job" ? "Scheduled job" : "Pipeline"} ${each.key} (${each.value.expression}${each.value.timezone == null ? "" : " ${each.value.timezone}"}):",
    local.missed_run_alarm[each.key].mode == "window"
    ? "no successful run in the last ${each.value.window_minutes} minutes (expected every ${each.value.interval_minutes} min + ${each.value.window_minutes - each.value.interval_minutes} min slack)."
    : "a run was due and did not succeed within ${each.value.slack_minutes} minutes.",
    "Check the schedule, the job queue (RUNNABLE jobs) and the job history log group ${aws_cloudwatch_log_group.history.name}.",
  ])

  namespace           = local.metric_namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = "Sum"
  period              = local.missed_run_alarm[each.key].period
  evaluation_periods  = local.missed_run_alarm[each.key].evaluation_periods
  datapoints_to_alarm = local.missed_run_alarm[each.key].datapoints_to_alarm
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = local.missed_run_alarm[each.key].treat_missing_data

  # A disabled schedule is expected not to run: its alarm stays, muted.
  actions_enabled = each.value.enabled
  alarm_actions   = [local.topic_arn]
  ok_actions      = var.notifications.notify_on_recovery ? [local.topic_arn] : null

  tags = var.tags
}

################################################################################
# Heartbeats of the long-interval / one-time schedules
################################################################################

resource "aws_scheduler_schedule_group" "heartbeat" {
  count = length(local.heartbeat_checks) > 0 ? 1 : 0

  name = local.heartbeat_group
  tags = var.tags
}

resource "aws_iam_role" "heartbeat" {
  count = length(local.heartbeat_checks) > 0 ? 1 : 0

  name                  = "${substr(var.name, 0, 64 - length("-missed-run-heartbeat"))}-missed-run-heartbeat"
  description           = "${var.name}: publishes due-run heartbeats of the missed-run alarms"
  force_detach_policies = true
  path                  = var.iam_role_path
  permissions_boundary  = var.iam_role_permissions_boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = var.account_id
          "aws:SourceArn"     = "arn:${local.partition}:scheduler:${local.region}:${var.account_id}:schedule-group/${local.heartbeat_group}"
        }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "heartbeat" {
  count = length(local.heartbeat_checks) > 0 ? 1 : 0

  name = "heartbeat"
  role = aws_iam_role.heartbeat[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # PutMetricData has no resource-level permissions; the namespace condition confines it.
        Sid       = "PublishHeartbeats"
        Effect    = "Allow"
        Action    = "cloudwatch:PutMetricData"
        Resource  = "*"
        Condition = { StringEquals = { "cloudwatch:namespace" = local.metric_namespace } }
      },
      {
        Sid      = "DeadLetters"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = local.dead_letter_queue_arn
      },
      {
        # The schedule (its input) and the dead-letter queue are encrypted with the key.
        Sid      = "Encryption"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.kms_key_arn
      },
    ]
  })
}

resource "aws_scheduler_schedule" "heartbeat" {
  for_each = local.heartbeat_checks

  # Scheduler names: <= 64 of [0-9A-Za-z-_.]; long keys keep a hash for uniqueness.
  name = (
    length(each.value.slug) <= 64 ? each.value.slug : "${substr(each.value.slug, 0, 55)}-${substr(md5(each.key), 0, 8)}"
  )
  group_name                   = aws_scheduler_schedule_group.heartbeat[0].name
  description                  = "Due-run heartbeat of ${each.value.alarm_name}"
  kms_key_arn                  = var.kms_key_arn
  schedule_expression          = each.value.expression
  schedule_expression_timezone = coalesce(each.value.timezone, "UTC")
  start_date                   = each.value.start_date
  end_date                     = each.value.end_date
  state                        = each.value.enabled ? "ENABLED" : "DISABLED"

  # At the earliest time the run can start; the flexible window is part of the slack.
  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = "arn:${local.partition}:scheduler:::aws-sdk:cloudwatch:putMetricData"
    role_arn = aws_iam_role.heartbeat[0].arn
    input = jsonencode({
      Namespace = local.metric_namespace
      MetricData = [{
        MetricName = each.value.metric_name
        Dimensions = [for name, value in each.value.dimensions : { Name = name, Value = value }]
        Value      = 0
        Unit       = "Count"
      }]
    })

    retry_policy {
      maximum_retry_attempts       = 10
      maximum_event_age_in_seconds = 3600
    }

    dead_letter_config {
      arn = aws_sqs_queue.dead_letters.arn
    }
  }

  depends_on = [aws_iam_role_policy.heartbeat]
}
