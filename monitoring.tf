################################################################################
# Monitoring (modules/monitoring): failed-job notifications, dead-letter and missed-run alarms,
# pipeline alarms, job history, optional dashboard. Inputs: var.notifications, var.monitoring,
# var.create_dashboard.
################################################################################

locals {
  # Every queue of the stack, shared and per-job isolated; ARNs from names, known at plan time.
  # An existing queue (jobs.<job>.queue_arn) is watched whole: its other jobs notify too.
  monitored_job_queue_arns = distinct(concat(
    [for q in values(local.queues) : "${local.batch_arn_prefix}:job-queue/${q.name}"],
    [for j in values(var.jobs) : j.queue_arn if j.queue_arn != null],
  ))

  # One missed-run check per job schedule. A run counts when the job the schedule submits (its
  # job name, unique in the stack) SUCCEEDED. Runtime allowance: the timeout of every attempt.
  job_missed_run_checks = {
    for key, s in local.schedules : "job/${key}" => {
      kind                      = "job"
      expression                = trimspace(s.expression)
      timezone                  = s.timezone
      flexible_window_minutes   = s.flexible_window_minutes
      start_date                = s.start_date
      end_date                  = s.end_date
      enabled                   = s.enabled
      expected_interval_minutes = s.expected_interval_minutes
      runtime_minutes           = ceil(var.jobs[s.job].timeout_seconds * var.jobs[s.job].retry.attempts / 60)
      job_name                  = s.name
      state_machine_arn         = null
    }
  }

  # One per pipeline schedule: a run counts when an execution of the state machine SUCCEEDED.
  # Runtime allowance: the pipeline's timeout, else every step's timeout x attempts in a row.
  pipeline_missed_run_checks = {
    for key, s in local.pipeline_schedules : "pipeline/${key}" => {
      kind                      = "pipeline"
      expression                = trimspace(s.expression)
      timezone                  = s.timezone
      flexible_window_minutes   = s.flexible_window_minutes
      start_date                = s.start_date
      end_date                  = s.end_date
      enabled                   = s.enabled
      expected_interval_minutes = s.expected_interval_minutes
      runtime_minutes = (
        var.pipelines[s.pipeline].timeout_seconds != null
        ? ceil(var.pipelines[s.pipeline].timeout_seconds / 60)
        : sum(concat([0], [
          for step in values(var.pipelines[s.pipeline].steps) :
          ceil(try(var.jobs[step.job].timeout_seconds * var.jobs[step.job].retry.attempts, 0) / 60)
        ]))
      )
      job_name          = null
      state_machine_arn = local.pipelines[s.pipeline].arn
    }
  }
}

module "monitoring" {
  source = "./modules/monitoring"
  count  = var.create && var.monitoring.enabled ? 1 : 0

  name        = var.name
  account_id  = local.account_id
  kms_key_arn = local.kms_key_arn
  tags        = var.tags

  notifications      = var.notifications
  job_queue_arns     = local.monitored_job_queue_arns
  state_machine_arns = { for p, pipeline in local.pipelines : p => pipeline.arn }
  dead_letter_queues = { schedules = local.dead_letter_queue_name }

  missed_run_checks        = var.monitoring.missed_run_alarms ? merge(local.job_missed_run_checks, local.pipeline_missed_run_checks) : {}
  missed_run_grace_minutes = var.monitoring.missed_run_grace_minutes
  history_retention_days   = var.monitoring.history_retention_days
  create_dashboard         = var.create_dashboard
  log_resource_policy      = var.monitoring.log_resource_policy

  iam_role_permissions_boundary = var.iam_role_permissions_boundary
  iam_role_path                 = var.iam_role_path
}
