################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of every resource name (letters, digits, \"-\" and \"_\"; starts with a letter; at most 32 characters)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]*$", var.name))
    error_message = "name: \"${var.name}\" must start with a letter and contain only letters, digits, \"-\" and \"_\" (it prefixes every resource name), e.g. \"reports\"."
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
  description = "KMS key for log groups and the dead-letter queue. Null creates a key with rotation (its policy lets CloudWatch Logs, EventBridge and CloudWatch alarms use it). A key you bring must allow the same: logs.<region>.amazonaws.com for the log groups, events.amazonaws.com and cloudwatch.amazonaws.com for the dead-letter queue and the notification topic."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn: \"${coalesce(var.kms_key_arn, "null")}\" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); aliases are not accepted."
  }
}

variable "iam_role_permissions_boundary" {
  description = "Permissions boundary (managed policy ARN) set on every IAM role the module creates. Null sets none."
  type        = string
  default     = null

  validation {
    condition     = var.iam_role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.iam_role_permissions_boundary))
    error_message = "iam_role_permissions_boundary: \"${coalesce(var.iam_role_permissions_boundary, "null")}\" is not an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)."
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
  description = "Egress of the security group shared by jobs without `network`: HTTPS only by default (ECR, CloudWatch Logs, Secrets Manager through NAT or VPC endpoints)."
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

  # Bring your own: an existing environment's ARN, and no settings of a created one beside it.
  validation {
    condition = alltrue([
      for k, v in var.compute_environments : v.arn == null || can(regex(local.environment_arn_pattern, v.arn))
    ])
    error_message = join("\n", [
      for k, v in var.compute_environments :
      "compute_environments[${jsonencode(k)}]: arn \"${v.arn}\" is not a Batch compute environment ARN (${local.environment_arn_hint})."
      if !(v.arn == null || can(regex(local.environment_arn_pattern, v.arn)))
    ])
  }

  validation {
    condition = alltrue(flatten([
      for k, v in var.compute_environments : [
        for field in local.created_environment_settings : try(length(v[field]) == 0, v[field] == null) if v.arn != null
      ]
    ]))
    error_message = join("\n", flatten([
      for k, v in var.compute_environments : [
        for field in local.created_environment_settings :
        "compute_environments[${jsonencode(k)}]: ${field} configures a compute environment the module creates; with arn (an existing one) remove it."
        if v.arn != null && !try(length(v[field]) == 0, v[field] == null)
      ]
    ]))
  }

  validation {
    condition     = length(var.compute_environments) > 0
    error_message = "compute_environments: at least one compute environment is required, e.g. { fargate = { type = \"FARGATE\", max_vcpus = 16 } }."
  }

  validation {
    condition     = alltrue([for k in keys(var.compute_environments) : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))])
    error_message = join("\n", [for k in keys(var.compute_environments) : "compute_environments[${jsonencode(k)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))])
  }

  validation {
    condition     = alltrue([for k, v in var.compute_environments : contains(["FARGATE", "FARGATE_SPOT", "EC2", "SPOT"], v.type)])
    error_message = join("\n", [for k, v in var.compute_environments : "compute_environments[${jsonencode(k)}]: type \"${v.type}\" is not valid (use FARGATE, FARGATE_SPOT, EC2 or SPOT)." if !contains(["FARGATE", "FARGATE_SPOT", "EC2", "SPOT"], v.type)])
  }

  # EC2-only settings on a Fargate environment are errors, not silently dropped.
  validation {
    condition = alltrue(flatten([
      for k, v in var.compute_environments : [
        for field, value in {
          min_vcpus           = v.min_vcpus, desired_vcpus = v.desired_vcpus, instance_types = v.instance_types,
          allocation_strategy = v.allocation_strategy, bid_percentage = v.bid_percentage,
          spot_iam_fleet_role = v.spot_iam_fleet_role, launch_template = v.launch_template,
          image_type          = v.image_type, image_id = v.image_id, instance_tags = v.instance_tags,
          architecture        = v.architecture, update_policy = v.update_policy,
        } : value == null if contains(["FARGATE", "FARGATE_SPOT"], v.type)
      ]
    ]))
    error_message = join("\n", flatten([
      for k, v in var.compute_environments : [
        for field, value in {
          min_vcpus           = v.min_vcpus, desired_vcpus = v.desired_vcpus, instance_types = v.instance_types,
          allocation_strategy = v.allocation_strategy, bid_percentage = v.bid_percentage,
          spot_iam_fleet_role = v.spot_iam_fleet_role, launch_template = v.launch_template,
          image_type          = v.image_type, image_id = v.image_id, instance_tags = v.instance_tags,
          architecture        = v.architecture, update_policy = v.update_policy,
        } : "compute_environments[${jsonencode(k)}]: ${field} is only valid for EC2 and SPOT compute environments, not ${v.type} (remove it, or use type = \"EC2\" or \"SPOT\")."
        if contains(["FARGATE", "FARGATE_SPOT"], v.type) && value != null
      ]
    ]))
  }

  validation {
    condition = alltrue([
      for k, v in var.compute_environments :
      v.max_vcpus >= 1 && floor(v.max_vcpus) == v.max_vcpus
      && (v.min_vcpus == null ? true : v.min_vcpus >= 0 && v.min_vcpus <= v.max_vcpus)
      && (v.desired_vcpus == null ? true : v.desired_vcpus >= coalesce(v.min_vcpus, 0) && v.desired_vcpus <= v.max_vcpus)
    ])
    error_message = join("\n", flatten([
      for k, v in var.compute_environments : concat(
        v.max_vcpus >= 1 && floor(v.max_vcpus) == v.max_vcpus ? [] : ["compute_environments[${jsonencode(k)}]: max_vcpus ${v.max_vcpus} is not valid (use a whole number, at least 1)."],
        v.min_vcpus == null ? [] : v.min_vcpus >= 0 && v.min_vcpus <= v.max_vcpus ? [] : ["compute_environments[${jsonencode(k)}]: min_vcpus ${v.min_vcpus} must be between 0 and max_vcpus (${v.max_vcpus})."],
        v.desired_vcpus == null ? [] : v.desired_vcpus >= coalesce(v.min_vcpus, 0) && v.desired_vcpus <= v.max_vcpus ? [] : ["compute_environments[${jsonencode(k)}]: desired_vcpus ${v.desired_vcpus} must be between min_vcpus (${coalesce(v.min_vcpus, 0)}) and max_vcpus (${v.max_vcpus})."],
      )
    ]))
  }

  validation {
    condition = alltrue([
      for k, v in var.compute_environments : v.allocation_strategy == null || contains(
        v.type == "SPOT" ? ["SPOT_PRICE_CAPACITY_OPTIMIZED", "SPOT_CAPACITY_OPTIMIZED", "BEST_FIT_PROGRESSIVE", "BEST_FIT"] : ["BEST_FIT_PROGRESSIVE", "BEST_FIT"],
        coalesce(v.allocation_strategy, "-"),
      ) if contains(["EC2", "SPOT"], v.type)
    ])
    error_message = join("\n", [
      for k, v in var.compute_environments :
      "compute_environments[${jsonencode(k)}]: allocation_strategy \"${coalesce(v.allocation_strategy, "-")}\" is not valid for ${v.type} (use ${v.type == "SPOT" ? "SPOT_PRICE_CAPACITY_OPTIMIZED, SPOT_CAPACITY_OPTIMIZED, BEST_FIT_PROGRESSIVE or BEST_FIT" : "BEST_FIT_PROGRESSIVE or BEST_FIT"})."
      if contains(["EC2", "SPOT"], v.type) && v.allocation_strategy != null && !contains(
        v.type == "SPOT" ? ["SPOT_PRICE_CAPACITY_OPTIMIZED", "SPOT_CAPACITY_OPTIMIZED", "BEST_FIT_PROGRESSIVE", "BEST_FIT"] : ["BEST_FIT_PROGRESSIVE", "BEST_FIT"],
        coalesce(v.allocation_strategy, "-"),
      )
    ])
  }

  validation {
    condition = alltrue([
      for k, v in var.compute_environments : v.bid_percentage == null || (v.type == "SPOT" && coalesce(v.bid_percentage, 0) >= 1 && coalesce(v.bid_percentage, 0) <= 100)
      if contains(["EC2", "SPOT"], v.type)
    ])
    error_message = join("\n", [
      for k, v in var.compute_environments :
      v.type == "SPOT" ? "compute_environments[${jsonencode(k)}]: bid_percentage ${coalesce(v.bid_percentage, 0)} is out of range (use 1 to 100, a percentage of the On-Demand price)." : "compute_environments[${jsonencode(k)}]: bid_percentage is only valid for SPOT compute environments (remove it, or use type = \"SPOT\")."
      if contains(["EC2", "SPOT"], v.type) && v.bid_percentage != null && !(v.type == "SPOT" && coalesce(v.bid_percentage, 0) >= 1 && coalesce(v.bid_percentage, 0) <= 100)
    ])
  }

  validation {
    condition     = alltrue([for k, v in var.compute_environments : !(v.type == "SPOT" && v.allocation_strategy == "BEST_FIT" && v.spot_iam_fleet_role == null)])
    error_message = join("\n", [for k, v in var.compute_environments : "compute_environments[${jsonencode(k)}]: SPOT with allocation_strategy BEST_FIT needs spot_iam_fleet_role (or use SPOT_PRICE_CAPACITY_OPTIMIZED, which needs none and allows in-place updates)." if v.type == "SPOT" && v.allocation_strategy == "BEST_FIT" && v.spot_iam_fleet_role == null])
  }

  validation {
    condition     = alltrue([for k, v in var.compute_environments : contains(["X86_64", "ARM64"], coalesce(v.architecture, "X86_64"))])
    error_message = join("\n", [for k, v in var.compute_environments : "compute_environments[${jsonencode(k)}]: architecture \"${coalesce(v.architecture, "-")}\" is not valid (use X86_64 or ARM64)." if !contains(["X86_64", "ARM64"], coalesce(v.architecture, "X86_64"))])
  }

  validation {
    condition     = alltrue([for k, v in var.compute_environments : v.instance_types == null || length(coalesce(v.instance_types, ["x"])) > 0])
    error_message = join("\n", [for k, v in var.compute_environments : "compute_environments[${jsonencode(k)}]: instance_types is empty; list instance types or families, or leave it unset for Batch's default selection." if v.instance_types != null && length(coalesce(v.instance_types, ["x"])) == 0])
  }

  validation {
    condition     = alltrue([for k, v in var.compute_environments : v.launch_template == null || try(v.launch_template.id != null || v.launch_template.name != null, false)])
    error_message = join("\n", [for k, v in var.compute_environments : "compute_environments[${jsonencode(k)}]: launch_template needs id or name." if v.launch_template != null && !try(v.launch_template.id != null || v.launch_template.name != null, false)])
  }

  validation {
    condition     = alltrue([for k, v in var.compute_environments : v.update_policy == null || try(v.update_policy.job_execution_timeout_minutes >= 1 && v.update_policy.job_execution_timeout_minutes <= 360, false)])
    error_message = join("\n", [for k, v in var.compute_environments : "compute_environments[${jsonencode(k)}]: update_policy.job_execution_timeout_minutes must be between 1 and 360." if v.update_policy != null && !try(v.update_policy.job_execution_timeout_minutes >= 1 && v.update_policy.job_execution_timeout_minutes <= 360, false)])
  }

  validation {
    condition     = alltrue([for k, v in var.compute_environments : contains(["ENABLED", "DISABLED"], v.state)])
    error_message = join("\n", [for k, v in var.compute_environments : "compute_environments[${jsonencode(k)}]: state \"${v.state}\" is not valid (use ENABLED or DISABLED)." if !contains(["ENABLED", "DISABLED"], v.state)])
  }

  # The name prefix gets a 26-character unique suffix; Batch names are at most 128 characters.
  validation {
    condition     = alltrue([for k, v in var.compute_environments : length("${var.name}-${k}-") + 26 <= 128])
    error_message = join("\n", [for k, v in var.compute_environments : "compute_environments[${jsonencode(k)}]: the name \"${var.name}-${k}-<26 characters>\" exceeds Batch's 128 characters; shorten the key or var.name." if length("${var.name}-${k}-") + 26 > 128])
  }
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

  validation {
    condition     = alltrue([for k in keys(var.job_queues) : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))])
    error_message = join("\n", [for k in keys(var.job_queues) : "job_queues[${jsonencode(k)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))])
  }

  validation {
    condition     = alltrue([for k, v in var.job_queues : v.priority >= 0 && v.priority <= 1000 && floor(v.priority) == v.priority])
    error_message = join("\n", [for k, v in var.job_queues : "job_queues[${jsonencode(k)}]: priority ${v.priority} is out of range (use a whole number from 0 to 1000; higher runs first)." if !(v.priority >= 0 && v.priority <= 1000 && floor(v.priority) == v.priority)])
  }

  validation {
    condition     = alltrue([for k, v in var.job_queues : length(v.compute_environments) >= 1 && length(v.compute_environments) <= 3])
    error_message = join("\n", [for k, v in var.job_queues : "job_queues[${jsonencode(k)}]: lists ${length(v.compute_environments)} compute environments; a queue takes 1 to 3 (in order of preference)." if !(length(v.compute_environments) >= 1 && length(v.compute_environments) <= 3)])
  }

  validation {
    condition     = alltrue(flatten([for k, v in var.job_queues : [for ce in v.compute_environments : contains(keys(var.compute_environments), ce)]]))
    error_message = join("\n", flatten([for k, v in var.job_queues : [for ce in v.compute_environments : "job_queues[${jsonencode(k)}]: compute environment \"${ce}\" does not exist (compute_environments has: ${join(", ", sort(keys(var.compute_environments)))})." if !contains(keys(var.compute_environments), ce)]]))
  }

  validation {
    condition     = alltrue([for k, v in var.job_queues : length(distinct(v.compute_environments)) == length(v.compute_environments)])
    error_message = join("\n", [for k, v in var.job_queues : "job_queues[${jsonencode(k)}]: lists a compute environment more than once (${join(", ", v.compute_environments)})." if length(distinct(v.compute_environments)) != length(v.compute_environments)])
  }

  # A queue cannot mix Fargate and EC2 environments.
  validation {
    condition = alltrue([
      for k, v in var.job_queues : length(distinct([
        for ce in v.compute_environments : contains(["FARGATE", "FARGATE_SPOT"], try(var.compute_environments[ce].type, "")) if contains(keys(var.compute_environments), ce)
      ])) <= 1
    ])
    error_message = join("\n", [
      for k, v in var.job_queues :
      "job_queues[${jsonencode(k)}]: compute environments must be all Fargate (FARGATE, FARGATE_SPOT) or all EC2 (EC2, SPOT); got ${join(", ", [for ce in v.compute_environments : "${ce} (${var.compute_environments[ce].type})" if contains(keys(var.compute_environments), ce)])}. Use separate queues."
      if length(distinct([
        for ce in v.compute_environments : contains(["FARGATE", "FARGATE_SPOT"], try(var.compute_environments[ce].type, "")) if contains(keys(var.compute_environments), ce)
      ])) > 1
    ])
  }

  validation {
    condition = alltrue([
      for k, v in var.job_queues : length(distinct([
        for ce in v.compute_environments : coalesce(var.compute_environments[ce].architecture, "X86_64")
        if contains(keys(var.compute_environments), ce) && contains(["EC2", "SPOT"], try(var.compute_environments[ce].type, ""))
      ])) <= 1
    ])
    error_message = join("\n", [
      for k, v in var.job_queues :
      "job_queues[${jsonencode(k)}]: compute environments must share one architecture; got ${join(", ", [for ce in v.compute_environments : "${ce} (${coalesce(var.compute_environments[ce].architecture, "X86_64")})" if contains(keys(var.compute_environments), ce)])}. Use separate queues."
      if length(distinct([
        for ce in v.compute_environments : coalesce(var.compute_environments[ce].architecture, "X86_64")
        if contains(keys(var.compute_environments), ce) && contains(["EC2", "SPOT"], try(var.compute_environments[ce].type, ""))
      ])) > 1
    ])
  }

  validation {
    condition     = alltrue([for k, v in var.job_queues : v.cancel_runnable_after_seconds == null || (coalesce(v.cancel_runnable_after_seconds, 0) >= 600 && coalesce(v.cancel_runnable_after_seconds, 0) <= 86400)])
    error_message = join("\n", [for k, v in var.job_queues : "job_queues[${jsonencode(k)}]: cancel_runnable_after_seconds ${coalesce(v.cancel_runnable_after_seconds, 0)} is out of range (use 600 to 86400)." if v.cancel_runnable_after_seconds != null && !(coalesce(v.cancel_runnable_after_seconds, 0) >= 600 && coalesce(v.cancel_runnable_after_seconds, 0) <= 86400)])
  }

  validation {
    condition     = alltrue([for k, v in var.job_queues : contains(["ENABLED", "DISABLED"], v.state)])
    error_message = join("\n", [for k, v in var.job_queues : "job_queues[${jsonencode(k)}]: state \"${v.state}\" is not valid (use ENABLED or DISABLED)." if !contains(["ENABLED", "DISABLED"], v.state)])
  }

  validation {
    condition = alltrue([
      for k, v in var.job_queues : v.fair_share == null || try(
        v.fair_share.share_decay_seconds >= 0 && v.fair_share.share_decay_seconds <= 604800
        && v.fair_share.compute_reservation >= 0 && v.fair_share.compute_reservation <= 99
        && alltrue([for id, w in v.fair_share.shares : can(regex("^[A-Za-z0-9]{1,255}$|^[A-Za-z0-9]{0,254}\\*$", id)) && w >= 0.0001 && w <= 999.9999]),
        false,
      )
    ])
    error_message = join("\n", [
      for k, v in var.job_queues :
      "job_queues[${jsonencode(k)}]: fair_share is not valid (share_decay_seconds 0-604800, compute_reservation 0-99, shares: identifiers of up to 255 letters and digits, optionally ending in *, with weights 0.0001-999.9999)."
      if v.fair_share != null && !try(
        v.fair_share.share_decay_seconds >= 0 && v.fair_share.share_decay_seconds <= 604800
        && v.fair_share.compute_reservation >= 0 && v.fair_share.compute_reservation <= 99
        && alltrue([for id, w in v.fair_share.shares : can(regex("^[A-Za-z0-9]{1,255}$|^[A-Za-z0-9]{0,254}\\*$", id)) && w >= 0.0001 && w <= 999.9999]),
        false,
      )
    ])
  }

  validation {
    condition     = alltrue([for k, v in var.job_queues : length("${var.name}-${k}") <= 128])
    error_message = join("\n", [for k, v in var.job_queues : "job_queues[${jsonencode(k)}]: the queue name \"${var.name}-${k}\" exceeds Batch's 128 characters; shorten the key or var.name." if length("${var.name}-${k}") > 128])
  }

  # Without declared queues the module builds "default" from every compute environment.
  validation {
    condition = length(var.job_queues) > 0 || (
      length(var.compute_environments) <= 3
      && length(distinct([for ce, v in var.compute_environments : contains(["FARGATE", "FARGATE_SPOT"], v.type)])) <= 1
      && length(distinct([for ce, v in var.compute_environments : coalesce(v.architecture, "X86_64") if contains(["EC2", "SPOT"], v.type)])) <= 1
    )
    error_message = "job_queues: none declared, and the default queue cannot hold all ${length(var.compute_environments)} compute environments (${join(", ", [for ce, v in var.compute_environments : "${ce} (${v.type})"])}): a queue takes at most 3, all Fargate or all EC2, one architecture. Declare job_queues, e.g. { default = { compute_environments = [\"fargate_spot\", \"fargate\"] } }."
  }
}

################################################################################
# Schedules
################################################################################

variable "schedule_backend" {
  description = "\"scheduler\" (EventBridge Scheduler: time zones, flexible windows, at(), start/end dates) or \"rules\" (EventBridge scheduled rules on the default bus, UTC only)."
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
    condition     = var.dead_letter_queue_message_retention_seconds >= 60 && var.dead_letter_queue_message_retention_seconds <= 1209600
    error_message = "dead_letter_queue_message_retention_seconds: ${var.dead_letter_queue_message_retention_seconds} is out of range (use 60 to 1209600, i.e. up to 14 days)."
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
    enabled, parameters, command, description, expected_interval_minutes } }.
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
  }))
  default = {}

  # Bring your own: existing roles and queues.
  validation {
    condition = alltrue([for k, v in var.jobs : v.job_role_arn == null || can(regex(local.role_arn_pattern, v.job_role_arn))])
    error_message = join("\n", [
      for k, v in var.jobs :
      "jobs[${jsonencode(k)}]: job_role_arn \"${v.job_role_arn}\" is not an IAM role ARN (${local.role_arn_hint})."
      if !(v.job_role_arn == null || can(regex(local.role_arn_pattern, v.job_role_arn)))
    ])
  }

  validation {
    condition = alltrue([for k, v in var.jobs : v.execution_role_arn == null || can(regex(local.role_arn_pattern, v.execution_role_arn))])
    error_message = join("\n", [
      for k, v in var.jobs :
      "jobs[${jsonencode(k)}]: execution_role_arn \"${v.execution_role_arn}\" is not an IAM role ARN (${local.role_arn_hint})."
      if !(v.execution_role_arn == null || can(regex(local.role_arn_pattern, v.execution_role_arn)))
    ])
  }

  # The module grants nothing on a role it does not own.
  validation {
    condition = alltrue([for k, v in var.jobs : v.job_role_arn == null || length(v.iam_policy_statements) + length(v.iam_policy_arns) == 0])
    error_message = join("\n", [
      for k, v in var.jobs :
      "jobs[${jsonencode(k)}]: ${local.existing_role_permissions_hint}"
      if !(v.job_role_arn == null || length(v.iam_policy_statements) + length(v.iam_policy_arns) == 0)
    ])
  }

  validation {
    condition = alltrue([for k, v in var.jobs : v.queue_arn == null || can(regex(local.queue_arn_pattern, v.queue_arn))])
    error_message = join("\n", [
      for k, v in var.jobs :
      "jobs[${jsonencode(k)}]: queue_arn \"${v.queue_arn}\" is not a Batch job queue ARN (${local.queue_arn_hint})."
      if !(v.queue_arn == null || can(regex(local.queue_arn_pattern, v.queue_arn)))
    ])
  }

  validation {
    condition = alltrue([for k, v in var.jobs : v.queue_arn == null || v.queue == null])
    error_message = join("\n", [
      for k, v in var.jobs :
      "jobs[${jsonencode(k)}]: queue and queue_arn are exclusive: queue names one of job_queues, queue_arn an existing queue."
      if !(v.queue_arn == null || v.queue == null)
    ])
  }

  # Isolation copies the queue's environments with the job's own security group.
  validation {
    condition = alltrue([for k, v in var.jobs : v.queue_arn == null || v.network == null])
    error_message = join("\n", [
      for k, v in var.jobs :
      "jobs[${jsonencode(k)}]: ${local.isolation_existing_queue_hint}"
      if !(v.queue_arn == null || v.network == null)
    ])
  }

  validation {
    condition = alltrue([for k, v in var.jobs : v.platform == null || v.queue_arn != null])
    error_message = join("\n", [
      for k, v in var.jobs :
      "jobs[${jsonencode(k)}]: platform is only read with queue_arn (a queue of this module gives the platform of its compute environments); remove it."
      if !(v.platform == null || v.queue_arn != null)
    ])
  }

  validation {
    condition = alltrue([for k, v in var.jobs : v.platform == null || contains(["FARGATE", "EC2"], coalesce(v.platform, "-"))])
    error_message = join("\n", [
      for k, v in var.jobs :
      "jobs[${jsonencode(k)}]: platform \"${v.platform}\" is not valid (use FARGATE or EC2: what runs behind queue_arn)."
      if !(v.platform == null || contains(["FARGATE", "EC2"], coalesce(v.platform, "-")))
    ])
  }

  validation {
    condition = alltrue(flatten([
      for k, v in var.jobs : [
        for ce in try(local.job_queues[coalesce(v.queue, local.default_queue_key)].compute_environments, []) :
        try(var.compute_environments[ce].arn == null, true)
      ] if v.network != null
    ]))
    error_message = join("\n", flatten([
      for k, v in var.jobs : [
        for ce in try(local.job_queues[coalesce(v.queue, local.default_queue_key)].compute_environments, []) :
        format(local.isolation_existing_environment_hint, jsonencode(k), coalesce(v.queue, local.default_queue_key), jsonencode(ce))
        if !try(var.compute_environments[ce].arn == null, true)
      ] if v.network != null
    ]))
  }

  validation {
    condition     = length([for k in keys(var.jobs) : "jobs[${jsonencode(k)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))]) == 0
    error_message = join("\n", [for k in keys(var.jobs) : "jobs[${jsonencode(k)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))])
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : trimspace(v.image) == "" ? ["jobs[${jsonencode(k)}]: image is empty (e.g. \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/tool:1.0\")."] : []])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : trimspace(v.image) == "" ? ["jobs[${jsonencode(k)}]: image is empty (e.g. \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/tool:1.0\")."] : []]))
  }

  # References: every job names an existing queue (or there is a "default" one).
  validation {
    condition     = length(flatten([for k, v in var.jobs : v.queue != null && !contains(keys(local.job_queues), coalesce(v.queue, "-")) ? ["jobs[${jsonencode(k)}]: queue \"${coalesce(v.queue, "-")}\" does not exist (job_queues has: ${join(", ", sort(keys(local.job_queues)))}); set queue to one of them or declare it in job_queues."] : []])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : v.queue != null && !contains(keys(local.job_queues), coalesce(v.queue, "-")) ? ["jobs[${jsonencode(k)}]: queue \"${coalesce(v.queue, "-")}\" does not exist (job_queues has: ${join(", ", sort(keys(local.job_queues)))}); set queue to one of them or declare it in job_queues."] : []]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : v.queue == null && v.queue_arn == null && local.default_queue_key == null ? ["jobs[${jsonencode(k)}]: queue is not set and job_queues has no \"default\" queue; set queue to one of: ${join(", ", sort(keys(local.job_queues)))}."] : []])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : v.queue == null && v.queue_arn == null && local.default_queue_key == null ? ["jobs[${jsonencode(k)}]: queue is not set and job_queues has no \"default\" queue; set queue to one of: ${join(", ", sort(keys(local.job_queues)))}."] : []]))
  }

  # Fargate vCPU/memory combinations (queue -> compute environment family decides the platform).
  validation {
    condition     = length(flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "FARGATE" && !contains(keys(local.fargate_memory), tostring(v.vcpu)) ? ["jobs[${jsonencode(k)}]: vcpu ${v.vcpu} is not valid on Fargate (use 0.25, 0.5, 1, 2, 4, 8 or 16)."] : []]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "FARGATE" && !contains(keys(local.fargate_memory), tostring(v.vcpu)) ? ["jobs[${jsonencode(k)}]: vcpu ${v.vcpu} is not valid on Fargate (use 0.25, 0.5, 1, 2, 4, 8 or 16)."] : []]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "FARGATE" && contains(keys(local.fargate_memory), tostring(v.vcpu)) && !contains(lookup(local.fargate_memory, tostring(v.vcpu), []), v.memory) ? ["jobs[${jsonencode(k)}]: memory ${v.memory} is not valid for ${v.vcpu} vCPU on Fargate (use ${lookup(local.fargate_memory_hint, tostring(v.vcpu), "-")})."] : []]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "FARGATE" && contains(keys(local.fargate_memory), tostring(v.vcpu)) && !contains(lookup(local.fargate_memory, tostring(v.vcpu), []), v.memory) ? ["jobs[${jsonencode(k)}]: memory ${v.memory} is not valid for ${v.vcpu} vCPU on Fargate (use ${lookup(local.fargate_memory_hint, tostring(v.vcpu), "-")})."] : []]]))
  }

  # EC2: whole vCPUs, memory in MiB, GPUs; Fargate: no GPUs, ephemeral storage 21-200 GiB.
  validation {
    condition     = length(flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "EC2" && (v.vcpu < 1 || floor(v.vcpu) != v.vcpu) ? ["jobs[${jsonencode(k)}]: vcpu ${v.vcpu} is not valid on EC2 compute environments (use a whole number of vCPUs, at least 1)."] : []]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "EC2" && (v.vcpu < 1 || floor(v.vcpu) != v.vcpu) ? ["jobs[${jsonencode(k)}]: vcpu ${v.vcpu} is not valid on EC2 compute environments (use a whole number of vCPUs, at least 1)."] : []]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "EC2" && (v.memory < 4 || floor(v.memory) != v.memory) ? ["jobs[${jsonencode(k)}]: memory ${v.memory} is not valid (use a whole number of MiB, at least 4)."] : []]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "EC2" && (v.memory < 4 || floor(v.memory) != v.memory) ? ["jobs[${jsonencode(k)}]: memory ${v.memory} is not valid (use a whole number of MiB, at least 4)."] : []]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : v.gpu == null ? [] : fam == "FARGATE" ? ["jobs[${jsonencode(k)}]: gpu is only available on EC2 compute environments and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" is Fargate (use an EC2/SPOT queue or remove gpu)."] : coalesce(v.gpu, 1) < 1 || floor(coalesce(v.gpu, 1)) != coalesce(v.gpu, 1) ? ["jobs[${jsonencode(k)}]: gpu ${coalesce(v.gpu, 0)} is not valid (use a whole number, at least 1)."] : []]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : v.gpu == null ? [] : fam == "FARGATE" ? ["jobs[${jsonencode(k)}]: gpu is only available on EC2 compute environments and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" is Fargate (use an EC2/SPOT queue or remove gpu)."] : coalesce(v.gpu, 1) < 1 || floor(coalesce(v.gpu, 1)) != coalesce(v.gpu, 1) ? ["jobs[${jsonencode(k)}]: gpu ${coalesce(v.gpu, 0)} is not valid (use a whole number, at least 1)."] : []]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : v.ephemeral_storage_gib == null ? [] : fam == "EC2" ? ["jobs[${jsonencode(k)}]: ephemeral_storage_gib is only valid on Fargate (queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" is EC2; size the instance volume with a launch template instead)."] : coalesce(v.ephemeral_storage_gib, 0) < 21 || coalesce(v.ephemeral_storage_gib, 0) > 200 ? ["jobs[${jsonencode(k)}]: ephemeral_storage_gib ${coalesce(v.ephemeral_storage_gib, 0)} is out of range (Fargate allows 21 to 200 GiB)."] : []]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : v.ephemeral_storage_gib == null ? [] : fam == "EC2" ? ["jobs[${jsonencode(k)}]: ephemeral_storage_gib is only valid on Fargate (queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" is EC2; size the instance volume with a launch template instead)."] : coalesce(v.ephemeral_storage_gib, 0) < 21 || coalesce(v.ephemeral_storage_gib, 0) > 200 ? ["jobs[${jsonencode(k)}]: ephemeral_storage_gib ${coalesce(v.ephemeral_storage_gib, 0)} is out of range (Fargate allows 21 to 200 GiB)."] : []]]))
  }

  # Architecture: one per queue; Fargate Spot has no ARM64 capacity.
  validation {
    condition     = length(flatten([for k, v in var.jobs : v.architecture == null || contains(["X86_64", "ARM64"], coalesce(v.architecture, "X86_64")) ? [] : ["jobs[${jsonencode(k)}]: architecture \"${coalesce(v.architecture, "-")}\" is not valid (use X86_64 or ARM64)."]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : v.architecture == null || contains(["X86_64", "ARM64"], coalesce(v.architecture, "X86_64")) ? [] : ["jobs[${jsonencode(k)}]: architecture \"${coalesce(v.architecture, "-")}\" is not valid (use X86_64 or ARM64)."]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "FARGATE" && v.architecture == "ARM64" && contains(lookup(local.queue_types, try(coalesce(v.queue, local.default_queue_key), ""), []), "FARGATE_SPOT") ? ["jobs[${jsonencode(k)}]: architecture ARM64 cannot run on Fargate Spot and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" includes a FARGATE_SPOT compute environment (use a FARGATE-only queue, or X86_64)."] : []]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "FARGATE" && v.architecture == "ARM64" && contains(lookup(local.queue_types, try(coalesce(v.queue, local.default_queue_key), ""), []), "FARGATE_SPOT") ? ["jobs[${jsonencode(k)}]: architecture ARM64 cannot run on Fargate Spot and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" includes a FARGATE_SPOT compute environment (use a FARGATE-only queue, or X86_64)."] : []]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "EC2" && v.architecture != null && lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null) != null && v.architecture != lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null) ? ["jobs[${jsonencode(k)}]: architecture ${coalesce(v.architecture, "-")} does not match the ${coalesce(lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null), "-")} compute environments of queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" (use a queue with matching instances)."] : []]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for fam in [lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)] : fam == "EC2" && v.architecture != null && lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null) != null && v.architecture != lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null) ? ["jobs[${jsonencode(k)}]: architecture ${coalesce(v.architecture, "-")} does not match the ${coalesce(lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null), "-")} compute environments of queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" (use a queue with matching instances)."] : []]]))
  }

  # Timeout >= 60 s; retry attempts 1-10; at most 5 ordered evaluate-on-exit rules.
  validation {
    condition     = length(flatten([for k, v in var.jobs : v.timeout_seconds >= 60 && floor(v.timeout_seconds) == v.timeout_seconds ? [] : ["jobs[${jsonencode(k)}]: timeout_seconds ${v.timeout_seconds} is not valid (Batch requires a whole number of seconds, at least 60)."]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : v.timeout_seconds >= 60 && floor(v.timeout_seconds) == v.timeout_seconds ? [] : ["jobs[${jsonencode(k)}]: timeout_seconds ${v.timeout_seconds} is not valid (Batch requires a whole number of seconds, at least 60)."]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : v.retry.attempts >= 1 && v.retry.attempts <= 10 && floor(v.retry.attempts) == v.retry.attempts ? [] : ["jobs[${jsonencode(k)}]: retry.attempts ${v.retry.attempts} is out of range (use 1 to 10)."]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : v.retry.attempts >= 1 && v.retry.attempts <= 10 && floor(v.retry.attempts) == v.retry.attempts ? [] : ["jobs[${jsonencode(k)}]: retry.attempts ${v.retry.attempts} is out of range (use 1 to 10)."]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : v.retry.rules == null ? [] : length(coalesce(v.retry.rules, [])) >= 1 && length(coalesce(v.retry.rules, [])) <= 5 ? [] : ["jobs[${jsonencode(k)}]: retry.rules has ${length(coalesce(v.retry.rules, []))} rules; Batch evaluates 1 to 5 (omit rules for the defaults: retry infrastructure and Spot losses, exit otherwise)."]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : v.retry.rules == null ? [] : length(coalesce(v.retry.rules, [])) >= 1 && length(coalesce(v.retry.rules, [])) <= 5 ? [] : ["jobs[${jsonencode(k)}]: retry.rules has ${length(coalesce(v.retry.rules, []))} rules; Batch evaluates 1 to 5 (omit rules for the defaults: retry infrastructure and Spot losses, exit otherwise)."]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for i, r in coalesce(v.retry.rules, []) : "jobs[${jsonencode(k)}]: retry.rules[${i}].action \"${r.action}\" is not valid (use RETRY or EXIT)." if !contains(["RETRY", "EXIT"], upper(r.action))]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for i, r in coalesce(v.retry.rules, []) : "jobs[${jsonencode(k)}]: retry.rules[${i}].action \"${r.action}\" is not valid (use RETRY or EXIT)." if !contains(["RETRY", "EXIT"], upper(r.action))]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for i, r in coalesce(v.retry.rules, []) : "jobs[${jsonencode(k)}]: retry.rules[${i}] has no condition (set on_status_reason, on_reason or on_exit_code; on_reason = \"*\" matches everything)." if r.on_status_reason == null && r.on_reason == null && r.on_exit_code == null]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for i, r in coalesce(v.retry.rules, []) : "jobs[${jsonencode(k)}]: retry.rules[${i}] has no condition (set on_status_reason, on_reason or on_exit_code; on_reason = \"*\" matches everything)." if r.on_status_reason == null && r.on_reason == null && r.on_exit_code == null]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for i, r in coalesce(v.retry.rules, []) : "jobs[${jsonencode(k)}]: retry.rules[${i}].on_exit_code \"${coalesce(r.on_exit_code, "-")}\" is not valid (digits, optionally ending in *, e.g. \"75\" or \"1*\")." if r.on_exit_code != null && !can(regex("^[0-9]{1,511}\\*?$|^\\*$", coalesce(r.on_exit_code, "-")))]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for i, r in coalesce(v.retry.rules, []) : "jobs[${jsonencode(k)}]: retry.rules[${i}].on_exit_code \"${coalesce(r.on_exit_code, "-")}\" is not valid (digits, optionally ending in *, e.g. \"75\" or \"1*\")." if r.on_exit_code != null && !can(regex("^[0-9]{1,511}\\*?$|^\\*$", coalesce(r.on_exit_code, "-")))]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : flatten([for i, r in coalesce(v.retry.rules, []) : [for field, value in { on_status_reason = r.on_status_reason, on_reason = r.on_reason } : "jobs[${jsonencode(k)}]: retry.rules[${i}].${field} \"${value}\" is not valid (letters, digits, \".\", \":\" and spaces, at most 512 characters, optionally ending in *; no * elsewhere)." if value != null && !can(regex("^[A-Za-z0-9.: \t]{0,511}\\*?$", coalesce(value, "-")))]])])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : flatten([for i, r in coalesce(v.retry.rules, []) : [for field, value in { on_status_reason = r.on_status_reason, on_reason = r.on_reason } : "jobs[${jsonencode(k)}]: retry.rules[${i}].${field} \"${value}\" is not valid (letters, digits, \".\", \":\" and spaces, at most 512 characters, optionally ending in *; no * elsewhere)." if value != null && !can(regex("^[A-Za-z0-9.: \t]{0,511}\\*?$", coalesce(value, "-")))]])]))
  }

  # Environment and secrets: ARNs only (the execution role is scoped to them), no reserved names.
  validation {
    condition     = length(flatten([for k, v in var.jobs : [for name, arn in v.secrets : "jobs[${jsonencode(k)}]: secrets[${jsonencode(name)}] = \"${arn}\" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)." if !can(regex("^arn:aws[a-z-]*:(secretsmanager:.*:secret:.+|ssm:.*:parameter/.+)$", arn))]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for name, arn in v.secrets : "jobs[${jsonencode(k)}]: secrets[${jsonencode(name)}] = \"${arn}\" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)." if !can(regex("^arn:aws[a-z-]*:(secretsmanager:.*:secret:.+|ssm:.*:parameter/.+)$", arn))]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for name in concat(keys(v.environment), keys(v.secrets)) : "jobs[${jsonencode(k)}]: environment variable ${name} is not valid (letters, digits and \"_\", not starting with a digit; the AWS_BATCH prefix is reserved)." if !can(regex("^[A-Za-z_][A-Za-z0-9_]*$", name)) || startswith(upper(name), "AWS_BATCH")]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for name in concat(keys(v.environment), keys(v.secrets)) : "jobs[${jsonencode(k)}]: environment variable ${name} is not valid (letters, digits and \"_\", not starting with a digit; the AWS_BATCH prefix is reserved)." if !can(regex("^[A-Za-z_][A-Za-z0-9_]*$", name)) || startswith(upper(name), "AWS_BATCH")]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for name in keys(v.secrets) : "jobs[${jsonencode(k)}]: ${name} is set in both environment and secrets; keep it only in secrets." if contains(keys(v.environment), name)]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for name in keys(v.secrets) : "jobs[${jsonencode(k)}]: ${name} is set in both environment and secrets; keep it only in secrets." if contains(keys(v.environment), name)]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for arn in v.secrets_kms_key_arns : "jobs[${jsonencode(k)}]: secrets_kms_key_arns: \"${arn}\" is not a KMS key ARN." if !can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for arn in v.secrets_kms_key_arns : "jobs[${jsonencode(k)}]: secrets_kms_key_arns: \"${arn}\" is not a KMS key ARN." if !can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))]]))
  }

  # Job role: only what is given, and never every action.
  validation {
    condition     = length(flatten([for k, v in var.jobs : flatten([for i, st in v.iam_policy_statements : concat(length(st.actions) > 0 && length(st.resources) > 0 ? [] : ["jobs[${jsonencode(k)}]: iam_policy_statements[${i}] needs at least one action and one resource."], contains(st.actions, "*") ? ["jobs[${jsonencode(k)}]: iam_policy_statements[${i}] allows every action (\"*\"); list the actions the job needs."] : [], contains(["allow", "deny"], lower(st.effect)) ? [] : ["jobs[${jsonencode(k)}]: iam_policy_statements[${i}].effect \"${st.effect}\" is not valid (use Allow or Deny)."])])])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : flatten([for i, st in v.iam_policy_statements : concat(length(st.actions) > 0 && length(st.resources) > 0 ? [] : ["jobs[${jsonencode(k)}]: iam_policy_statements[${i}] needs at least one action and one resource."], contains(st.actions, "*") ? ["jobs[${jsonencode(k)}]: iam_policy_statements[${i}] allows every action (\"*\"); list the actions the job needs."] : [], contains(["allow", "deny"], lower(st.effect)) ? [] : ["jobs[${jsonencode(k)}]: iam_policy_statements[${i}].effect \"${st.effect}\" is not valid (use Allow or Deny)."])])]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for arn in v.iam_policy_arns : "jobs[${jsonencode(k)}]: iam_policy_arns: \"${arn}\" is not an IAM policy ARN." if !can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", arn))]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for arn in v.iam_policy_arns : "jobs[${jsonencode(k)}]: iam_policy_arns: \"${arn}\" is not an IAM policy ARN." if !can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", arn))]]))
  }

  # Network isolation: each egress rule has a protocol, ports and a destination.
  validation {
    condition     = length(flatten([for k, v in var.jobs : v.network != null && length(try(v.network.egress, [])) == 0 ? ["jobs[${jsonencode(k)}]: network.egress is empty, so the job could not even pull its image; add e.g. { port = 443, cidr_blocks = [\"0.0.0.0/0\"] }."] : []])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : v.network != null && length(try(v.network.egress, [])) == 0 ? ["jobs[${jsonencode(k)}]: network.egress is empty, so the job could not even pull its image; add e.g. { port = 443, cidr_blocks = [\"0.0.0.0/0\"] }."] : []]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for i, r in try(v.network.egress, []) : "jobs[${jsonencode(k)}]: network.egress[${i}] has no destination (set cidr_blocks, ipv6_cidr_blocks, prefix_list_ids or security_group_ids)." if length(concat(r.cidr_blocks, r.ipv6_cidr_blocks, r.prefix_list_ids, r.security_group_ids)) == 0]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for i, r in try(v.network.egress, []) : "jobs[${jsonencode(k)}]: network.egress[${i}] has no destination (set cidr_blocks, ipv6_cidr_blocks, prefix_list_ids or security_group_ids)." if length(concat(r.cidr_blocks, r.ipv6_cidr_blocks, r.prefix_list_ids, r.security_group_ids)) == 0]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for i, r in try(v.network.egress, []) : "jobs[${jsonencode(k)}]: network.egress[${i}].protocol \"${r.protocol}\" is not valid (use tcp, udp, icmp or \"-1\" for all traffic)." if !contains(["tcp", "udp", "icmp", "-1", "all"], lower(r.protocol))]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for i, r in try(v.network.egress, []) : "jobs[${jsonencode(k)}]: network.egress[${i}].protocol \"${r.protocol}\" is not valid (use tcp, udp, icmp or \"-1\" for all traffic)." if !contains(["tcp", "udp", "icmp", "-1", "all"], lower(r.protocol))]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for i, r in try(v.network.egress, []) : "jobs[${jsonencode(k)}]: network.egress[${i}] needs port, or from_port and to_port, between 0 and 65535 with from_port <= to_port (got ${coalesce(r.port, r.from_port, -1)}-${coalesce(r.port, r.to_port, r.from_port, -1)})." if contains(["tcp", "udp"], lower(r.protocol)) && !(coalesce(r.port, r.from_port, -1) >= 0 && coalesce(r.port, r.to_port, r.from_port, -1) <= 65535 && coalesce(r.port, r.from_port, -1) <= coalesce(r.port, r.to_port, r.from_port, -1))]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for i, r in try(v.network.egress, []) : "jobs[${jsonencode(k)}]: network.egress[${i}] needs port, or from_port and to_port, between 0 and 65535 with from_port <= to_port (got ${coalesce(r.port, r.from_port, -1)}-${coalesce(r.port, r.to_port, r.from_port, -1)})." if contains(["tcp", "udp"], lower(r.protocol)) && !(coalesce(r.port, r.from_port, -1) >= 0 && coalesce(r.port, r.to_port, r.from_port, -1) <= 65535 && coalesce(r.port, r.from_port, -1) <= coalesce(r.port, r.to_port, r.from_port, -1))]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : flatten([for i, r in try(v.network.egress, []) : [for c in r.cidr_blocks : "jobs[${jsonencode(k)}]: network.egress[${i}].cidr_blocks: \"${c}\" is not an IPv4 CIDR block (e.g. \"10.0.0.0/16\")." if !can(cidrhost(c, 0)) || strcontains(c, ":")]])])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : flatten([for i, r in try(v.network.egress, []) : [for c in r.cidr_blocks : "jobs[${jsonencode(k)}]: network.egress[${i}].cidr_blocks: \"${c}\" is not an IPv4 CIDR block (e.g. \"10.0.0.0/16\")." if !can(cidrhost(c, 0)) || strcontains(c, ":")]])]))
  }

  # Logs are kept for a bounded time.
  validation {
    condition     = length(flatten([for k, v in var.jobs : contains(local.log_retention_days, v.log_retention_days) ? [] : ["jobs[${jsonencode(k)}]: log_retention_days ${v.log_retention_days} is not a CloudWatch Logs retention (use one of ${join(", ", local.log_retention_days)}; logs that never expire are not offered)."]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : contains(local.log_retention_days, v.log_retention_days) ? [] : ["jobs[${jsonencode(k)}]: log_retention_days ${v.log_retention_days} is not a CloudWatch Logs retention (use one of ${join(", ", local.log_retention_days)}; logs that never expire are not offered)."]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for p in v.writable_paths : "jobs[${jsonencode(k)}]: writable_paths: \"${p}\" must be an absolute container path (e.g. \"/tmp\")." if !startswith(p, "/")]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for p in v.writable_paths : "jobs[${jsonencode(k)}]: writable_paths: \"${p}\" must be an absolute container path (e.g. \"/tmp\")." if !startswith(p, "/")]]))
  }

  # Fair share: identifiers and priorities only where a scheduling policy exists.
  validation {
    condition     = length(flatten([for k, v in var.jobs : lookup(local.queue_fair_share, try(coalesce(v.queue, local.default_queue_key), ""), false) || (v.share_identifier == null && v.scheduling_priority == null) ? [] : ["jobs[${jsonencode(k)}]: share_identifier and scheduling_priority only apply to a fair-share queue, and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" has no fair_share (remove them or add fair_share to the queue)."]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : lookup(local.queue_fair_share, try(coalesce(v.queue, local.default_queue_key), ""), false) || (v.share_identifier == null && v.scheduling_priority == null) ? [] : ["jobs[${jsonencode(k)}]: share_identifier and scheduling_priority only apply to a fair-share queue, and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" has no fair_share (remove them or add fair_share to the queue)."]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : (v.share_identifier == null || can(regex("^[A-Za-z0-9]{1,255}$", coalesce(v.share_identifier, "-")))) && (v.scheduling_priority == null || try(v.scheduling_priority >= 0 && v.scheduling_priority <= 9999, false)) ? [] : ["jobs[${jsonencode(k)}]: share_identifier must be up to 255 letters and digits, and scheduling_priority 0 to 9999."]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : (v.share_identifier == null || can(regex("^[A-Za-z0-9]{1,255}$", coalesce(v.share_identifier, "-")))) && (v.scheduling_priority == null || try(v.scheduling_priority >= 0 && v.scheduling_priority <= 9999, false)) ? [] : ["jobs[${jsonencode(k)}]: share_identifier must be up to 255 letters and digits, and scheduling_priority 0 to 9999."]]))
  }

  # Names built from var.name and the keys must fit AWS limits, and must not collide.
  validation {
    condition     = length(flatten([for k, v in var.jobs : [for n in ["${var.name}-${k}-job", "${var.name}-${k}-exec"] : "jobs[${jsonencode(k)}]: the IAM role name \"${n}\" is ${length(n)} characters; AWS allows 64 (shorten the job key or var.name)." if length(n) > 64]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for n in ["${var.name}-${k}-job", "${var.name}-${k}-exec"] : "jobs[${jsonencode(k)}]: the IAM role name \"${n}\" is ${length(n)} characters; AWS allows 64 (shorten the job key or var.name)." if length(n) > 64]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : length("${var.name}-${k}") <= 128 ? [] : ["jobs[${jsonencode(k)}]: the job definition name \"${var.name}-${k}\" exceeds Batch's 128 characters (shorten the job key or var.name)."]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : length("${var.name}-${k}") <= 128 ? [] : ["jobs[${jsonencode(k)}]: the job definition name \"${var.name}-${k}\" exceeds Batch's 128 characters (shorten the job key or var.name)."]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : v.network == null ? [] : concat(length("${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}") <= 128 ? [] : ["jobs[${jsonencode(k)}]: the name of its network-isolated queue \"${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}\" exceeds Batch's 128 characters (shorten the job key)."], [for ce in try(local.job_queues[try(coalesce(v.queue, local.default_queue_key), "")].compute_environments, []) : "jobs[${jsonencode(k)}]: the name of its network-isolated compute environment \"${var.name}-${k}-${ce}-<26 characters>\" exceeds Batch's 128 characters (shorten the job key)." if length("${var.name}-${k}-${ce}-") + 26 > 128], contains([for q in keys(local.job_queues) : "${var.name}-${q}"], "${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}") ? ["jobs[${jsonencode(k)}]: its network-isolated queue would be named \"${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}\", which job_queues already uses; rename the job or the queue."] : [])])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : v.network == null ? [] : concat(length("${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}") <= 128 ? [] : ["jobs[${jsonencode(k)}]: the name of its network-isolated queue \"${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}\" exceeds Batch's 128 characters (shorten the job key)."], [for ce in try(local.job_queues[try(coalesce(v.queue, local.default_queue_key), "")].compute_environments, []) : "jobs[${jsonencode(k)}]: the name of its network-isolated compute environment \"${var.name}-${k}-${ce}-<26 characters>\" exceeds Batch's 128 characters (shorten the job key)." if length("${var.name}-${k}-${ce}-") + 26 > 128], contains([for q in keys(local.job_queues) : "${var.name}-${q}"], "${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}") ? ["jobs[${jsonencode(k)}]: its network-isolated queue would be named \"${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}\", which job_queues already uses; rename the job or the queue."] : [])]))
  }

  validation {
    condition     = length([for n in distinct(flatten([for k, v in var.jobs : concat(["${var.name}-${k}-job", "${var.name}-${k}-exec"], [for sk, s in v.schedules : "${var.name}-${k}-${sk}-sched"])])) : "jobs: the IAM role name \"${n}\" would be used more than once; rename one of the job or schedule keys." if length([for x in flatten([for k, v in var.jobs : concat(["${var.name}-${k}-job", "${var.name}-${k}-exec"], [for sk, s in v.schedules : "${var.name}-${k}-${sk}-sched"])]) : x if x == n]) > 1]) == 0
    error_message = join("\n", [for n in distinct(flatten([for k, v in var.jobs : concat(["${var.name}-${k}-job", "${var.name}-${k}-exec"], [for sk, s in v.schedules : "${var.name}-${k}-${sk}-sched"])])) : "jobs: the IAM role name \"${n}\" would be used more than once; rename one of the job or schedule keys." if length([for x in flatten([for k, v in var.jobs : concat(["${var.name}-${k}-job", "${var.name}-${k}-exec"], [for sk, s in v.schedules : "${var.name}-${k}-${sk}-sched"])]) : x if x == n]) > 1])
  }

  # Batch quotas (fixed, per Region): 50 compute environments and 50 job queues.
  validation {
    condition     = length(length(var.compute_environments) + sum(concat([0], [for k, v in var.jobs : length(try(local.job_queues[try(coalesce(v.queue, local.default_queue_key), "")].compute_environments, [])) if v.network != null])) <= 50 ? [] : ["jobs: ${length([for k, v in var.jobs : k if v.network != null])} network-isolated jobs need ${length(var.compute_environments) + sum(concat([0], [for k, v in var.jobs : length(try(local.job_queues[try(coalesce(v.queue, local.default_queue_key), "")].compute_environments, [])) if v.network != null]))} compute environments in total (shared plus per-job copies); Batch allows 50 per Region. Share a security group between jobs or drop network from some."]) == 0
    error_message = join("\n", length(var.compute_environments) + sum(concat([0], [for k, v in var.jobs : length(try(local.job_queues[try(coalesce(v.queue, local.default_queue_key), "")].compute_environments, [])) if v.network != null])) <= 50 ? [] : ["jobs: ${length([for k, v in var.jobs : k if v.network != null])} network-isolated jobs need ${length(var.compute_environments) + sum(concat([0], [for k, v in var.jobs : length(try(local.job_queues[try(coalesce(v.queue, local.default_queue_key), "")].compute_environments, [])) if v.network != null]))} compute environments in total (shared plus per-job copies); Batch allows 50 per Region. Share a security group between jobs or drop network from some."])
  }

  validation {
    condition     = length(length(local.job_queues) + length([for k, v in var.jobs : k if v.network != null]) <= 50 ? [] : ["jobs: ${length(local.job_queues)} queues plus ${length([for k, v in var.jobs : k if v.network != null])} network-isolated job queues exceed Batch's 50 job queues per Region."]) == 0
    error_message = join("\n", length(local.job_queues) + length([for k, v in var.jobs : k if v.network != null]) <= 50 ? [] : ["jobs: ${length(local.job_queues)} queues plus ${length([for k, v in var.jobs : k if v.network != null])} network-isolated job queues exceed Batch's 50 job queues per Region."])
  }

  # Schedules: expression syntax, backend-specific options, names.
  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : "jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", sk))]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : "jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", sk))]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : can(regex("^(cron|rate|at)\\(.*\\)$", e)) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: expression \"${e}\" is not valid (use cron(...), rate(...) or at(...), e.g. \"cron(0 2 * * ? *)\")."]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : can(regex("^(cron|rate|at)\\(.*\\)$", e)) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: expression \"${e}\" is not valid (use cron(...), rate(...) or at(...), e.g. \"cron(0 2 * * ? *)\")."]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), null)] : f == null || length(coalesce(f, [])) == 6 ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e} has ${length(coalesce(f, []))} fields; AWS cron takes 6 (minutes hours day-of-month month day-of-week year), e.g. cron(0 2 * * ? *)."]]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), null)] : f == null || length(coalesce(f, [])) == 6 ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e} has ${length(coalesce(f, []))} fields; AWS cron takes 6 (minutes hours day-of-month month day-of-week year), e.g. cron(0 2 * * ? *)."]]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), [])] : length(f) != 6 ? [] : (f[2] == "?") != (f[4] == "?") ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e}: exactly one of day-of-month and day-of-week must be \"?\" (e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON *))."]]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), [])] : length(f) != 6 ? [] : (f[2] == "?") != (f[4] == "?") ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e}: exactly one of day-of-month and day-of-week must be \"?\" (e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON *))."]]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), [])] : length(f) != 6 ? [] : [for i, spec in local.cron_fields : "jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e}: ${spec.name} \"${f[i]}\" is not valid (${spec.hint})." if !can(regex(spec.pattern, f[i])) || anytrue([for n in regexall("[0-9]+", f[i]) : tonumber(n) > spec.max])]]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), [])] : length(f) != 6 ? [] : [for i, spec in local.cron_fields : "jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e}: ${spec.name} \"${f[i]}\" is not valid (${spec.hint})." if !can(regex(spec.pattern, f[i])) || anytrue([for n in regexall("[0-9]+", f[i]) : tonumber(n) > spec.max])]]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for m in [try(regex("^rate\\((.*)\\)$", e)[0], null)] : m == null ? [] : !can(regex("^[1-9][0-9]* (minute|minutes|hour|hours|day|days)$", m)) ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e} is not valid (use rate(<positive number> minute|minutes|hour|hours|day|days), e.g. rate(6 hours))."] : split(" ", m)[0] == "1" && endswith(m, "s") ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e}: use the singular unit for 1, e.g. rate(1 ${trimsuffix(split(" ", m)[1], "s")})."] : split(" ", m)[0] != "1" && !endswith(m, "s") ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e}: use the plural unit for values above 1, e.g. rate(${split(" ", m)[0]} ${split(" ", m)[1]}s)."] : []]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for m in [try(regex("^rate\\((.*)\\)$", e)[0], null)] : m == null ? [] : !can(regex("^[1-9][0-9]* (minute|minutes|hour|hours|day|days)$", m)) ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e} is not valid (use rate(<positive number> minute|minutes|hour|hours|day|days), e.g. rate(6 hours))."] : split(" ", m)[0] == "1" && endswith(m, "s") ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e}: use the singular unit for 1, e.g. rate(1 ${trimsuffix(split(" ", m)[1], "s")})."] : split(" ", m)[0] != "1" && !endswith(m, "s") ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e}: use the plural unit for values above 1, e.g. rate(${split(" ", m)[0]} ${split(" ", m)[1]}s)."] : []]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for ts in [try(regex("^at\\((.*)\\)$", e)[0], null)] : ts == null ? [] : !can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", ts)) || !can(timeadd("${ts}Z", "0s")) ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e} is not valid (use at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T09:00:00))."] : var.schedule_backend != "scheduler" ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: one-time at() schedules need schedule_backend = \"scheduler\" (EventBridge rules only take cron and rate)."] : []]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for ts in [try(regex("^at\\((.*)\\)$", e)[0], null)] : ts == null ? [] : !can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", ts)) || !can(timeadd("${ts}Z", "0s")) ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${e} is not valid (use at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T09:00:00))."] : var.schedule_backend != "scheduler" ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: one-time at() schedules need schedule_backend = \"scheduler\" (EventBridge rules only take cron and rate)."] : []]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.timezone == null ? [] : var.schedule_backend != "scheduler" ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: timezone is only supported with schedule_backend = \"scheduler\"; EventBridge rules run in UTC (remove timezone and write the expression in UTC)."] : can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", coalesce(s.timezone, "-"))) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: timezone \"${coalesce(s.timezone, "-")}\" is not an IANA time zone name (e.g. \"Europe/Berlin\", \"UTC\")."]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.timezone == null ? [] : var.schedule_backend != "scheduler" ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: timezone is only supported with schedule_backend = \"scheduler\"; EventBridge rules run in UTC (remove timezone and write the expression in UTC)."] : can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", coalesce(s.timezone, "-"))) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: timezone \"${coalesce(s.timezone, "-")}\" is not an IANA time zone name (e.g. \"Europe/Berlin\", \"UTC\")."]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.flexible_window_minutes == null ? [] : var.schedule_backend != "scheduler" ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: flexible_window_minutes is only supported with schedule_backend = \"scheduler\"."] : coalesce(s.flexible_window_minutes, 0) >= 1 && coalesce(s.flexible_window_minutes, 0) <= 1440 && floor(coalesce(s.flexible_window_minutes, 0)) == coalesce(s.flexible_window_minutes, 0) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: flexible_window_minutes ${coalesce(s.flexible_window_minutes, 0)} is out of range (use 1 to 1440, or leave it unset for the exact time)."]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.flexible_window_minutes == null ? [] : var.schedule_backend != "scheduler" ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: flexible_window_minutes is only supported with schedule_backend = \"scheduler\"."] : coalesce(s.flexible_window_minutes, 0) >= 1 && coalesce(s.flexible_window_minutes, 0) <= 1440 && floor(coalesce(s.flexible_window_minutes, 0)) == coalesce(s.flexible_window_minutes, 0) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: flexible_window_minutes ${coalesce(s.flexible_window_minutes, 0)} is out of range (use 1 to 1440, or leave it unset for the exact time)."]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : flatten([for field, value in { start_date = s.start_date, end_date = s.end_date } : value == null ? [] : var.schedule_backend != "scheduler" ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${field} is only supported with schedule_backend = \"scheduler\"."] : can(timeadd(coalesce(value, "-"), "0s")) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${field} \"${coalesce(value, "-")}\" is not an RFC 3339 timestamp (e.g. \"2030-01-01T00:00:00Z\")."]])]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : flatten([for field, value in { start_date = s.start_date, end_date = s.end_date } : value == null ? [] : var.schedule_backend != "scheduler" ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${field} is only supported with schedule_backend = \"scheduler\"."] : can(timeadd(coalesce(value, "-"), "0s")) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: ${field} \"${coalesce(value, "-")}\" is not an RFC 3339 timestamp (e.g. \"2030-01-01T00:00:00Z\")."]])]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.start_date != null && s.end_date != null && can(timecmp(coalesce(s.start_date, "-"), coalesce(s.end_date, "-"))) && try(timecmp(coalesce(s.start_date, "-"), coalesce(s.end_date, "-")) >= 0, false) ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: start_date must be before end_date."] : []]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.start_date != null && s.end_date != null && can(timecmp(coalesce(s.start_date, "-"), coalesce(s.end_date, "-"))) && try(timecmp(coalesce(s.start_date, "-"), coalesce(s.end_date, "-")) >= 0, false) ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: start_date must be before end_date."] : []]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : var.schedule_backend == "rules" && lookup(local.queue_fair_share, try(coalesce(v.queue, local.default_queue_key), ""), false) ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" uses fair-share scheduling, which needs a share identifier that EventBridge rule targets cannot send; use schedule_backend = \"scheduler\" or a queue without fair_share."] : []]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : var.schedule_backend == "rules" && lookup(local.queue_fair_share, try(coalesce(v.queue, local.default_queue_key), ""), false) ? ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" uses fair-share scheduling, which needs a share identifier that EventBridge rule targets cannot send; use schedule_backend = \"scheduler\" or a queue without fair_share."] : []]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.expected_interval_minutes == null || try(s.expected_interval_minutes >= 1, false) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: expected_interval_minutes must be at least 1."]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.expected_interval_minutes == null || try(s.expected_interval_minutes >= 1, false) ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: expected_interval_minutes must be at least 1."]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.command == null || length(coalesce(s.command, ["x"])) > 0 ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: command is empty; leave it unset to keep the job's command."]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : s.command == null || length(coalesce(s.command, ["x"])) > 0 ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: command is empty; leave it unset to keep the job's command."]]]]))
  }

  validation {
    condition     = length(flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for n in ["${var.name}-${k}-${sk}"] : length("${n}-sched") <= 64 ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: the schedule name \"${n}\" and its IAM role name \"${n}-sched\" (${length("${n}-sched")} characters) exceed AWS's 64 characters; shorten the schedule key, the job key or var.name."]]]]])) == 0
    error_message = join("\n", flatten([for k, v in var.jobs : [for sk, s in v.schedules : [for e in [trimspace(s.expression)] : [for n in ["${var.name}-${k}-${sk}"] : length("${n}-sched") <= 64 ? [] : ["jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]: the schedule name \"${n}\" and its IAM role name \"${n}-sched\" (${length("${n}-sched")} characters) exceed AWS's 64 characters; shorten the schedule key, the job key or var.name."]]]]]))
  }
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
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.monitoring.history_retention_days)
    error_message = "monitoring.history_retention_days: ${var.monitoring.history_retention_days} is not a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
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

  # Keys become resource names (state machine, role, schedules) and state names.
  validation {
    condition     = length([for p in keys(var.pipelines) : p if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", p))]) == 0
    error_message = join("\n", [for p in keys(var.pipelines) : "pipelines[${jsonencode(p)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", p))])
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for s in keys(pl.steps) : s if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$", s))]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for s in keys(pl.steps) : "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: step keys may contain only letters, digits, \"-\" and \"_\", must start with a letter or digit and have at most 80 characters (they name the state machine's states and the Batch jobs)." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$", s))]]))
  }

  # Size: at least one step; at most 64 (the dependency analysis covers paths of up to 64 steps).
  validation {
    condition     = length([for p, pl in var.pipelines : p if length(pl.steps) == 0 || length(pl.steps) > 64]) == 0
    error_message = join("\n", [for p, pl in var.pipelines : length(pl.steps) == 0 ? "pipelines[${jsonencode(p)}]: steps is empty; a pipeline needs at least one step, e.g. steps = { report = { job = \"sales_report\" } }." : "pipelines[${jsonencode(p)}]: ${length(pl.steps)} steps; a pipeline may have at most 64 (split it into several pipelines)." if length(pl.steps) == 0 || length(pl.steps) > 64])
  }

  # References: jobs exist, `after` names steps of the same pipeline, never the step itself.
  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for s, st in pl.steps : s if !contains(keys(var.jobs), st.job)]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for s, st in pl.steps : "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: job \"${st.job}\" is not defined in jobs (jobs has: ${join(", ", sort(keys(var.jobs)))})." if !contains(keys(var.jobs), st.job)]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for s, st in pl.steps : [for a in st.after : a if !contains(keys(pl.steps), a)]]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for s, st in pl.steps : [for a in distinct(st.after) : "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: after refers to \"${a}\", which is not a step of this pipeline (steps: ${join(", ", sort(keys(pl.steps)))})." if !contains(keys(pl.steps), a)]]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for s, st in pl.steps : s if contains(st.after, s)]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for s, st in pl.steps : "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: after lists the step itself; a step cannot run after itself." if contains(st.after, s)]]))
  }

  # Cycles. Terraform has no recursion: "runs after, directly or not" is built by doubling the
  # path length six times (paths of up to 64 steps, the most a pipeline may have); a step that
  # runs after itself that way is on a cycle. (Self-references and unknown steps are reported
  # above and left out here.)
  validation {
    condition = length(flatten([
      for p, pl in var.pipelines : [
        for r1 in [{ for s, st in pl.steps : s => { for a in st.after : a => true if a != s && contains(keys(pl.steps), a) } }] : [
          for r2 in [{ for s, m in r1 : s => merge(m, [for q in keys(m) : r1[q]]...) }] : [
            for r4 in [{ for s, m in r2 : s => merge(m, [for q in keys(m) : r2[q]]...) }] : [
              for r8 in [{ for s, m in r4 : s => merge(m, [for q in keys(m) : r4[q]]...) }] : [
                for r16 in [{ for s, m in r8 : s => merge(m, [for q in keys(m) : r8[q]]...) }] : [
                  for r32 in [{ for s, m in r16 : s => merge(m, [for q in keys(m) : r16[q]]...) }] : [
                    for r64 in [{ for s, m in r32 : s => merge(m, [for q in keys(m) : r32[q]]...) }] : [
                      for s, m in r64 : s if lookup(m, s, false)
                    ]
                  ]
                ]
              ]
            ]
          ]
        ]
      ]
    ])) == 0
    error_message = join("\n", flatten([
      for p, pl in var.pipelines : [
        for r1 in [{ for s, st in pl.steps : s => { for a in st.after : a => true if a != s && contains(keys(pl.steps), a) } }] : [
          for r2 in [{ for s, m in r1 : s => merge(m, [for q in keys(m) : r1[q]]...) }] : [
            for r4 in [{ for s, m in r2 : s => merge(m, [for q in keys(m) : r2[q]]...) }] : [
              for r8 in [{ for s, m in r4 : s => merge(m, [for q in keys(m) : r4[q]]...) }] : [
                for r16 in [{ for s, m in r8 : s => merge(m, [for q in keys(m) : r8[q]]...) }] : [
                  for r32 in [{ for s, m in r16 : s => merge(m, [for q in keys(m) : r16[q]]...) }] : [
                    for r64 in [{ for s, m in r32 : s => merge(m, [for q in keys(m) : r32[q]]...) }] : [
                      for cycle in [sort([for s, m in r64 : s if lookup(m, s, false)])] :
                      "pipelines[${jsonencode(p)}]: steps ${join(", ", [for s in cycle : jsonencode(s)])} run after each other in a cycle, so none of them could ever start; remove an `after` entry that closes the loop." if length(cycle) > 0
                    ]
                  ]
                ]
              ]
            ]
          ]
        ]
      ]
    ]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for s, st in pl.steps : s if st.command != null && length(coalesce(st.command, ["x"])) == 0]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for s, st in pl.steps : "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: command is empty; leave it unset to keep the job's command." if st.command != null && length(coalesce(st.command, ["x"])) == 0]]))
  }

  # Limits: Step Functions runs a standard execution for at most one year; names.
  validation {
    condition     = length([for p, pl in var.pipelines : p if pl.timeout_seconds != null && !try(pl.timeout_seconds >= 60 && pl.timeout_seconds <= 31536000 && floor(pl.timeout_seconds) == pl.timeout_seconds, false)]) == 0
    error_message = join("\n", [for p, pl in var.pipelines : "pipelines[${jsonencode(p)}]: timeout_seconds ${coalesce(pl.timeout_seconds, 0)} is out of range (use a whole number of seconds from 60 to 31536000, the one-year limit of a Step Functions execution, or leave it unset)." if pl.timeout_seconds != null && !try(pl.timeout_seconds >= 60 && pl.timeout_seconds <= 31536000 && floor(pl.timeout_seconds) == pl.timeout_seconds, false)])
  }

  validation {
    condition     = length([for p, pl in var.pipelines : p if !contains(["ALL", "ERROR", "FATAL", "OFF"], pl.log_level)]) == 0
    error_message = join("\n", [for p, pl in var.pipelines : "pipelines[${jsonencode(p)}]: log_level \"${pl.log_level}\" is not valid (use ALL, ERROR, FATAL or OFF)." if !contains(["ALL", "ERROR", "FATAL", "OFF"], pl.log_level)])
  }

  validation {
    condition     = length([for p, pl in var.pipelines : p if !contains(local.log_retention_days, pl.log_retention_days)]) == 0
    error_message = join("\n", [for p, pl in var.pipelines : "pipelines[${jsonencode(p)}]: log_retention_days ${pl.log_retention_days} is not a CloudWatch Logs retention (use one of ${join(", ", local.log_retention_days)})." if !contains(local.log_retention_days, pl.log_retention_days)])
  }

  validation {
    condition     = length([for p in keys(var.pipelines) : p if length("${var.name}-${p}-sfn") > 64]) == 0
    error_message = join("\n", [for p in keys(var.pipelines) : "pipelines[${jsonencode(p)}]: the state machine's IAM role name \"${var.name}-${p}-sfn\" (${length("${var.name}-${p}-sfn")} characters) exceeds AWS's 64 characters; shorten the pipeline key or var.name." if length("${var.name}-${p}-sfn") > 64])
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for s in keys(pl.steps) : s if length("${var.name}-${p}-${s}") > 128]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for s in keys(pl.steps) : "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: the Batch job name \"${var.name}-${p}-${s}\" (${length("${var.name}-${p}-${s}")} characters) exceeds Batch's 128 characters; shorten the step key, the pipeline key or var.name." if length("${var.name}-${p}-${s}") > 128]]))
  }

  # Schedules: the rules of job schedules (see var.jobs), plus what differs for a pipeline.
  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if s.command != null]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: command cannot be set on a pipeline schedule (a pipeline runs several jobs); set steps[...].command instead." if s.command != null]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", sk))]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)." if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", sk))]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if length("${var.name}-${p}-${sk}-sched") > 64]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: the schedule name \"${var.name}-${p}-${sk}\" and its IAM role name \"${var.name}-${p}-${sk}-sched\" (${length("${var.name}-${p}-${sk}-sched")} characters) exceed AWS's 64 characters; shorten the schedule key, the pipeline key or var.name." if length("${var.name}-${p}-${sk}-sched") > 64]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if contains(flatten([for k, j in var.jobs : [for jsk in keys(j.schedules) : "${var.name}-${k}-${jsk}"]]), "${var.name}-${p}-${sk}")]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: its name \"${var.name}-${p}-${sk}\" is also the name of a job schedule (jobs[...].schedules[...] are named \"<name>-<job>-<schedule>\"); rename the pipeline's schedule." if contains(flatten([for k, j in var.jobs : [for jsk in keys(j.schedules) : "${var.name}-${k}-${jsk}"]]), "${var.name}-${p}-${sk}")]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if !can(regex("^(cron|rate|at)\\(.*\\)$", trimspace(s.expression)))]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: expression \"${trimspace(s.expression)}\" is not valid (use cron(...), rate(...) or at(...), e.g. \"cron(0 3 ? * SUN *)\")." if !can(regex("^(cron|rate|at)\\(.*\\)$", trimspace(s.expression)))]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), null)] : e if f != null && (length(coalesce(f, [])) != 6 || (try(f[2], "") == "?") == (try(f[4], "") == "?"))]]]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), null)] : length(coalesce(f, [])) != 6 ? "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${e} has ${length(coalesce(f, []))} fields; AWS cron takes 6 (minutes hours day-of-month month day-of-week year), e.g. cron(0 3 ? * SUN *)." : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${e}: exactly one of day-of-month and day-of-week must be \"?\" (e.g. cron(0 3 * * ? *) or cron(0 3 ? * SUN *))." if f != null && (length(coalesce(f, [])) != 6 || (try(f[2], "") == "?") == (try(f[4], "") == "?"))]]]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), [])] : length(f) != 6 ? [] : [for i, spec in local.cron_fields : i if !can(regex(spec.pattern, f[i])) || anytrue([for n in regexall("[0-9]+", f[i]) : tonumber(n) > spec.max])]]]]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for e in [trimspace(s.expression)] : [for f in [try(regexall("\\S+", regex("^cron\\((.*)\\)$", e)[0]), [])] : length(f) != 6 ? [] : [for i, spec in local.cron_fields : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${e}: ${spec.name} \"${f[i]}\" is not valid (${spec.hint})." if !can(regex(spec.pattern, f[i])) || anytrue([for n in regexall("[0-9]+", f[i]) : tonumber(n) > spec.max])]]]]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for e in [trimspace(s.expression)] : [for m in [try(regex("^rate\\((.*)\\)$", e)[0], null)] : e if m != null && try(!can(regex("^[1-9][0-9]* (minute|minutes|hour|hours|day|days)$", m)) || (split(" ", m)[0] == "1") == endswith(m, "s"), true)]]]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for e in [trimspace(s.expression)] : [for m in [try(regex("^rate\\((.*)\\)$", e)[0], null)] : !can(regex("^[1-9][0-9]* (minute|minutes|hour|hours|day|days)$", m)) ? "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${e} is not valid (use rate(<positive number> minute|minutes|hour|hours|day|days), e.g. rate(6 hours))." : split(" ", m)[0] == "1" ? "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${e}: use the singular unit for 1, e.g. rate(1 ${trimsuffix(split(" ", m)[1], "s")})." : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${e}: use the plural unit for values above 1, e.g. rate(${split(" ", m)[0]} ${split(" ", m)[1]}s)." if m != null && try(!can(regex("^[1-9][0-9]* (minute|minutes|hour|hours|day|days)$", m)) || (split(" ", m)[0] == "1") == endswith(m, "s"), true)]]]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for e in [trimspace(s.expression)] : [for ts in [try(regex("^at\\((.*)\\)$", e)[0], null)] : e if ts != null && (!can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", ts)) || !can(timeadd("${ts}Z", "0s")) || var.schedule_backend != "scheduler")]]]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for e in [trimspace(s.expression)] : [for ts in [try(regex("^at\\((.*)\\)$", e)[0], null)] : !can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", ts)) || !can(timeadd("${ts}Z", "0s")) ? "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${e} is not valid (use at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T09:00:00))." : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: one-time at() schedules need schedule_backend = \"scheduler\" (EventBridge rules only take cron and rate)." if ts != null && (!can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", ts)) || !can(timeadd("${ts}Z", "0s")) || var.schedule_backend != "scheduler")]]]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if s.timezone != null && (var.schedule_backend != "scheduler" || !can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", coalesce(s.timezone, "-"))))]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : var.schedule_backend != "scheduler" ? "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: timezone is only supported with schedule_backend = \"scheduler\"; EventBridge rules run in UTC (remove timezone and write the expression in UTC)." : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: timezone \"${coalesce(s.timezone, "-")}\" is not an IANA time zone name (e.g. \"Europe/Berlin\", \"UTC\")." if s.timezone != null && (var.schedule_backend != "scheduler" || !can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", coalesce(s.timezone, "-"))))]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if s.flexible_window_minutes != null && (var.schedule_backend != "scheduler" || !try(s.flexible_window_minutes >= 1 && s.flexible_window_minutes <= 1440 && floor(s.flexible_window_minutes) == s.flexible_window_minutes, false))]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : var.schedule_backend != "scheduler" ? "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: flexible_window_minutes is only supported with schedule_backend = \"scheduler\"." : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: flexible_window_minutes ${coalesce(s.flexible_window_minutes, 0)} is out of range (use 1 to 1440, or leave it unset for the exact time)." if s.flexible_window_minutes != null && (var.schedule_backend != "scheduler" || !try(s.flexible_window_minutes >= 1 && s.flexible_window_minutes <= 1440 && floor(s.flexible_window_minutes) == s.flexible_window_minutes, false))]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for field, value in { start_date = s.start_date, end_date = s.end_date } : field if value != null && (var.schedule_backend != "scheduler" || !can(timeadd(coalesce(value, "-"), "0s")))]]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : [for field, value in { start_date = s.start_date, end_date = s.end_date } : var.schedule_backend != "scheduler" ? "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${field} is only supported with schedule_backend = \"scheduler\"." : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: ${field} \"${coalesce(value, "-")}\" is not an RFC 3339 timestamp (e.g. \"2030-01-01T00:00:00Z\")." if value != null && (var.schedule_backend != "scheduler" || !can(timeadd(coalesce(value, "-"), "0s")))]]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if s.start_date != null && s.end_date != null && try(timecmp(coalesce(s.start_date, "-"), coalesce(s.end_date, "-")) >= 0, false)]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: start_date must be before end_date." if s.start_date != null && s.end_date != null && try(timecmp(coalesce(s.start_date, "-"), coalesce(s.end_date, "-")) >= 0, false)]]))
  }

  validation {
    condition     = length(flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : sk if s.expected_interval_minutes != null && !try(s.expected_interval_minutes >= 1, false)]])) == 0
    error_message = join("\n", flatten([for p, pl in var.pipelines : [for sk, s in pl.schedules : "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]: expected_interval_minutes must be at least 1." if s.expected_interval_minutes != null && !try(s.expected_interval_minutes >= 1, false)]]))
  }
}
