locals {
  queue_names = sort(distinct([for arn in var.job_queue_arns : element(split("/", arn), length(split("/", arn)) - 1)]))

  all_alarm_arns = [
    for alarm_name in concat(
      [for alarm in aws_cloudwatch_metric_alarm.missed_run : alarm.alarm_name],
      [for alarm in aws_cloudwatch_metric_alarm.dead_letters : alarm.alarm_name],
      [for alarm in aws_cloudwatch_metric_alarm.pipeline : alarm.alarm_name],
    ) : "arn:${local.partition}:cloudwatch:${local.region}:${var.account_id}:alarm:${alarm_name}"
  ]

  history_query_source = "SOURCE '${aws_cloudwatch_log_group.history.name}'"

  # Widgets without x/y are laid out left to right, top to bottom.
  dashboard_widgets = concat(
    [
      {
        type   = "text"
        width  = 24
        height = 2
        properties = {
          markdown = join("\n", [
            "# ${var.name}: scheduled batch jobs",
            "Failed jobs notify [SNS](https://${local.console_host}/sns/v3/home?region=${local.region}#/topic/${local.topic_arn_for_docs}); a schedule without a success in its expected interval raises its missed-run alarm. Job history: log group `${aws_cloudwatch_log_group.history.name}`.",
          ])
        }
      },
      {
        type   = "alarm"
        width  = 24
        height = 4
        properties = {
          title  = "Alarms"
          alarms = slice(local.all_alarm_arns, 0, min(length(local.all_alarm_arns), 100))
        }
      },
      {
        type   = "log"
        width  = 24
        height = 8
        properties = {
          title  = "Job history (latest state changes)"
          region = local.region
          view   = "table"
          query = join(" | ", [
            local.history_query_source,
            "fields @timestamp, coalesce(detail.jobName, detail.name) as run, coalesce(detail.status, '') as status, coalesce(detail.statusReason, detail.cause, '') as reason, detail.jobQueue as queue",
            "sort @timestamp desc",
            "limit 200",
          ])
        }
      },
      {
        type   = "log"
        width  = 12
        height = 6
        properties = {
          title  = "Finished runs by job and status"
          region = local.region
          view   = "table"
          query = join(" | ", [
            local.history_query_source,
            "filter detail.status in ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']",
            "stats count(*) as runs, max(@timestamp) as last by coalesce(detail.jobName, detail.stateMachineArn) as job, detail.status as status",
            "sort job asc",
          ])
        }
      },
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title  = "Successful scheduled runs (missed-run signal)"
          region = local.region
          view   = "timeSeries"
          stat   = "Sum"
          period = 3600
          metrics = [
            for key, check in local.missed_run :
            concat([local.metric_namespace, check.metric_name], flatten([for name, value in check.dimensions : [name, value]]), [{ label = key }])
          ]
        }
      },
    ],
    [
      for queue in local.queue_names : {
        type   = "metric"
        width  = 8
        height = 6
        properties = {
          title  = "Queue ${queue}: job state transitions"
          region = local.region
          view   = "timeSeries"
          period = 300
          # Every AWS/Batch metric published for this queue (JobQueueName dimension).
          metrics = [[{
            expression = "SEARCH('{AWS/Batch,JobQueueName} JobQueueName=\"${queue}\"', 'Sum', 300)"
            id         = "q"
            label      = ""
          }]]
        }
      }
    ],
    length(var.state_machine_arns) == 0 ? [] : [
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title  = "Pipeline executions"
          region = local.region
          view   = "timeSeries"
          stat   = "Sum"
          period = 3600
          metrics = flatten([
            for pipeline, arn in var.state_machine_arns : [
              for metric in ["ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"] :
              ["AWS/States", metric, "StateMachineArn", arn, { label = "${pipeline} ${metric}" }]
            ]
          ])
        }
      },
    ],
    [
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title   = "Dead letters waiting"
          region  = local.region
          view    = "timeSeries"
          stat    = "Maximum"
          period  = 300
          metrics = [for label, queue in local.dead_letter_queues : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue, { label = label }]]
        }
      },
    ],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.create_dashboard ? 1 : 0

  dashboard_name = "${var.name}-scheduled-batch"
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
