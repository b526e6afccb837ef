################################################################################
# Pipelines: jobs in dependency order (var.pipelines), one Step Functions state machine each
# (modules/pipeline), started by schedules like jobs are (modules/schedule, Step Functions
# target). Batch takes `dependsOn` only as job IDs at submit time, so "report after optimise"
# needs an orchestrator: each step is a batch:submitJob.sync task of the state machine.
################################################################################

locals {
  # (Empty while a reference between the inputs is broken, like local.jobs.)
  pipelines = {
    for p, pl in var.pipelines : p => {
      name      = "${var.name}-${p}"
      role_name = "${var.name}-${p}-sfn"
      # Built from the name like the job targets, so that the state machine's ARN - and with it
      # every schedule role policy - is known at plan time whenever the account is.
      arn = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${var.name}-${p}"
      steps = {
        for s, st in pl.steps : s => {
          job                 = st.job
          job_name            = "${var.name}-${p}-${s}"
          job_queue           = try(local.job_targets[st.job].job_queue_arn, "")
          job_queue_arn       = try(local.job_targets[st.job].job_queue_arn, "")
          job_definition      = try(local.job_targets[st.job].job_definition_arn, "")
          job_definition_arn  = try(local.job_targets[st.job].job_definition_arn, "")
          share_identifier    = try(local.job_targets[st.job].share_identifier, null)
          scheduling_priority = try(local.job_targets[st.job].scheduling_priority, null)
          after               = st.after
          parameters          = st.parameters
          command             = st.command
        }
      }
    } if local.input_valid
  }

  # What a pipeline schedule sends as execution input. Scheduler fills its context attributes
  # in, so every run carries the time it was due (the state machine defaults scheduled_time to
  # the execution's start time when the input has none: a rule's run, a manual start).
  # jsonencode writes "<" and ">" as \u003c and \u003e, which Scheduler would not recognise as
  # context attributes: they are put back (a raw "<" inside a JSON string is valid JSON).
  pipeline_schedules = merge([
    for p, pl in var.pipelines : {
      for sk, s in pl.schedules : "${p}/${sk}" => merge(s, {
        pipeline = p
        schedule = sk
        name     = "${var.name}-${p}-${sk}"
        execution_input = replace(replace(
          var.schedule_backend == "scheduler" ? jsonencode({
            pipeline       = p
            schedule       = sk
            scheduled_time = "<aws.scheduler.scheduled-time>"
            schedule_arn   = "<aws.scheduler.schedule-arn>"
            execution_id   = "<aws.scheduler.execution-id>"
            parameters     = s.parameters
            }) : jsonencode({
            pipeline   = p
            schedule   = sk
            parameters = s.parameters
          }),
        "\\u003c", "<"), "\\u003e", ">")
      })
    } if local.input_valid
  ]...)
}

module "pipeline" {
  source   = "./modules/pipeline"
  for_each = var.create ? local.pipelines : {}

  name        = each.value.name
  pipeline    = each.key
  description = var.pipelines[each.key].description
  steps       = each.value.steps

  timeout_seconds        = var.pipelines[each.key].timeout_seconds
  role_name              = each.value.role_name
  partition              = local.partition
  region                 = local.region
  account_id             = local.account_id
  log_level              = var.pipelines[each.key].log_level
  include_execution_data = var.pipelines[each.key].include_execution_data
  log_retention_days     = var.pipelines[each.key].log_retention_days
  kms_key_arn            = local.kms_key_arn
  tracing_enabled        = var.pipelines[each.key].tracing_enabled
  tags                   = merge(var.tags, var.pipelines[each.key].tags)

  iam_role_permissions_boundary = var.iam_role_permissions_boundary
  iam_role_path                 = var.iam_role_path
}
