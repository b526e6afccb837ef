################################################################################
# Dynamic schedules (modules/dynamic-schedules): schedules an application creates at run time
# for the jobs that opt in with jobs.<job>.dynamic_schedules.enabled. Monitoring covers their
# runs without extra wiring: they submit to this stack's queues (failed-job notifications), write
# to the same dead-letter queue (its alarm) and the job name is the schedule name (job history).
################################################################################

locals {
  dynamic_schedule_jobs       = { for k, j in var.jobs : k => j if j.dynamic_schedules.enabled }
  dynamic_schedule_group_name = "${var.name}-dynamic"
}

module "dynamic_schedules" {
  source = "./modules/dynamic-schedules"
  count  = var.create && length(local.dynamic_schedule_jobs) > 0 ? 1 : 0

  group_name = local.dynamic_schedule_group_name
  partition  = local.partition
  region     = local.region
  account_id = local.account_id
  targets = {
    for k, j in local.dynamic_schedule_jobs : k => {
      role_name          = "${var.name}-${k}-dyn"
      job_queue_arn      = local.job_targets[k].job_queue_arn
      job_definition_arn = local.job_targets[k].job_definition_arn
      share_identifier   = local.job_targets[k].share_identifier
      parameters         = j.parameters
      max_per_user       = j.dynamic_schedules.max_per_user
      retry_policy = {
        maximum_retry_attempts    = coalesce(j.dynamic_schedules.retry_policy.maximum_retry_attempts, var.schedule_retry_policy.maximum_retry_attempts)
        maximum_event_age_seconds = coalesce(j.dynamic_schedules.retry_policy.maximum_event_age_seconds, var.schedule_retry_policy.maximum_event_age_seconds)
      }
    }
  }
  dead_letter_queue_arn         = local.dead_letter_queue_arn
  dead_letter_queue_kms_key_arn = local.kms_key_arn
  manager_policy_name           = "${var.name}-dynamic-manager"
  iam_role_path                 = var.iam_role_path
  iam_role_permissions_boundary = var.iam_role_permissions_boundary
  tags                          = var.tags

  # The application may create schedules as soon as the outputs exist: the queue, job
  # definition and dead-letter queue they target must be there by then.
  depends_on = [module.job_queue, module.job, module.dead_letter_queue]
}
