# Tables and messages of the bring-your-own validations in variables.tf. A variable's validation
# cannot read a local derived from that same variable (Terraform reports a cycle), so only
# constants live here and each rule is written in its variable's validation.

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
}
