################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of every resource name (letters, digits, \"-\" and \"_\"; starts with a letter; at most 32 characters)."
  type        = string

  validation {
    condition = can(regex("^[A-Za-z][A-Za-z0-9_-]*$", var.name))
    error_message = join(" ", [
      "name: \"${var.name}\" must start with a letter and contain only letters, digits, \"-\" and",
      "\"_\" (it prefixes every resource name), e.g. \"reports\".",
    ])
  }

  validation {
    condition     = length(var.name) <= 32
    error_message = "name: \"${var.name}\" is ${length(var.name)} characters; use at most 32 so that the names built from it fit AWS limits."
  }
}

variable "vpc_id" {
  description = "VPC of the compute environments' security groups."
  type        = string

  validation {
    condition     = startswith(var.vpc_id, "vpc-")
    error_message = "vpc_id: \"${var.vpc_id}\" is not a VPC id (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets (private ones: jobs never get a public IP) the compute environments launch into."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids: at least one subnet is required (prefer private subnets in two or more Availability Zones)."
  }

  validation {
    condition     = alltrue([for s in var.subnet_ids : startswith(s, "subnet-")])
    error_message = join("\n", [for s in var.subnet_ids : "subnet_ids: \"${s}\" is not a subnet id (subnet-...)." if !startswith(s, "subnet-")])
  }
}

variable "tags" {
  description = "Tags for every taggable resource (never copied into compute_resources.tags, where a change would replace the compute environment)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = <<-EOT
    KMS key for log groups and the dead-letter queue. Null creates a key with rotation (its policy
    lets CloudWatch Logs, EventBridge and CloudWatch alarms use it). A key you bring must allow the
    same: logs.<region>.amazonaws.com for the log groups, events.amazonaws.com and
    cloudwatch.amazonaws.com for the dead-letter queue and the notification topic.
  EOT
  type        = string
  default     = null

  validation {
    condition = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = join(" ", [
      "kms_key_arn: \"${coalesce(var.kms_key_arn, "null")}\" is not a KMS key ARN",
      "(arn:aws:kms:<region>:<account>:key/<id>); aliases are not accepted.",
    ])
  }
}

variable "iam_role_permissions_boundary" {
  description = "Permissions boundary (managed policy ARN) set on every IAM role the module creates. Null sets none."
  type        = string
  default     = null

  validation {
    condition = var.iam_role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$",
    var.iam_role_permissions_boundary))
    error_message = join(" ", [
      "iam_role_permissions_boundary: \"${coalesce(var.iam_role_permissions_boundary, "null")}\"",
      "is not an IAM policy ARN (arn:aws:iam::<account>:policy/<name>).",
    ])
  }
}

variable "iam_role_path" {
  description = "IAM path of every role (and instance profile) the module creates."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]{0,510}/)?$", var.iam_role_path))
    error_message = "iam_role_path: \"${var.iam_role_path}\" must start and end with \"/\" (e.g. \"/batch/\"), at most 512 characters."
  }
}

variable "create" {
  description = "Create the module's resources; false creates nothing (terraform-aws-modules convention)."
  type        = bool
  default     = true
  nullable    = false
}

variable "account_id" {
  description = "Account of the stack, for plans without credentials; null reads the caller's. Never the KMS key's (it may live in another account)."
  type        = string
  default     = null

  validation {
    condition     = var.account_id == null || can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id: \"${coalesce(var.account_id, "-")}\" is not an AWS account id (12 digits)."
  }
}

variable "default_security_group_egress" {
  description = <<-EOT
    Egress of the security group shared by jobs without `network`: HTTPS only by default (ECR,
    CloudWatch Logs, Secrets Manager through NAT or VPC endpoints).
  EOT
  type = list(object({
    protocol           = optional(string, "tcp")
    from_port          = number
    to_port            = number
    cidr_blocks        = optional(list(string), [])
    ipv6_cidr_blocks   = optional(list(string), [])
    prefix_list_ids    = optional(list(string), [])
    security_group_ids = optional(list(string), [])
    description        = optional(string)
  }))
  default = [{ from_port = 443, to_port = 443, cidr_blocks = ["0.0.0.0/0"], description = "HTTPS to AWS APIs and registries" }]

  validation {
    condition = alltrue([
      for r in var.default_security_group_egress :
      length(concat(r.cidr_blocks, r.ipv6_cidr_blocks, r.prefix_list_ids, r.security_group_ids)) > 0
    ])
    error_message = join("\n", [
      for i, r in var.default_security_group_egress :
      "default_security_group_egress[${i}]: no destination; set cidr_blocks, ipv6_cidr_blocks, prefix_list_ids or security_group_ids."
      if length(concat(r.cidr_blocks, r.ipv6_cidr_blocks, r.prefix_list_ids, r.security_group_ids)) == 0
    ])
  }
}

################################################################################
# Compute environments
################################################################################

variable "compute_environments" {
  description = <<-EOT
    Managed compute environments by key. type: FARGATE, FARGATE_SPOT, EC2 or SPOT. max_vcpus caps
    the environment. EC2/SPOT only: min_vcpus, desired_vcpus, instance_types (default "optimal",
    or "default_arm64" with architecture = "ARM64"), allocation_strategy (default
    BEST_FIT_PROGRESSIVE for EC2, SPOT_PRICE_CAPACITY_OPTIMIZED for SPOT: both allow in-place
    updates), bid_percentage and spot_iam_fleet_role (SPOT), launch_template (default: an IMDSv2-only
    template), image_type, image_id, instance_tags, architecture, update_policy.
    All types: subnet_ids (default var.subnet_ids), security_group_ids (added to the module's
    default group), service_role (default: the Batch service-linked role), state.
    arn: use an existing compute environment (managed, or unmanaged: instances you run) in
    job_queues like a created one; the module creates none for that key and reads only type
    (its family: FARGATE/FARGATE_SPOT, or EC2/SPOT; EC2 for an unmanaged one). The ARN must be
    known at plan time: it decides what is created.
  EOT
  type = map(object({
    type                = string
    max_vcpus           = optional(number, 16)
    min_vcpus           = optional(number)
    desired_vcpus       = optional(number)
    instance_types      = optional(list(string))
    allocation_strategy = optional(string)
    bid_percentage      = optional(number)
    spot_iam_fleet_role = optional(string)
    launch_template = optional(object({
      id      = optional(string)
      name    = optional(string)
      version = optional(string)
    }))
    image_type    = optional(string)
    image_id      = optional(string)
    instance_tags = optional(map(string))
    architecture  = optional(string)
    update_policy = optional(object({
      job_execution_timeout_minutes = optional(number, 30)
      terminate_jobs_on_update      = optional(bool, false)
    }))
    subnet_ids         = optional(list(string))
    security_group_ids = optional(list(string), [])
    service_role       = optional(string)
    state              = optional(string, "ENABLED")
    arn                = optional(string)
  }))
  default = {
    fargate_spot = { type = "FARGATE_SPOT", max_vcpus = 64 }
    fargate      = { type = "FARGATE", max_vcpus = 16 }
  }

  validation {
    condition     = length(var.compute_environments) > 0
    error_message = "compute_environments: at least one compute environment is required, e.g. { fargate = { type = \"FARGATE\", max_vcpus = 16 } }."
  }

  # Rules of each key: validations.tf (compute_environment_*_errors).
}

################################################################################
# Job queues
################################################################################

variable "job_queues" {
  description = <<-EOT
    Job queues by key. compute_environments: 1 to 3 keys of var.compute_environments in order of
    preference (Spot first, On-Demand as fallback), all Fargate or all EC2, one architecture.
    priority: higher wins when queues share environments (0-1000). cancel_runnable_after_seconds
    (600-86400): cancel jobs stuck in RUNNABLE (no capacity, or can never fit). fair_share: a
    fair-share scheduling policy (needs schedule_backend = "scheduler").
    Default ({}): one queue "default" with every compute environment, Spot ones first.
  EOT
  type = map(object({
    priority                      = optional(number, 1)
    compute_environments          = list(string)
    state                         = optional(string, "ENABLED")
    cancel_runnable_after_seconds = optional(number)
    fair_share = optional(object({
      share_decay_seconds = optional(number, 0)
      compute_reservation = optional(number, 0)
      shares              = optional(map(number), {})
    }))
  }))
  default = {}

  # Without declared queues the module builds "default" from every compute environment.
  validation {
    condition = length(var.job_queues) > 0 || (
      length(var.compute_environments) <= 3
      && length(distinct([for ce, v in var.compute_environments : contains(["FARGATE", "FARGATE_SPOT"], v.type)])) <= 1
      && length(distinct([for ce, v in var.compute_environments : coalesce(v.architecture, "X86_64") if contains(["EC2", "SPOT"], v.type)])) <= 1
    )
    error_message = join(" ", [
      "job_queues: none declared, and the default queue cannot hold all",
      "${length(var.compute_environments)} compute environments",
      "(${join(", ", [for ce, v in var.compute_environments : "${ce} (${v.type})"])}): a queue",
      "takes at most 3, all Fargate or all EC2, one architecture. Declare job_queues, e.g. {",
      "default = { compute_environments = [\"fargate_spot\", \"fargate\"] } }.",
    ])
  }

  # Rules of each key: validations.tf (job_queue_*_errors).
}

################################################################################
# Schedules
################################################################################

variable "schedule_backend" {
  description = <<-EOT
    "scheduler" (EventBridge Scheduler: time zones, flexible windows, at(), start/end dates) or
    "rules" (EventBridge scheduled rules on the default bus, UTC only).
  EOT
  type        = string
  default     = "scheduler"

  validation {
    condition     = contains(["scheduler", "rules"], var.schedule_backend)
    error_message = "schedule_backend: \"${var.schedule_backend}\" is not supported (use \"scheduler\" or \"rules\")."
  }
}

variable "schedule_retry_policy" {
  description = "Delivery retries of every schedule target before the event goes to the dead-letter queue."
  type = object({
    maximum_retry_attempts    = optional(number, 3)
    maximum_event_age_seconds = optional(number, 3600)
  })
  default = {}

  validation {
    condition     = var.schedule_retry_policy.maximum_retry_attempts >= 0 && var.schedule_retry_policy.maximum_retry_attempts <= 185
    error_message = "schedule_retry_policy: maximum_retry_attempts ${var.schedule_retry_policy.maximum_retry_attempts} is out of range (use 0 to 185)."
  }

  validation {
    condition     = var.schedule_retry_policy.maximum_event_age_seconds >= 60 && var.schedule_retry_policy.maximum_event_age_seconds <= 86400
    error_message = "schedule_retry_policy: maximum_event_age_seconds ${var.schedule_retry_policy.maximum_event_age_seconds} is out of range (use 60 to 86400)."
  }
}

variable "dead_letter_queue_message_retention_seconds" {
  description = "How long the dead-letter queue keeps undelivered schedule events."
  type        = number
  default     = 1209600

  validation {
    condition = var.dead_letter_queue_message_retention_seconds >= 60 && var.dead_letter_queue_message_retention_seconds <= 1209600
    error_message = join(" ", [
      "dead_letter_queue_message_retention_seconds:",
      "${var.dead_letter_queue_message_retention_seconds} is out of range (use 60 to 1209600,",
      "i.e. up to 14 days).",
    ])
  }
}

################################################################################
# Jobs and their schedules
################################################################################

variable "jobs" {
  description = <<-EOT
    Jobs by key; each gets its own job definition, job role, execution role and log group.
    image (required), command, vcpu (default 1), memory (MiB, default 2048; Fargate pairs are
    validated), gpu (EC2), architecture (X86_64 | ARM64), queue (default: "default"),
    timeout_seconds (default 3600, >= 60), retry = { attempts (1-10, default 3), rules (ordered,
    max 5; default: RETRY on infrastructure and Spot losses, EXIT otherwise) }, environment,
    secrets (name => Secrets Manager / SSM parameter ARN), secrets_kms_key_arns, parameters,
    iam_policy_statements (the job role's only permissions), iam_policy_arns (name => ARN),
    network = { egress = [{ port | from_port/to_port, protocol (tcp), cidr_blocks |
    ipv6_cidr_blocks | prefix_list_ids | security_group_ids }] } (own security group, compute
    environments and queue), readonly_root_filesystem (default true), user, writable_paths,
    ephemeral_storage_gib (Fargate), log_retention_days (default 30), share_identifier and
    scheduling_priority (fair-share queues), propagate_tags, tags, and
    schedules = { key = { expression, timezone, flexible_window_minutes, start_date, end_date,
    enabled, parameters, command, description, expected_interval_minutes } },
    dynamic_schedules = { enabled (false), max_per_user (10), retry_policy =
    { maximum_retry_attempts, maximum_event_age_seconds } (default: schedule_retry_policy) }.
    Bring your own: job_role_arn / execution_role_arn (an existing role; none is created and
    iam_policy_statements / iam_policy_arns must be empty), queue_arn (submit to an existing
    queue instead of queue; platform FARGATE (default) or EC2 says what runs behind it). These
    ARNs decide what is created, so they must be known at plan time (a literal, a data source,
    another stack's output), not attributes of resources created in the same apply.
  EOT
  type = map(object({
    image           = string
    command         = optional(list(string), [])
    vcpu            = optional(number, 1)
    memory          = optional(number, 2048)
    gpu             = optional(number)
    architecture    = optional(string)
    queue           = optional(string)
    timeout_seconds = optional(number, 3600)
    retry = optional(object({
      attempts = optional(number, 3)
      rules = optional(list(object({
        action           = string
        on_status_reason = optional(string)
        on_reason        = optional(string)
        on_exit_code     = optional(string)
      })))
    }), {})
    environment          = optional(map(string), {})
    secrets              = optional(map(string), {})
    secrets_kms_key_arns = optional(list(string), [])
    parameters           = optional(map(string), {})
    iam_policy_statements = optional(list(object({
      sid       = optional(string)
      effect    = optional(string, "Allow")
      actions   = list(string)
      resources = list(string)
      conditions = optional(list(object({
        test     = string
        variable = string
        values   = list(string)
      })), [])
    })), [])
    iam_policy_arns = optional(map(string), {})
    network = optional(object({
      egress = list(object({
        port               = optional(number)
        from_port          = optional(number)
        to_port            = optional(number)
        protocol           = optional(string, "tcp")
        cidr_blocks        = optional(list(string), [])
        ipv6_cidr_blocks   = optional(list(string), [])
        prefix_list_ids    = optional(list(string), [])
        security_group_ids = optional(list(string), [])
        description        = optional(string)
      }))
    }))
    readonly_root_filesystem = optional(bool, true)
    user                     = optional(string)
    writable_paths           = optional(list(string), [])
    ephemeral_storage_gib    = optional(number)
    log_retention_days       = optional(number, 30)
    share_identifier         = optional(string)
    scheduling_priority      = optional(number)
    propagate_tags           = optional(bool, true)
    tags                     = optional(map(string), {})
    job_role_arn             = optional(string)
    execution_role_arn       = optional(string)
    queue_arn                = optional(string)
    platform                 = optional(string)
    schedules = optional(map(object({
      expression                = string
      timezone                  = optional(string)
      flexible_window_minutes   = optional(number)
      start_date                = optional(string)
      end_date                  = optional(string)
      enabled                   = optional(bool, true)
      parameters                = optional(map(string), {})
      command                   = optional(list(string))
      description               = optional(string)
      expected_interval_minutes = optional(number)
    })), {})
    # Schedules the application creates at run time (modules/dynamic-schedules).
    dynamic_schedules = optional(object({
      enabled      = optional(bool, false)
      max_per_user = optional(number, 10)
      retry_policy = optional(object({
        maximum_retry_attempts    = optional(number)
        maximum_event_age_seconds = optional(number)
      }), {})
    }), {})
  }))
  default = {}

  # Rules of each key: validations.tf (job_*_errors and schedule_errors, shared with pipeline schedules).
}

################################################################################
# Monitoring (owner: monitoring helper; used by monitoring.tf)
################################################################################

variable "notifications" {
  description = <<-EOT
    Who is told, and about what. Alarms and failed-job events always go to one SNS topic:
    - email_addresses: email subscriptions (each recipient confirms the email AWS sends).
    - sns_topic_arn: an existing topic to use instead of creating one (its access policy and KMS
      key policy must let events.amazonaws.com and cloudwatch.amazonaws.com publish).
    - notify_on: Batch job states that notify (default ["FAILED"]).
    - notify_on_recovery: also notify when missed-run and dead-letter alarms return to OK.
  EOT
  type = object({
    email_addresses    = optional(list(string), [])
    sns_topic_arn      = optional(string)
    notify_on          = optional(list(string), ["FAILED"])
    notify_on_recovery = optional(bool, true)
  })
  default  = {}
  nullable = false
}

variable "monitoring" {
  description = <<-EOT
    Monitoring of the jobs (see docs/monitoring.md):
    - enabled: create the topic, rules, alarms and job history at all (default true).
    - missed_run_alarms: one dead man's switch alarm per schedule (default true).
    - missed_run_grace_minutes: slack before a missed run alarms, on top of the schedule's
      flexible window and the job's timeout x attempts (default 60, at least 5).
    - history_retention_days: retention of the job-history log group (default 365).
    - log_resource_policy: "stack" (default: this stack's own CloudWatch Logs resource policy;
      at most 10 per Region and account), "shared" (creates the one account-wide policy every
      stack can use) or "existing" (creates none: another stack's "shared" one is in place).
  EOT
  type = object({
    enabled                  = optional(bool, true)
    missed_run_alarms        = optional(bool, true)
    missed_run_grace_minutes = optional(number, 60)
    history_retention_days   = optional(number, 365)
    log_resource_policy      = optional(string, "stack")
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["stack", "shared", "existing"], var.monitoring.log_resource_policy)
    error_message = "monitoring.log_resource_policy: \"${var.monitoring.log_resource_policy}\" is not valid (use \"stack\", \"shared\" or \"existing\")."
  }

  validation {
    condition     = var.monitoring.missed_run_grace_minutes >= 5 && floor(var.monitoring.missed_run_grace_minutes) == var.monitoring.missed_run_grace_minutes
    error_message = "monitoring.missed_run_grace_minutes: ${var.monitoring.missed_run_grace_minutes} must be a whole number of minutes, at least 5."
  }

  validation {
    condition = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
    var.monitoring.history_retention_days)
    error_message = join(" ", [
      "monitoring.history_retention_days: ${var.monitoring.history_retention_days} is not a",
      "CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,",
      "545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653).",
    ])
  }
}

variable "create_dashboard" {
  description = "Create a CloudWatch dashboard with queue, job, pipeline and dead-letter metrics and the latest job history."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# Pipelines: jobs in dependency order, run by Step Functions (wired in pipelines.tf)
################################################################################

variable "pipelines" {
  description = <<-EOT
    Pipelines by key: jobs run in dependency order by one Step Functions state machine each.
    steps = { key = { job (a key of jobs), after (steps that must have succeeded first; no
    cycles), parameters (Batch parameters over the job's), command (overrides the job's) } }
    (1-64 steps; each step starts as soon as all steps it runs after have succeeded, exactly for
    series-parallel graphs such as chains, fan-out/fan-in and diamonds), schedules (the schedule
    object of jobs; parameters are passed to every step, command is per step only),
    timeout_seconds (60-31536000; default none), log_level (ALL | ERROR | FATAL | OFF, default
    ERROR), include_execution_data (default false), log_retention_days (default 30),
    tracing_enabled (X-Ray, default false), description, tags.
  EOT
  type = map(object({
    description = optional(string)
    steps = map(object({
      job        = string
      after      = optional(list(string), [])
      parameters = optional(map(string), {})
      command    = optional(list(string))
    }))
    schedules = optional(map(object({
      expression                = string
      timezone                  = optional(string)
      flexible_window_minutes   = optional(number)
      start_date                = optional(string)
      end_date                  = optional(string)
      enabled                   = optional(bool, true)
      parameters                = optional(map(string), {})
      command                   = optional(list(string))
      description               = optional(string)
      expected_interval_minutes = optional(number)
    })), {})
    timeout_seconds        = optional(number)
    log_level              = optional(string, "ERROR")
    include_execution_data = optional(bool, false)
    log_retention_days     = optional(number, 30)
    tracing_enabled        = optional(bool, false)
    tags                   = optional(map(string), {})
  }))
  default  = {}
  nullable = false

  # Rules of each key: validations.tf (pipeline_*_errors and schedule_errors, shared with job schedules).
}
