data "aws_partition" "current" {}
# Read as .id: provider 6 deprecates .name for .region, which 5.x does not have.
data "aws_region" "current" {}

# The caller's account, unless given (account_id: plans without credentials).
data "aws_caller_identity" "current" {
  count = var.create && var.account_id == null ? 1 : 0
}

################################################################################
# Account, Region, and what each job's targets need
################################################################################

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.id
  # The caller's account: every ARN the module builds and every aws:SourceAccount condition.
  # Never taken from another resource's ARN (a key from a central security account is common).
  account_id  = var.account_id != null ? var.account_id : one(data.aws_caller_identity.current[*].account_id)
  kms_key_arn = one(module.encryption[*].key_arn)

  batch_arn_prefix = "arn:${local.partition}:batch:${local.region}:${local.account_id}"

  dead_letter_queue_name = "${var.name}-schedule-dlq"

  # What a schedule or state machine needs to submit each job. The ARNs are built from the
  # (fixed) names, so policies and inputs are known at plan time whenever the account is.
  job_targets = {
    for k, j in local.jobs : k => {
      job_queue_key       = j.queue_ref
      job_queue_name      = j.queue_arn != null ? element(split("/", j.queue_arn), 1) : local.queues[j.queue_ref].name
      job_queue_arn       = j.queue_arn != null ? j.queue_arn : "${local.batch_arn_prefix}:job-queue/${local.queues[j.queue_ref].name}"
      job_definition_name = "${var.name}-${k}"
      job_definition_arn  = "${local.batch_arn_prefix}:job-definition/${var.name}-${k}"
      platform            = j.platform
      isolated            = j.isolated
      # An existing queue's scheduling policy is unknown here: its share identifier is the job's own.
      share_identifier         = j.queue_arn != null ? j.share_identifier : local.queue_fair_share[j.queue_key] ? coalesce(j.share_identifier, replace(k, "/[^A-Za-z0-9]/", "")) : null
      log_group_name           = "/aws/batch/${var.name}/${k}"
      default_parameters       = j.parameters
      scheduling_priority      = j.queue_arn != null ? j.scheduling_priority : local.queue_fair_share[j.queue_key] ? coalesce(j.scheduling_priority, 0) : null
      expected_runtime_seconds = j.timeout_seconds
    }
  }

  # Log groups the module's KMS key may encrypt: jobs, and the state machines and event
  # history that pipelines and monitoring add under the same name.
  log_group_arn_patterns = [
    "arn:${local.partition}:logs:${local.region}:<account>:log-group:/aws/batch/${var.name}/*",
    "arn:${local.partition}:logs:${local.region}:<account>:log-group:/aws/vendedlogs/states/${var.name}-*",
    "arn:${local.partition}:logs:${local.region}:<account>:log-group:/aws/events/${var.name}/*",
  ]
}

################################################################################
# Encryption and dead letters
################################################################################

module "encryption" {
  source = "./modules/encryption"
  count  = var.create ? 1 : 0

  name                   = "${var.name}-batch"
  partition              = local.partition
  region                 = local.region
  account_id             = local.account_id
  kms_key_arn            = var.kms_key_arn
  log_group_arn_patterns = local.log_group_arn_patterns
  # EventBridge writes rule dead letters to the encrypted DLQ and publishes to the encrypted
  # topic; CloudWatch alarms publish to that topic too.
  service_principals = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
  tags               = var.tags
}

module "dead_letter_queue" {
  source = "./modules/dead-letter-queue"
  count  = var.create ? 1 : 0

  name                      = local.dead_letter_queue_name
  partition                 = local.partition
  region                    = local.region
  account_id                = local.account_id
  kms_key_arn               = local.kms_key_arn
  message_retention_seconds = var.dead_letter_queue_message_retention_seconds
  # Rules deliver dead letters as the EventBridge service; any rule of this module may.
  allow_eventbridge_rules       = var.schedule_backend == "rules"
  eventbridge_rule_arn_patterns = ["arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name}-*"]
  tags                          = var.tags
}

################################################################################
# Network: the shared security group and one per network-isolated job
################################################################################

module "default_security_group" {
  source = "./modules/security-group"
  count  = var.create && local.create_capacity ? 1 : 0

  name        = "${var.name}-batch"
  description = "${var.name}: Batch jobs without their own network rules"
  vpc_id      = var.vpc_id
  egress      = var.default_security_group_egress
  tags        = var.tags
}

module "job_security_group" {
  source   = "./modules/security-group"
  for_each = var.create ? local.isolated_jobs : {}

  name        = "${var.name}-${each.key}"
  description = "${var.name}: Batch job ${each.key}"
  vpc_id      = var.vpc_id
  egress = [
    for r in each.value.network.egress : {
      protocol = lower(r.protocol) == "all" ? "-1" : lower(r.protocol)
      # ICMP: ports are type and code; none given means every type.
      from_port          = coalesce(r.port, r.from_port, lower(r.protocol) == "icmp" ? -1 : 0)
      to_port            = coalesce(r.port, r.to_port, r.from_port, lower(r.protocol) == "icmp" ? -1 : 0)
      cidr_blocks        = r.cidr_blocks
      ipv6_cidr_blocks   = r.ipv6_cidr_blocks
      prefix_list_ids    = r.prefix_list_ids
      security_group_ids = r.security_group_ids
      description        = r.description
    }
  ]
  tags = merge(var.tags, each.value.tags)
}

################################################################################
# Compute environments and job queues
################################################################################

module "compute_environment" {
  source   = "./modules/compute-environment"
  for_each = var.create ? local.shared_compute_environments : {}

  partition     = local.partition
  name          = each.value.name
  type          = each.value.config.type
  max_vcpus     = each.value.config.max_vcpus
  min_vcpus     = coalesce(each.value.config.min_vcpus, 0)
  desired_vcpus = each.value.config.desired_vcpus
  # "optimal" is the default_x86_64 selection since 2025-11 and is understood everywhere.
  instance_types      = coalesce(each.value.config.instance_types, [each.value.config.architecture == "ARM64" ? "default_arm64" : "optimal"])
  allocation_strategy = each.value.config.allocation_strategy
  bid_percentage      = each.value.config.bid_percentage
  spot_iam_fleet_role = each.value.config.spot_iam_fleet_role
  launch_template     = each.value.config.launch_template
  image_type          = coalesce(each.value.config.image_type, "ECS_AL2023")
  image_id            = each.value.config.image_id
  instance_tags       = coalesce(each.value.config.instance_tags, {})
  update_policy       = each.value.config.update_policy
  subnet_ids          = each.value.config.subnet_ids != null ? each.value.config.subnet_ids : var.subnet_ids
  security_group_ids  = concat(module.default_security_group[*].id, each.value.config.security_group_ids)
  service_role        = each.value.config.service_role
  state               = each.value.config.state
  tags                = var.tags

  iam_role_permissions_boundary = var.iam_role_permissions_boundary
  iam_role_path                 = var.iam_role_path
}

# A network-isolated job's copies: the job's own security group only, and the instance profile
# and launch template of the environment they copy.
module "isolated_compute_environment" {
  source   = "./modules/compute-environment"
  for_each = var.create ? local.isolated_compute_environments : {}

  partition     = local.partition
  name          = each.value.name
  type          = each.value.config.type
  max_vcpus     = each.value.config.max_vcpus
  min_vcpus     = coalesce(each.value.config.min_vcpus, 0)
  desired_vcpus = each.value.config.desired_vcpus
  # "optimal" is the default_x86_64 selection since 2025-11 and is understood everywhere.
  instance_types       = coalesce(each.value.config.instance_types, [each.value.config.architecture == "ARM64" ? "default_arm64" : "optimal"])
  allocation_strategy  = each.value.config.allocation_strategy
  bid_percentage       = each.value.config.bid_percentage
  spot_iam_fleet_role  = each.value.config.spot_iam_fleet_role
  launch_template      = module.compute_environment[each.value.source].launch_template
  instance_profile_arn = module.compute_environment[each.value.source].instance_profile_arn
  image_type           = coalesce(each.value.config.image_type, "ECS_AL2023")
  image_id             = each.value.config.image_id
  instance_tags        = coalesce(each.value.config.instance_tags, {})
  update_policy        = each.value.config.update_policy
  subnet_ids           = each.value.config.subnet_ids != null ? each.value.config.subnet_ids : var.subnet_ids
  security_group_ids   = [module.job_security_group[each.value.job].id]
  service_role         = each.value.config.service_role
  state                = each.value.config.state
  tags                 = var.tags
}

module "job_queue" {
  source   = "./modules/job-queue"
  for_each = var.create ? local.queues : {}

  name     = each.value.name
  priority = each.value.config.priority
  state    = each.value.config.state
  # Created environments by key, existing ones (compute_environments.<key>.arn) as given.
  compute_environment_arns = [
    for ce in each.value.compute_environments : (
      contains(keys(local.isolated_compute_environments), ce) ? module.isolated_compute_environment[ce].arn :
      contains(keys(local.shared_compute_environments), ce) ? module.compute_environment[ce].arn : var.compute_environments[ce].arn
    )
  ]
  cancel_runnable_after_seconds = each.value.config.cancel_runnable_after_seconds
  fair_share                    = each.value.config.fair_share
  tags                          = var.tags
}

################################################################################
# Jobs
################################################################################

module "job" {
  source   = "./modules/job"
  for_each = var.create ? local.jobs : {}

  name                = local.job_targets[each.key].job_definition_name
  job_role_name       = "${var.name}-${each.key}-job"
  execution_role_name = "${var.name}-${each.key}-exec"
  job_role_arn        = each.value.job_role_arn
  execution_role_arn  = each.value.execution_role_arn
  log_group_name      = local.job_targets[each.key].log_group_name
  partition           = local.partition
  region              = local.region
  account_id          = local.account_id
  platform            = each.value.platform

  image                    = each.value.image
  command                  = each.value.command
  vcpu                     = each.value.vcpu
  memory                   = each.value.memory
  gpu                      = each.value.gpu
  architecture             = coalesce(each.value.architecture, each.value.platform == "EC2" ? local.queue_architecture[each.value.queue_key] : null, "X86_64")
  environment              = each.value.environment
  secrets                  = each.value.secrets
  secrets_kms_key_arns     = each.value.secrets_kms_key_arns
  parameters               = each.value.parameters
  timeout_seconds          = each.value.timeout_seconds
  retry_attempts           = each.value.retry.attempts
  retry_rules              = each.value.retry.rules
  readonly_root_filesystem = each.value.readonly_root_filesystem
  user                     = each.value.user
  writable_paths           = each.value.writable_paths
  ephemeral_storage_gib    = each.value.ephemeral_storage_gib
  iam_policy_statements    = each.value.iam_policy_statements
  iam_policy_arns          = each.value.iam_policy_arns
  log_retention_days       = each.value.log_retention_days
  kms_key_arn              = local.kms_key_arn
  scheduling_priority      = local.job_targets[each.key].scheduling_priority
  propagate_tags           = each.value.propagate_tags
  tags                     = merge(var.tags, each.value.tags)

  iam_role_permissions_boundary = var.iam_role_permissions_boundary
  iam_role_path                 = var.iam_role_path
}

################################################################################
# Schedules
################################################################################

module "schedule_group" {
  source = "./modules/schedule-group"
  count  = var.create && var.schedule_backend == "scheduler" ? 1 : 0

  name = local.schedule_group_name
  tags = var.tags
}

locals {
  # Names of what schedules start, read once from the modules that create them. The target ARNs
  # below are built from these names: known at plan time (the names are configured), and each
  # schedule waits for exactly its own queue, job definition or state machine. (A module-wide
  # depends_on made every schedule wait on every job, and plan time grow with jobs x schedules.)
  job_queue_names      = { for k, m in module.job_queue : k => m.name }
  job_definition_names = { for k, m in module.job : k => m.job_definition_name }
  state_machine_names  = { for k, m in module.pipeline : k => m.name }
  schedule_group_ref   = try(module.schedule_group[0].name, local.schedule_group_name)
  dead_letter_queue_arn = var.create ? (
    "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${module.dead_letter_queue[0].name}"
  ) : null

  # Every schedule of the stack, a job's or a pipeline's, as the schedule module takes it; keyed
  # "<job>/<schedule>" or "<pipeline>/<schedule>" (the validations keep the two apart).
  schedule_calls = merge(
    {
      for k, s in local.schedules : k => {
        spec        = s
        description = coalesce(s.description, "${var.name}: submit job ${s.job} (${s.schedule})")
        target_type = "batch"
        # An existing queue (jobs.<job>.queue_arn) is used as given.
        job_queue_arn = local.job_targets[s.job].job_queue_key == null ? local.job_targets[s.job].job_queue_arn : (
          "${local.batch_arn_prefix}:job-queue/${local.job_queue_names[local.job_targets[s.job].job_queue_key]}"
        )
        job_definition_arn = "${local.batch_arn_prefix}:job-definition/${local.job_definition_names[s.job]}"
        share_identifier   = local.job_targets[s.job].share_identifier
        state_machine_arn  = null
        execution_input    = null
        tags               = merge(var.tags, var.jobs[s.job].tags)
      } if var.create
    },
    {
      for k, s in local.pipeline_schedules : k => {
        spec               = s
        description        = coalesce(s.description, "${var.name}: start pipeline ${s.pipeline} (${s.schedule})")
        target_type        = "step_functions"
        job_queue_arn      = null
        job_definition_arn = null
        share_identifier   = null
        state_machine_arn = (
          "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.state_machine_names[s.pipeline]}"
        )
        execution_input = s.execution_input
        tags            = merge(var.tags, var.pipelines[s.pipeline].tags)
      } if var.create
    },
  )
}

module "schedule" {
  source   = "./modules/schedule"
  for_each = local.schedule_calls

  name        = each.value.spec.name
  role_name   = "${each.value.spec.name}-sched"
  backend     = var.schedule_backend
  group_name  = local.schedule_group_ref
  partition   = local.partition
  region      = local.region
  account_id  = local.account_id
  description = each.value.description

  expression              = each.value.spec.expression
  timezone                = each.value.spec.timezone
  flexible_window_minutes = each.value.spec.flexible_window_minutes
  start_date              = each.value.spec.start_date
  end_date                = each.value.spec.end_date
  enabled                 = each.value.spec.enabled

  target_type        = each.value.target_type
  job_queue_arn      = each.value.job_queue_arn
  job_definition_arn = each.value.job_definition_arn
  job_name           = each.value.target_type == "batch" ? each.value.spec.name : null
  parameters         = each.value.target_type == "batch" ? each.value.spec.parameters : {}
  command            = each.value.target_type == "batch" ? each.value.spec.command : null
  share_identifier   = each.value.share_identifier
  state_machine_arn  = each.value.state_machine_arn
  execution_input    = coalesce(each.value.execution_input, "{}")

  dead_letter_queue_arn           = local.dead_letter_queue_arn
  dead_letter_queue_kms_key_arn   = local.kms_key_arn
  retry_maximum_attempts          = var.schedule_retry_policy.maximum_retry_attempts
  retry_maximum_event_age_seconds = var.schedule_retry_policy.maximum_event_age_seconds
  tags                            = each.value.tags

  iam_role_permissions_boundary = var.iam_role_permissions_boundary
  iam_role_path                 = var.iam_role_path
}
