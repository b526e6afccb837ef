# Bring your own: existing compute environments, roles and queues. Each rule is one message list
# (empty when valid), checked with the others by output "input_errors" (validations.tf).

locals {
  role_arn_pattern        = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/(.+/)?[\\w+=,.@-]+$"
  role_arn_hint           = "arn:aws:iam::<account>:role/<name>"
  queue_arn_pattern       = "^arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job-queue/[A-Za-z0-9_-]+$"
  queue_arn_hint          = "arn:aws:batch:<region>:<account>:job-queue/<name>"
  environment_arn_pattern = "^arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:compute-environment/[A-Za-z0-9_-]+$"
  environment_arn_hint    = "arn:aws:batch:<region>:<account>:compute-environment/<name>"

  existing_role_permissions_hint = join(" ", [
    "iam_policy_statements and iam_policy_arns grant permissions to a job role the module creates;",
    "with job_role_arn (an existing role) grant them on that role instead.",
  ])
  isolation_existing_queue_hint = join(" ", [
    "network isolation runs the job on its own copies of its queue's compute environments, which the module",
    "cannot make of an existing queue (queue_arn); remove network, or submit to a queue of this module.",
  ])
  # format(): job key, queue key, compute environment key.
  isolation_existing_environment_hint = join(" ", [
    "jobs[%s]: network isolation copies the compute environments of queue \"%s\" with the job's own security",
    "group, and compute_environments[%s] is an existing one (arn), which cannot be copied; remove network,",
    "or use a queue of created compute environments.",
  ])

  # compute_environments settings that only configure an environment the module creates.
  created_environment_settings = [
    "min_vcpus", "desired_vcpus", "instance_types", "allocation_strategy", "bid_percentage",
    "spot_iam_fleet_role", "launch_template", "image_type", "image_id", "instance_tags",
    "update_policy", "subnet_ids", "security_group_ids", "service_role",
  ]

  compute_environment_arn_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: arn \"${v.arn}\" is not a Batch compute environment ARN (${local.environment_arn_hint})."
    if !(v.arn == null || can(regex(local.environment_arn_pattern, coalesce(v.arn, "-"))))
  ]
  compute_environment_existing_settings_errors = flatten([
    for k, v in var.compute_environments : [
      for field in local.created_environment_settings :
      "compute_environments[${jsonencode(k)}]: ${field} configures a compute environment the module creates; with arn (an existing one) remove it."
      if !try(length(v[field]) == 0, v[field] == null)
    ] if v.arn != null
  ])

  job_role_arn_errors = [
    for k, v in var.jobs :
    "jobs[${jsonencode(k)}]: job_role_arn \"${v.job_role_arn}\" is not an IAM role ARN (${local.role_arn_hint})."
    if !(v.job_role_arn == null || can(regex(local.role_arn_pattern, coalesce(v.job_role_arn, "-"))))
  ]
  job_execution_role_arn_errors = [
    for k, v in var.jobs :
    "jobs[${jsonencode(k)}]: execution_role_arn \"${v.execution_role_arn}\" is not an IAM role ARN (${local.role_arn_hint})."
    if !(v.execution_role_arn == null || can(regex(local.role_arn_pattern, coalesce(v.execution_role_arn, "-"))))
  ]
  # The module grants nothing on a role it does not own.
  job_existing_role_permissions_errors = [
    for k, v in var.jobs :
    "jobs[${jsonencode(k)}]: ${local.existing_role_permissions_hint}"
    if v.job_role_arn != null && length(v.iam_policy_statements) + length(v.iam_policy_arns) > 0
  ]
  job_queue_arn_errors = [
    for k, v in var.jobs :
    "jobs[${jsonencode(k)}]: queue_arn \"${v.queue_arn}\" is not a Batch job queue ARN (${local.queue_arn_hint})."
    if !(v.queue_arn == null || can(regex(local.queue_arn_pattern, coalesce(v.queue_arn, "-"))))
  ]
  job_queue_exclusive_errors = [
    for k, v in var.jobs :
    "jobs[${jsonencode(k)}]: queue and queue_arn are exclusive: queue names one of job_queues, queue_arn an existing queue."
    if v.queue_arn != null && v.queue != null
  ]
  # Isolation copies the queue's environments with the job's own security group.
  job_isolation_existing_queue_errors = [
    for k, v in var.jobs : "jobs[${jsonencode(k)}]: ${local.isolation_existing_queue_hint}" if v.queue_arn != null && v.network != null
  ]
  job_platform_unused_errors = [
    for k, v in var.jobs :
    "jobs[${jsonencode(k)}]: platform is only read with queue_arn (a queue of this module gives the platform of its compute environments); remove it."
    if v.platform != null && v.queue_arn == null
  ]
  job_platform_errors = [
    for k, v in var.jobs :
    "jobs[${jsonencode(k)}]: platform \"${v.platform}\" is not valid (use FARGATE or EC2: what runs behind queue_arn)."
    if !(v.platform == null || contains(["FARGATE", "EC2"], coalesce(v.platform, "-")))
  ]
  job_isolation_existing_environment_errors = flatten([
    for k, v in var.jobs : [
      for ce in try(local.job_queues[coalesce(v.queue, local.default_queue_key)].compute_environments, []) :
      format(local.isolation_existing_environment_hint, jsonencode(k), coalesce(v.queue, local.default_queue_key), jsonencode(ce))
      if !try(var.compute_environments[ce].arn == null, true)
    ] if v.network != null
  ])
}
