################################################################################
# Input validation of the collections (compute environments, queues, jobs, pipelines and their
# schedules): every rule written once, as a named list of messages, one line per offending key;
# the output at the end fails the plan with the lists that are not empty. Only input variables
# and the pure locals of locals.tf are read, so bad input fails at plan time. Every rule loops
# over its input once: none compares every job with every other job, so plan time stays linear
# in the number of jobs. Rules of a single value stay as `validation` blocks in variables.tf.
################################################################################

################################################################################
# Compute environments (var.compute_environments)
################################################################################

locals {
  compute_environment_key_errors = [
    for k in keys(var.compute_environments) :
    "compute_environments[${jsonencode(k)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)."
    if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))
  ]
  compute_environment_type_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: type \"${v.type}\" is not valid (use FARGATE, FARGATE_SPOT, EC2 or SPOT)."
    if !contains(["FARGATE", "FARGATE_SPOT", "EC2", "SPOT"], v.type)
  ]

  # EC2-only settings on a Fargate environment are errors, not silently dropped.
  compute_environment_ec2_only_errors = flatten([
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
  ])
  compute_environment_vcpu_errors = flatten([
    for k, v in var.compute_environments : concat(
      v.max_vcpus >= 1 && floor(v.max_vcpus) == v.max_vcpus ? [] : [
        "compute_environments[${jsonencode(k)}]: max_vcpus ${v.max_vcpus} is not valid (use a whole number, at least 1)."
      ],
      v.min_vcpus == null ? [] : v.min_vcpus >= 0 && v.min_vcpus <= v.max_vcpus ? [] : [
        "compute_environments[${jsonencode(k)}]: min_vcpus ${v.min_vcpus} must be between 0 and max_vcpus (${v.max_vcpus})."
      ],
      v.desired_vcpus == null ? [] : v.desired_vcpus >= coalesce(v.min_vcpus, 0) && v.desired_vcpus <= v.max_vcpus ? [] : [
        "compute_environments[${jsonencode(k)}]: desired_vcpus ${v.desired_vcpus} must be between min_vcpus (${coalesce(v.min_vcpus, 0)}) and max_vcpus (${v.max_vcpus})."
      ],
    )
  ])
  compute_environment_allocation_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: allocation_strategy \"${coalesce(v.allocation_strategy, "-")}\" is not valid for ${v.type} (use ${v.type == "SPOT" ? "SPOT_PRICE_CAPACITY_OPTIMIZED, SPOT_CAPACITY_OPTIMIZED, BEST_FIT_PROGRESSIVE or BEST_FIT" : "BEST_FIT_PROGRESSIVE or BEST_FIT"})."
    if contains(["EC2", "SPOT"], v.type) && v.allocation_strategy != null && !contains(
      v.type == "SPOT" ? ["SPOT_PRICE_CAPACITY_OPTIMIZED", "SPOT_CAPACITY_OPTIMIZED", "BEST_FIT_PROGRESSIVE", "BEST_FIT"] : ["BEST_FIT_PROGRESSIVE", "BEST_FIT"],
      coalesce(v.allocation_strategy, "-"),
    )
  ]
  compute_environment_bid_errors = [
    for k, v in var.compute_environments :
    v.type == "SPOT" ? "compute_environments[${jsonencode(k)}]: bid_percentage ${coalesce(v.bid_percentage, 0)} is out of range (use 1 to 100, a percentage of the On-Demand price)." : "compute_environments[${jsonencode(k)}]: bid_percentage is only valid for SPOT compute environments (remove it, or use type = \"SPOT\")."
    if contains(["EC2", "SPOT"], v.type) && v.bid_percentage != null && !(v.type == "SPOT" && coalesce(v.bid_percentage, 0) >= 1 && coalesce(v.bid_percentage, 0) <= 100)
  ]
  compute_environment_fleet_role_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: SPOT with allocation_strategy BEST_FIT needs spot_iam_fleet_role (or use SPOT_PRICE_CAPACITY_OPTIMIZED, which needs none and allows in-place updates)."
    if v.type == "SPOT" && v.allocation_strategy == "BEST_FIT" && v.spot_iam_fleet_role == null
  ]
  compute_environment_architecture_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: architecture \"${coalesce(v.architecture, "-")}\" is not valid (use X86_64 or ARM64)."
    if !contains(["X86_64", "ARM64"], coalesce(v.architecture, "X86_64"))
  ]
  compute_environment_instance_type_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: instance_types is empty; list instance types or families, or leave it unset for Batch's default selection."
    if v.instance_types != null && length(coalesce(v.instance_types, ["x"])) == 0
  ]
  compute_environment_launch_template_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: launch_template needs id or name."
    if v.launch_template != null && !try(v.launch_template.id != null || v.launch_template.name != null, false)
  ]
  compute_environment_update_policy_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: update_policy.job_execution_timeout_minutes must be between 1 and 360."
    if v.update_policy != null && !try(v.update_policy.job_execution_timeout_minutes >= 1 && v.update_policy.job_execution_timeout_minutes <= 360, false)
  ]
  compute_environment_state_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: state \"${v.state}\" is not valid (use ENABLED or DISABLED)."
    if !contains(["ENABLED", "DISABLED"], v.state)
  ]

  # The name prefix gets a 26-character unique suffix; Batch names are at most 128 characters.
  compute_environment_name_errors = [
    for k, v in var.compute_environments :
    "compute_environments[${jsonencode(k)}]: the name \"${var.name}-${k}-<26 characters>\" exceeds Batch's 128 characters; shorten the key or var.name."
    if length("${var.name}-${k}-") + 26 > 128
  ]
}

################################################################################
# Job queues (var.job_queues)
################################################################################

locals {
  job_queue_key_errors = [
    for k in keys(var.job_queues) :
    "job_queues[${jsonencode(k)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)."
    if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))
  ]
  job_queue_priority_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: priority ${v.priority} is out of range (use a whole number from 0 to 1000; higher runs first)."
    if !(v.priority >= 0 && v.priority <= 1000 && floor(v.priority) == v.priority)
  ]
  job_queue_size_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: lists ${length(v.compute_environments)} compute environments; a queue takes 1 to 3 (in order of preference)."
    if !(length(v.compute_environments) >= 1 && length(v.compute_environments) <= 3)
  ]
  job_queue_reference_errors = flatten([
    for k, v in var.job_queues : [
      for ce in v.compute_environments :
      "job_queues[${jsonencode(k)}]: compute environment \"${ce}\" does not exist (compute_environments has: ${join(", ", sort(keys(var.compute_environments)))})."
      if !contains(keys(var.compute_environments), ce)
    ]
  ])
  job_queue_duplicate_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: lists a compute environment more than once (${join(", ", v.compute_environments)})."
    if length(distinct(v.compute_environments)) != length(v.compute_environments)
  ]

  # A queue cannot mix Fargate and EC2 environments.
  job_queue_platform_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: compute environments must be all Fargate (FARGATE, FARGATE_SPOT) or all EC2 (EC2, SPOT); got ${join(", ", [for ce in v.compute_environments : "${ce} (${var.compute_environments[ce].type})" if contains(keys(var.compute_environments), ce)])}. Use separate queues."
    if length(distinct([
      for ce in v.compute_environments : contains(["FARGATE", "FARGATE_SPOT"], try(var.compute_environments[ce].type, "")) if contains(keys(var.compute_environments), ce)
    ])) > 1
  ]
  job_queue_architecture_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: compute environments must share one architecture; got ${join(", ", [for ce in v.compute_environments : "${ce} (${coalesce(var.compute_environments[ce].architecture, "X86_64")})" if contains(keys(var.compute_environments), ce)])}. Use separate queues."
    if length(distinct([
      for ce in v.compute_environments : coalesce(var.compute_environments[ce].architecture, "X86_64")
      if contains(keys(var.compute_environments), ce) && contains(["EC2", "SPOT"], try(var.compute_environments[ce].type, ""))
    ])) > 1
  ]
  job_queue_cancel_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: cancel_runnable_after_seconds ${coalesce(v.cancel_runnable_after_seconds, 0)} is out of range (use 600 to 86400)."
    if v.cancel_runnable_after_seconds != null && !(coalesce(v.cancel_runnable_after_seconds, 0) >= 600 && coalesce(v.cancel_runnable_after_seconds, 0) <= 86400)
  ]
  job_queue_state_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: state \"${v.state}\" is not valid (use ENABLED or DISABLED)."
    if !contains(["ENABLED", "DISABLED"], v.state)
  ]
  job_queue_fair_share_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: fair_share is not valid (share_decay_seconds 0-604800, compute_reservation 0-99, shares: identifiers of up to 255 letters and digits, optionally ending in *, with weights 0.0001-999.9999)."
    if v.fair_share != null && !try(
      v.fair_share.share_decay_seconds >= 0 && v.fair_share.share_decay_seconds <= 604800
      && v.fair_share.compute_reservation >= 0 && v.fair_share.compute_reservation <= 99
      && alltrue([for id, w in v.fair_share.shares : can(regex("^[A-Za-z0-9]{1,255}$|^[A-Za-z0-9]{0,254}\\*$", id)) && w >= 0.0001 && w <= 999.9999]),
      false,
    )
  ]
  job_queue_name_errors = [
    for k, v in var.job_queues :
    "job_queues[${jsonencode(k)}]: the queue name \"${var.name}-${k}\" exceeds Batch's 128 characters; shorten the key or var.name."
    if length("${var.name}-${k}") > 128
  ]
}

################################################################################
# Jobs (var.jobs)
################################################################################

locals {
  job_key_errors = [
    for k in keys(var.jobs) :
    "jobs[${jsonencode(k)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)."
    if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", k))
  ]
  job_image_errors = flatten([
    for k, v in var.jobs :
    trimspace(v.image) == "" ? ["jobs[${jsonencode(k)}]: image is empty (e.g. \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/tool:1.0\")."] : []
  ])

  # References: every job names an existing queue (or there is a "default" one).
  job_queue_missing_errors = flatten([
    for k, v in var.jobs :
    v.queue != null && !contains(keys(local.job_queues), coalesce(v.queue, "-")) ? [
      "jobs[${jsonencode(k)}]: queue \"${coalesce(v.queue, "-")}\" does not exist (job_queues has: ${join(", ", sort(keys(local.job_queues)))}); set queue to one of them or declare it in job_queues."
    ] : []
  ])
  job_queue_unset_errors = flatten([
    for k, v in var.jobs :
    v.queue == null && v.queue_arn == null && local.default_queue_key == null ? [
      "jobs[${jsonencode(k)}]: queue is not set and job_queues has no \"default\" queue; set queue to one of: ${join(", ", sort(keys(local.job_queues)))}."
    ] : []
  ])

  # The platform a job runs on: its queue's compute environment family, or what it declares for
  # an existing queue (jobs.<job>.platform).
  job_platform = {
    for k, v in var.jobs : k => v.queue_arn != null ? coalesce(v.platform, "FARGATE") : lookup(
      local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null
    )
  }

  # Fargate vCPU/memory combinations (queue -> compute environment family decides the platform).
  job_fargate_vcpu_errors = flatten([
    for k, v in var.jobs : [
      for fam in [local.job_platform[k]] :
      fam == "FARGATE" && !contains(keys(local.fargate_memory), tostring(v.vcpu)) ? [
        "jobs[${jsonencode(k)}]: vcpu ${v.vcpu} is not valid on Fargate (use 0.25, 0.5, 1, 2, 4, 8 or 16)."
      ] : []
    ]
  ])
  job_fargate_memory_errors = flatten([
    for k, v in var.jobs : [
      for fam in [local.job_platform[k]] :
      fam == "FARGATE" && contains(keys(local.fargate_memory), tostring(v.vcpu)) && !contains(lookup(local.fargate_memory, tostring(v.vcpu), []), v.memory) ? [
        "jobs[${jsonencode(k)}]: memory ${v.memory} is not valid for ${v.vcpu} vCPU on Fargate (use ${lookup(local.fargate_memory_hint, tostring(v.vcpu), "-")})."
      ] : []
    ]
  ])

  # EC2: whole vCPUs, memory in MiB, GPUs; Fargate: no GPUs, ephemeral storage 21-200 GiB.
  job_ec2_vcpu_errors = flatten([
    for k, v in var.jobs : [
      for fam in [local.job_platform[k]] :
      fam == "EC2" && (v.vcpu < 1 || floor(v.vcpu) != v.vcpu) ? [
        "jobs[${jsonencode(k)}]: vcpu ${v.vcpu} is not valid on EC2 compute environments (use a whole number of vCPUs, at least 1)."
      ] : []
    ]
  ])
  job_ec2_memory_errors = flatten([
    for k, v in var.jobs : [
      for fam in [local.job_platform[k]] :
      fam == "EC2" && (v.memory < 4 || floor(v.memory) != v.memory) ? [
        "jobs[${jsonencode(k)}]: memory ${v.memory} is not valid (use a whole number of MiB, at least 4)."
      ] : []
    ]
  ])
  job_gpu_errors = flatten([
    for k, v in var.jobs : [
      for fam in [local.job_platform[k]] :
      v.gpu == null ? [] : fam == "FARGATE" ? ["jobs[${jsonencode(k)}]: gpu is only available on EC2 compute environments and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" is Fargate (use an EC2/SPOT queue or remove gpu)."] : coalesce(v.gpu, 1) < 1 || floor(coalesce(v.gpu, 1)) != coalesce(v.gpu, 1) ? [
        "jobs[${jsonencode(k)}]: gpu ${coalesce(v.gpu, 0)} is not valid (use a whole number, at least 1)."
      ] : []
    ]
  ])
  job_ephemeral_storage_errors = flatten([
    for k, v in var.jobs : [
      for fam in [local.job_platform[k]] :
      v.ephemeral_storage_gib == null ? [] : fam == "EC2" ? ["jobs[${jsonencode(k)}]: ephemeral_storage_gib is only valid on Fargate (queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" is EC2; size the instance volume with a launch template instead)."] : coalesce(v.ephemeral_storage_gib, 0) < 21 || coalesce(v.ephemeral_storage_gib, 0) > 200 ? [
        "jobs[${jsonencode(k)}]: ephemeral_storage_gib ${coalesce(v.ephemeral_storage_gib, 0)} is out of range (Fargate allows 21 to 200 GiB)."
      ] : []
    ]
  ])

  # Architecture: one per queue; Fargate Spot has no ARM64 capacity.
  job_architecture_errors = flatten([
    for k, v in var.jobs :
    v.architecture == null || contains(["X86_64", "ARM64"], coalesce(v.architecture, "X86_64")) ? [] : [
      "jobs[${jsonencode(k)}]: architecture \"${coalesce(v.architecture, "-")}\" is not valid (use X86_64 or ARM64)."
    ]
  ])
  job_fargate_spot_arm_errors = flatten([
    for k, v in var.jobs : [
      for fam in [local.job_platform[k]] :
      fam == "FARGATE" && v.architecture == "ARM64" && contains(lookup(local.queue_types, try(coalesce(v.queue, local.default_queue_key), ""), []), "FARGATE_SPOT") ? [
        "jobs[${jsonencode(k)}]: architecture ARM64 cannot run on Fargate Spot and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" includes a FARGATE_SPOT compute environment (use a FARGATE-only queue, or X86_64)."
      ] : []
    ]
  ])
  job_architecture_mismatch_errors = flatten([
    for k, v in var.jobs : [
      for fam in [local.job_platform[k]] :
      fam == "EC2" && v.architecture != null && lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null) != null && v.architecture != lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null) ? [
        "jobs[${jsonencode(k)}]: architecture ${coalesce(v.architecture, "-")} does not match the ${coalesce(lookup(local.queue_architecture, try(coalesce(v.queue, local.default_queue_key), ""), null), "-")} compute environments of queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" (use a queue with matching instances)."
      ] : []
    ]
  ])

  # Timeout >= 60 s; retry attempts 1-10; at most 5 ordered evaluate-on-exit rules.
  job_timeout_errors = flatten([
    for k, v in var.jobs :
    v.timeout_seconds >= 60 && floor(v.timeout_seconds) == v.timeout_seconds ? [] : [
      "jobs[${jsonencode(k)}]: timeout_seconds ${v.timeout_seconds} is not valid (Batch requires a whole number of seconds, at least 60)."
    ]
  ])
  job_retry_attempts_errors = flatten([
    for k, v in var.jobs :
    v.retry.attempts >= 1 && v.retry.attempts <= 10 && floor(v.retry.attempts) == v.retry.attempts ? [] : [
      "jobs[${jsonencode(k)}]: retry.attempts ${v.retry.attempts} is out of range (use 1 to 10)."
    ]
  ])
  job_retry_rule_count_errors = flatten([
    for k, v in var.jobs :
    v.retry.rules == null ? [] : length(coalesce(v.retry.rules, [])) >= 1 && length(coalesce(v.retry.rules, [])) <= 5 ? [] : [
      "jobs[${jsonencode(k)}]: retry.rules has ${length(coalesce(v.retry.rules, []))} rules; Batch evaluates 1 to 5 (omit rules for the defaults: retry infrastructure and Spot losses, exit otherwise)."
    ]
  ])
  job_retry_action_errors = flatten([
    for k, v in var.jobs : [
      for i, r in coalesce(v.retry.rules, []) :
      "jobs[${jsonencode(k)}]: retry.rules[${i}].action \"${r.action}\" is not valid (use RETRY or EXIT)."
      if !contains(["RETRY", "EXIT"], upper(r.action))
    ]
  ])
  job_retry_condition_errors = flatten([
    for k, v in var.jobs : [
      for i, r in coalesce(v.retry.rules, []) :
      "jobs[${jsonencode(k)}]: retry.rules[${i}] has no condition (set on_status_reason, on_reason or on_exit_code; on_reason = \"*\" matches everything)."
      if r.on_status_reason == null && r.on_reason == null && r.on_exit_code == null
    ]
  ])
  job_retry_exit_code_errors = flatten([
    for k, v in var.jobs : [
      for i, r in coalesce(v.retry.rules, []) :
      "jobs[${jsonencode(k)}]: retry.rules[${i}].on_exit_code \"${coalesce(r.on_exit_code, "-")}\" is not valid (digits, optionally ending in *, e.g. \"75\" or \"1*\")."
      if r.on_exit_code != null && !can(regex("^[0-9]{1,511}\\*?$|^\\*$", coalesce(r.on_exit_code, "-")))
    ]
  ])
  job_retry_reason_errors = flatten([
    for k, v in var.jobs : flatten([
      for i, r in coalesce(v.retry.rules, []) : [
        for field, value in { on_status_reason = r.on_status_reason, on_reason = r.on_reason } :
        "jobs[${jsonencode(k)}]: retry.rules[${i}].${field} \"${value}\" is not valid (letters, digits, \".\", \":\" and spaces, at most 512 characters, optionally ending in *; no * elsewhere)."
        if value != null && !can(regex("^[A-Za-z0-9.: \t]{0,511}\\*?$", coalesce(value, "-")))
      ]
    ])
  ])

  # Environment and secrets: ARNs only (the execution role is scoped to them), no reserved names.
  job_secret_arn_errors = flatten([
    for k, v in var.jobs : [
      for name, arn in v.secrets :
      "jobs[${jsonencode(k)}]: secrets[${jsonencode(name)}] = \"${arn}\" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)."
      if !can(regex("^arn:aws[a-z-]*:(secretsmanager:.*:secret:.+|ssm:.*:parameter/.+)$", arn))
    ]
  ])
  job_environment_name_errors = flatten([
    for k, v in var.jobs : [
      for name in concat(keys(v.environment), keys(v.secrets)) :
      "jobs[${jsonencode(k)}]: environment variable ${name} is not valid (letters, digits and \"_\", not starting with a digit; the AWS_BATCH prefix is reserved)."
      if !can(regex("^[A-Za-z_][A-Za-z0-9_]*$", name)) || startswith(upper(name), "AWS_BATCH")
    ]
  ])
  job_environment_secret_clash_errors = flatten([
    for k, v in var.jobs : [
      for name in keys(v.secrets) :
      "jobs[${jsonencode(k)}]: ${name} is set in both environment and secrets; keep it only in secrets."
      if contains(keys(v.environment), name)
    ]
  ])
  job_secret_key_errors = flatten([
    for k, v in var.jobs : [
      for arn in v.secrets_kms_key_arns :
      "jobs[${jsonencode(k)}]: secrets_kms_key_arns: \"${arn}\" is not a KMS key ARN."
      if !can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))
    ]
  ])

  # Job role: only what is given, and never every action.
  job_policy_statement_errors = flatten([
    for k, v in var.jobs : [
      for i, st in v.iam_policy_statements : concat(
        length(st.actions) > 0 && length(st.resources) > 0 ? [] : [
          "jobs[${jsonencode(k)}]: iam_policy_statements[${i}] needs at least one action and one resource."
        ],
        !contains(st.actions, "*") ? [] : [
          "jobs[${jsonencode(k)}]: iam_policy_statements[${i}] allows every action (\"*\"); list the actions the job needs."
        ],
        contains(["allow", "deny"], lower(st.effect)) ? [] : [
          "jobs[${jsonencode(k)}]: iam_policy_statements[${i}].effect \"${st.effect}\" is not valid (use Allow or Deny)."
        ],
      )
    ]
  ])
  job_policy_arn_errors = flatten([
    for k, v in var.jobs : [
      for arn in v.iam_policy_arns :
      "jobs[${jsonencode(k)}]: iam_policy_arns: \"${arn}\" is not an IAM policy ARN."
      if !can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", arn))
    ]
  ])

  # Network isolation: each egress rule has a protocol, ports and a destination.
  job_egress_empty_errors = flatten([
    for k, v in var.jobs :
    v.network != null && length(try(v.network.egress, [])) == 0 ? [
      "jobs[${jsonencode(k)}]: network.egress is empty, so the job could not even pull its image; add e.g. { port = 443, cidr_blocks = [\"0.0.0.0/0\"] }."
    ] : []
  ])
  job_egress_destination_errors = flatten([
    for k, v in var.jobs : [
      for i, r in try(v.network.egress, []) :
      "jobs[${jsonencode(k)}]: network.egress[${i}] has no destination (set cidr_blocks, ipv6_cidr_blocks, prefix_list_ids or security_group_ids)."
      if length(concat(r.cidr_blocks, r.ipv6_cidr_blocks, r.prefix_list_ids, r.security_group_ids)) == 0
    ]
  ])
  job_egress_protocol_errors = flatten([
    for k, v in var.jobs : [
      for i, r in try(v.network.egress, []) :
      "jobs[${jsonencode(k)}]: network.egress[${i}].protocol \"${r.protocol}\" is not valid (use tcp, udp, icmp or \"-1\" for all traffic)."
      if !contains(["tcp", "udp", "icmp", "-1", "all"], lower(r.protocol))
    ]
  ])
  job_egress_port_errors = flatten([
    for k, v in var.jobs : [
      for i, r in try(v.network.egress, []) :
      "jobs[${jsonencode(k)}]: network.egress[${i}] needs port, or from_port and to_port, between 0 and 65535 with from_port <= to_port (got ${coalesce(r.port, r.from_port, -1)}-${coalesce(r.port, r.to_port, r.from_port, -1)})."
      if contains(["tcp", "udp"], lower(r.protocol)) && !(coalesce(r.port, r.from_port, -1) >= 0 && coalesce(r.port, r.to_port, r.from_port, -1) <= 65535 && coalesce(r.port, r.from_port, -1) <= coalesce(r.port, r.to_port, r.from_port, -1))
    ]
  ])
  job_egress_cidr_errors = flatten([
    for k, v in var.jobs : flatten([
      for i, r in try(v.network.egress, []) : [
        for c in r.cidr_blocks :
        "jobs[${jsonencode(k)}]: network.egress[${i}].cidr_blocks: \"${c}\" is not an IPv4 CIDR block (e.g. \"10.0.0.0/16\")."
        if !can(cidrhost(c, 0)) || strcontains(c, ":")
      ]
    ])
  ])

  # Logs are kept for a bounded time.
  job_log_retention_errors = flatten([
    for k, v in var.jobs :
    contains(local.log_retention_days, v.log_retention_days) ? [] : [
      "jobs[${jsonencode(k)}]: log_retention_days ${v.log_retention_days} is not a CloudWatch Logs retention (use one of ${join(", ", local.log_retention_days)}; logs that never expire are not offered)."
    ]
  ])
  job_writable_path_errors = flatten([
    for k, v in var.jobs : [
      for p in v.writable_paths :
      "jobs[${jsonencode(k)}]: writable_paths: \"${p}\" must be an absolute container path (e.g. \"/tmp\")."
      if !startswith(p, "/")
    ]
  ])

  # Fair share: identifiers and priorities only where a scheduling policy exists.
  job_fair_share_errors = flatten([
    for k, v in var.jobs :
    lookup(local.queue_fair_share, try(coalesce(v.queue, local.default_queue_key), ""), false) || (v.share_identifier == null && v.scheduling_priority == null) ? [] : [
      "jobs[${jsonencode(k)}]: share_identifier and scheduling_priority only apply to a fair-share queue, and queue \"${try(coalesce(v.queue, local.default_queue_key), "")}\" has no fair_share (remove them or add fair_share to the queue)."
    ]
  ])
  job_share_identifier_errors = flatten([
    for k, v in var.jobs :
    (v.share_identifier == null || can(regex("^[A-Za-z0-9]{1,255}$", coalesce(v.share_identifier, "-")))) && (v.scheduling_priority == null || try(v.scheduling_priority >= 0 && v.scheduling_priority <= 9999, false)) ? [] : [
      "jobs[${jsonencode(k)}]: share_identifier must be up to 255 letters and digits, and scheduling_priority 0 to 9999."
    ]
  ])

  # Names built from var.name and the keys must fit AWS limits, and must not collide.
  job_role_name_errors = flatten([
    for k, v in var.jobs : [
      for n in ["${var.name}-${k}-job", "${var.name}-${k}-exec"] :
      "jobs[${jsonencode(k)}]: the IAM role name \"${n}\" is ${length(n)} characters; AWS allows 64 (shorten the job key or var.name)."
      if length(n) > 64
    ]
  ])
  job_definition_name_errors = flatten([
    for k, v in var.jobs :
    length("${var.name}-${k}") <= 128 ? [] : [
      "jobs[${jsonencode(k)}]: the job definition name \"${var.name}-${k}\" exceeds Batch's 128 characters (shorten the job key or var.name)."
    ]
  ])
  # A network-isolated job gets its own queue and copies of the queue's compute environments.
  job_isolated_names = {
    for k, v in var.jobs : k => {
      queue   = "${var.name}-${k}-${try(coalesce(v.queue, local.default_queue_key), "")}"
      ce_keys = try(local.job_queues[try(coalesce(v.queue, local.default_queue_key), "")].compute_environments, [])
    } if v.network != null
  }
  shared_queue_names = [for q in keys(local.job_queues) : "${var.name}-${q}"]
  job_isolated_name_errors = flatten([
    for k, n in local.job_isolated_names : concat(
      length(n.queue) <= 128 ? [] : [
        "jobs[${jsonencode(k)}]: the name of its network-isolated queue \"${n.queue}\" exceeds Batch's 128 characters (shorten the job key)."
      ],
      [
        for ce in n.ce_keys :
        "jobs[${jsonencode(k)}]: the name of its network-isolated compute environment \"${var.name}-${k}-${ce}-<26 characters>\" exceeds Batch's 128 characters (shorten the job key)."
        if length("${var.name}-${k}-${ce}-") + 26 > 128
      ],
      !contains(local.shared_queue_names, n.queue) ? [] : [
        "jobs[${jsonencode(k)}]: its network-isolated queue would be named \"${n.queue}\", which job_queues already uses; rename the job or the queue."
      ],
    )
  ])

  # Role names of jobs and their schedules, each counted once (grouped by name, not compared
  # pairwise: linear in the number of jobs).
  job_role_name_uses = {
    for n in flatten([
      for k, v in var.jobs : concat(["${var.name}-${k}-job", "${var.name}-${k}-exec"], [for sk, s in v.schedules : "${var.name}-${k}-${sk}-sched"])
    ]) : n => n...
  }
  job_role_name_clash_errors = [
    for n, uses in local.job_role_name_uses :
    "jobs: the IAM role name \"${n}\" would be used more than once; rename one of the job or schedule keys." if length(uses) > 1
  ]

  # Batch quotas (fixed, per Region): 50 compute environments and 50 job queues.
  isolated_job_count         = length(local.job_isolated_names)
  compute_environments_total = length(var.compute_environments) + sum(concat([0], [for n in values(local.job_isolated_names) : length(n.ce_keys)]))
  job_compute_environment_quota_errors = local.compute_environments_total <= 50 ? [] : [
    "jobs: ${local.isolated_job_count} network-isolated jobs need ${local.compute_environments_total} compute environments in total (shared plus per-job copies); Batch allows 50 per Region. Share a security group between jobs or drop network from some."
  ]
  job_queue_quota_errors = length(local.job_queues) + local.isolated_job_count <= 50 ? [] : [
    "jobs: ${length(local.job_queues)} queues plus ${local.isolated_job_count} network-isolated job queues exceed Batch's 50 job queues per Region."
  ]
}

################################################################################
# Pipelines (var.pipelines)
################################################################################

locals {
  # Keys become resource names (state machine, role, schedules) and state names.
  pipeline_key_errors = [
    for p in keys(var.pipelines) :
    "pipelines[${jsonencode(p)}]: keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)."
    if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", p))
  ]
  pipeline_step_key_errors = flatten([
    for p, pl in var.pipelines : [
      for s in keys(pl.steps) :
      "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: step keys may contain only letters, digits, \"-\" and \"_\", must start with a letter or digit and have at most 80 characters (they name the state machine's states and the Batch jobs)."
      if !can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$", s))
    ]
  ])

  # Size: at least one step; at most 64 (the dependency analysis covers paths of up to 64 steps).
  pipeline_size_errors = [
    for p, pl in var.pipelines :
    length(pl.steps) == 0 ? "pipelines[${jsonencode(p)}]: steps is empty; a pipeline needs at least one step, e.g. steps = { report = { job = \"sales_report\" } }." : "pipelines[${jsonencode(p)}]: ${length(pl.steps)} steps; a pipeline may have at most 64 (split it into several pipelines)."
    if length(pl.steps) == 0 || length(pl.steps) > 64
  ]

  # References: jobs exist, `after` names steps of the same pipeline, never the step itself.
  pipeline_job_errors = flatten([
    for p, pl in var.pipelines : [
      for s, st in pl.steps :
      "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: job \"${st.job}\" is not defined in jobs (jobs has: ${join(", ", sort(keys(var.jobs)))})."
      if !contains(keys(var.jobs), st.job)
    ]
  ])
  pipeline_after_errors = flatten([
    for p, pl in var.pipelines : [
      for s, st in pl.steps : [
        for a in distinct(st.after) :
        "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: after refers to \"${a}\", which is not a step of this pipeline (steps: ${join(", ", sort(keys(pl.steps)))})."
        if !contains(keys(pl.steps), a)
      ]
    ]
  ])
  pipeline_self_errors = flatten([
    for p, pl in var.pipelines : [
      for s, st in pl.steps :
      "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: after lists the step itself; a step cannot run after itself."
      if contains(st.after, s)
    ]
  ])

  # Cycles. Terraform has no recursion: "runs after, directly or not" is built by doubling the
  # path length six times (paths of up to 64 steps, the most a pipeline may have); a step that
  # runs after itself that way is on a cycle. (Self-references and unknown steps are reported
  # above and left out here.)
  pipeline_cycle_errors = flatten([
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
  ])
  pipeline_command_errors = flatten([
    for p, pl in var.pipelines : [
      for s, st in pl.steps :
      "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: command is empty; leave it unset to keep the job's command."
      if st.command != null && length(coalesce(st.command, ["x"])) == 0
    ]
  ])

  # Limits: Step Functions runs a standard execution for at most one year; names.
  pipeline_timeout_errors = [
    for p, pl in var.pipelines :
    "pipelines[${jsonencode(p)}]: timeout_seconds ${coalesce(pl.timeout_seconds, 0)} is out of range (use a whole number of seconds from 60 to 31536000, the one-year limit of a Step Functions execution, or leave it unset)."
    if pl.timeout_seconds != null && !try(pl.timeout_seconds >= 60 && pl.timeout_seconds <= 31536000 && floor(pl.timeout_seconds) == pl.timeout_seconds, false)
  ]
  pipeline_log_level_errors = [
    for p, pl in var.pipelines :
    "pipelines[${jsonencode(p)}]: log_level \"${pl.log_level}\" is not valid (use ALL, ERROR, FATAL or OFF)."
    if !contains(["ALL", "ERROR", "FATAL", "OFF"], pl.log_level)
  ]
  pipeline_log_retention_errors = [
    for p, pl in var.pipelines :
    "pipelines[${jsonencode(p)}]: log_retention_days ${pl.log_retention_days} is not a CloudWatch Logs retention (use one of ${join(", ", local.log_retention_days)})."
    if !contains(local.log_retention_days, pl.log_retention_days)
  ]
  pipeline_role_name_errors = [
    for p in keys(var.pipelines) :
    "pipelines[${jsonencode(p)}]: the state machine's IAM role name \"${var.name}-${p}-sfn\" (${length("${var.name}-${p}-sfn")} characters) exceeds AWS's 64 characters; shorten the pipeline key or var.name."
    if length("${var.name}-${p}-sfn") > 64
  ]
  pipeline_job_name_errors = flatten([
    for p, pl in var.pipelines : [
      for s in keys(pl.steps) :
      "pipelines[${jsonencode(p)}].steps[${jsonencode(s)}]: the Batch job name \"${var.name}-${p}-${s}\" (${length("${var.name}-${p}-${s}")} characters) exceeds Batch's 128 characters; shorten the step key, the pipeline key or var.name."
      if length("${var.name}-${p}-${s}") > 128
    ]
  ])
}

################################################################################
# Schedules of jobs and of pipelines: one set of rules for both
################################################################################

locals {
  # Every schedule, a job's or a pipeline's, with the path messages name it by and the parts of
  # its expression (null where the expression is of another kind).
  schedule_inputs = concat(
    flatten([
      for k, j in var.jobs : [
        for sk, s in j.schedules : { kind = "job", owner = k, key = sk, spec = s, at = "jobs[${jsonencode(k)}].schedules[${jsonencode(sk)}]" }
      ]
    ]),
    flatten([
      for p, pl in var.pipelines : [
        for sk, s in pl.schedules : { kind = "pipeline", owner = p, key = sk, spec = s, at = "pipelines[${jsonencode(p)}].schedules[${jsonencode(sk)}]" }
      ]
    ]),
  )
  schedule_parsed = [
    for s in local.schedule_inputs : merge(s, {
      name       = "${var.name}-${s.owner}-${s.key}"
      expression = trimspace(s.spec.expression)
      cron       = try(regexall("\\S+", regex("^cron\\((.*)\\)$", trimspace(s.spec.expression))[0]), null)
      rate       = try(regex("^rate\\((.*)\\)$", trimspace(s.spec.expression))[0], null)
      at_time    = try(regex("^at\\((.*)\\)$", trimspace(s.spec.expression))[0], null)
      scheduler  = var.schedule_backend == "scheduler"
    })
  ]

  # Schedule names (and with them their role names) must be unique across jobs and pipelines.
  schedule_name_kinds = { for s in local.schedule_parsed : s.name => s.kind... }

  # One list of problems per schedule, each rule once.
  schedule_problems = [
    for s in local.schedule_parsed : {
      kind = s.kind
      at   = s.at
      problems = concat(
        can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", s.key)) ? [] : [
          "keys may contain only letters, digits, \"-\" and \"_\" and must start with a letter or digit (they become part of resource names)."
        ],
        can(regex("^(cron|rate|at)\\(.*\\)$", s.expression)) ? [] : [
          "expression \"${s.expression}\" is not valid (use cron(...), rate(...) or at(...), e.g. \"cron(0 2 * * ? *)\")."
        ],
        local.cron_problems[s.at],
        local.rate_problems[s.at],
        local.at_problems[s.at],
        local.schedule_option_problems[s.at],
        lookup(local.job_schedule_problems, s.at, []),
        lookup(local.pipeline_schedule_problems, s.at, []),
        length("${s.name}-sched") <= 64 ? [] : [
          "the schedule name \"${s.name}\" and its IAM role name \"${s.name}-sched\" (${length("${s.name}-sched")} characters) exceed AWS's 64 characters; shorten the schedule key, the ${s.kind} key or var.name."
        ],
      )
    }
  ]

  # cron(minutes hours day-of-month month day-of-week year)
  cron_problems = {
    for s in local.schedule_parsed : s.at => s.cron == null ? [] : length(s.cron) != 6 ? [
      "${s.expression} has ${length(s.cron)} fields; AWS cron takes 6 (minutes hours day-of-month month day-of-week year), e.g. cron(0 2 * * ? *)."
      ] : concat(
      (s.cron[2] == "?") != (s.cron[4] == "?") ? [] : [
        "${s.expression}: exactly one of day-of-month and day-of-week must be \"?\" (e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON *))."
      ],
      [
        for i, field in local.cron_fields : "${s.expression}: ${field.name} \"${s.cron[i]}\" is not valid (${field.hint})."
        if !can(regex(field.pattern, s.cron[i])) || anytrue([for n in regexall("[0-9]+", s.cron[i]) : tonumber(n) > field.max])
      ],
    )
  }

  # rate(<n> <unit>), singular for 1, plural above
  rate_problems = {
    for s in local.schedule_parsed : s.at => (
      s.rate == null ? [] :
      !can(regex("^[1-9][0-9]* (minute|minutes|hour|hours|day|days)$", s.rate)) ? [
        "${s.expression} is not valid (use rate(<positive number> minute|minutes|hour|hours|day|days), e.g. rate(6 hours))."
      ] :
      split(" ", s.rate)[0] == "1" && endswith(s.rate, "s") ? [
        "${s.expression}: use the singular unit for 1, e.g. rate(1 ${trimsuffix(split(" ", s.rate)[1], "s")})."
      ] :
      split(" ", s.rate)[0] != "1" && !endswith(s.rate, "s") ? [
        "${s.expression}: use the plural unit for values above 1, e.g. rate(${split(" ", s.rate)[0]} ${split(" ", s.rate)[1]}s)."
      ] : []
    )
  }

  # at(yyyy-mm-ddThh:mm:ss), Scheduler only
  at_problems = {
    for s in local.schedule_parsed : s.at => (
      s.at_time == null ? [] :
      !can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", s.at_time)) || !can(timeadd("${s.at_time}Z", "0s")) ? [
        "${s.expression} is not valid (use at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T09:00:00))."
      ] :
      !s.scheduler ? [
        "one-time at() schedules need schedule_backend = \"scheduler\" (EventBridge rules only take cron and rate)."
      ] : []
    )
  }

  # Time zone, flexible window, start and end dates (Scheduler only), expected interval.
  schedule_option_problems = {
    for s in local.schedule_parsed : s.at => concat(
      s.spec.timezone == null ? [] : !s.scheduler ? [
        "timezone is only supported with schedule_backend = \"scheduler\"; EventBridge rules run in UTC (remove timezone and write the expression in UTC)."
        ] : can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", coalesce(s.spec.timezone, "-"))) ? [] : [
        "timezone \"${coalesce(s.spec.timezone, "-")}\" is not an IANA time zone name (e.g. \"Europe/Berlin\", \"UTC\")."
      ],
      s.spec.flexible_window_minutes == null ? [] : !s.scheduler ? [
        "flexible_window_minutes is only supported with schedule_backend = \"scheduler\"."
        ] : try(s.spec.flexible_window_minutes >= 1 && s.spec.flexible_window_minutes <= 1440 && floor(s.spec.flexible_window_minutes) ==
        s.spec.flexible_window_minutes, false) ? [] : [
        "flexible_window_minutes ${coalesce(s.spec.flexible_window_minutes, 0)} is out of range (use 1 to 1440, or leave it unset for the exact time)."
      ],
      flatten([
        for field, value in { start_date = s.spec.start_date, end_date = s.spec.end_date } : value == null ? [] : !s.scheduler ? [
          "${field} is only supported with schedule_backend = \"scheduler\"."
          ] : can(timeadd(coalesce(value, "-"), "0s")) ? [] : [
          "${field} \"${coalesce(value, "-")}\" is not an RFC 3339 timestamp (e.g. \"2030-01-01T00:00:00Z\")."
        ]
      ]),
      s.spec.start_date != null && s.spec.end_date != null && try(timecmp(coalesce(s.spec.start_date, "-"), coalesce(s.spec.end_date, "-")) >= 0, false) ? [
        "start_date must be before end_date."
      ] : [],
      s.spec.expected_interval_minutes == null || try(s.spec.expected_interval_minutes >= 1, false) ? [] : [
        "expected_interval_minutes must be at least 1."
      ],
    )
  }

  # What a job's schedule may set that a pipeline's may not, and the other way round.
  job_schedule_problems = {
    for s in local.schedule_parsed : s.at => concat(
      s.spec.command == null || length(coalesce(s.spec.command, ["x"])) > 0 ? [] : [
        "command is empty; leave it unset to keep the job's command."
      ],
      s.scheduler || !lookup(local.queue_fair_share, try(coalesce(var.jobs[s.owner].queue, local.default_queue_key), ""), false) ? [] : [
        "queue \"${try(coalesce(var.jobs[s.owner].queue, local.default_queue_key), "")}\" uses fair-share scheduling, which needs a share identifier that EventBridge rule targets cannot send; use schedule_backend = \"scheduler\" or a queue without fair_share."
      ],
    ) if s.kind == "job"
  }
  pipeline_schedule_problems = {
    for s in local.schedule_parsed : s.at => concat(
      s.spec.command == null ? [] : [
        "command cannot be set on a pipeline schedule (a pipeline runs several jobs); set steps[...].command instead."
      ],
      !contains(local.schedule_name_kinds[s.name], "job") ? [] : [
        "its name \"${s.name}\" is also the name of a job schedule (jobs[...].schedules[...] are named \"<name>-<job>-<schedule>\"); rename the pipeline's schedule."
      ],
    ) if s.kind == "pipeline"
  }

  # The messages of var.jobs and of var.pipelines, one line per problem.
  schedule_errors = {
    for kind in ["job", "pipeline"] : kind => flatten([
      for s in local.schedule_problems : [for problem in s.problems : "${s.at}: ${problem}"] if s.kind == kind
    ])
  }
}

################################################################################
# The checks: a plan with bad input fails here, before anything is created
################################################################################

locals {
  # Every problem of the input, in the order of the checks below.
  input_problems = concat(
    local.compute_environment_key_errors,
    local.compute_environment_type_errors,
    local.compute_environment_ec2_only_errors,
    local.compute_environment_vcpu_errors,
    local.compute_environment_allocation_errors,
    local.compute_environment_bid_errors,
    local.compute_environment_fleet_role_errors,
    local.compute_environment_architecture_errors,
    local.compute_environment_instance_type_errors,
    local.compute_environment_launch_template_errors,
    local.compute_environment_update_policy_errors,
    local.compute_environment_state_errors,
    local.compute_environment_name_errors,
    local.job_queue_key_errors,
    local.job_queue_priority_errors,
    local.job_queue_size_errors,
    local.job_queue_reference_errors,
    local.job_queue_duplicate_errors,
    local.job_queue_platform_errors,
    local.job_queue_architecture_errors,
    local.job_queue_cancel_errors,
    local.job_queue_state_errors,
    local.job_queue_fair_share_errors,
    local.job_queue_name_errors,
    local.job_key_errors,
    local.job_image_errors,
    local.job_queue_missing_errors,
    local.job_queue_unset_errors,
    local.job_fargate_vcpu_errors,
    local.job_fargate_memory_errors,
    local.job_ec2_vcpu_errors,
    local.job_ec2_memory_errors,
    local.job_gpu_errors,
    local.job_ephemeral_storage_errors,
    local.job_architecture_errors,
    local.job_fargate_spot_arm_errors,
    local.job_architecture_mismatch_errors,
    local.job_timeout_errors,
    local.job_retry_attempts_errors,
    local.job_retry_rule_count_errors,
    local.job_retry_action_errors,
    local.job_retry_condition_errors,
    local.job_retry_exit_code_errors,
    local.job_retry_reason_errors,
    local.job_secret_arn_errors,
    local.job_environment_name_errors,
    local.job_environment_secret_clash_errors,
    local.job_secret_key_errors,
    local.job_policy_statement_errors,
    local.job_policy_arn_errors,
    local.job_egress_empty_errors,
    local.job_egress_destination_errors,
    local.job_egress_protocol_errors,
    local.job_egress_port_errors,
    local.job_egress_cidr_errors,
    local.job_log_retention_errors,
    local.job_writable_path_errors,
    local.job_fair_share_errors,
    local.job_share_identifier_errors,
    local.job_role_name_errors,
    local.job_definition_name_errors,
    local.job_isolated_name_errors,
    local.job_role_name_clash_errors,
    local.job_compute_environment_quota_errors,
    local.job_queue_quota_errors,
    local.pipeline_key_errors,
    local.pipeline_step_key_errors,
    local.pipeline_size_errors,
    local.pipeline_job_errors,
    local.pipeline_after_errors,
    local.pipeline_self_errors,
    local.pipeline_cycle_errors,
    local.pipeline_command_errors,
    local.pipeline_timeout_errors,
    local.pipeline_log_level_errors,
    local.pipeline_log_retention_errors,
    local.pipeline_role_name_errors,
    local.pipeline_job_name_errors,
    local.schedule_errors.job,
    local.schedule_errors.pipeline,
    local.dynamic_schedule_errors,
    local.compute_environment_arn_errors,
    local.compute_environment_existing_settings_errors,
    local.job_role_arn_errors,
    local.job_execution_role_arn_errors,
    local.job_existing_role_permissions_errors,
    local.job_queue_arn_errors,
    local.job_queue_exclusive_errors,
    local.job_isolation_existing_queue_errors,
    local.job_platform_unused_errors,
    local.job_platform_errors,
    local.job_isolation_existing_environment_errors,
  )
  # The references between the collections: the wiring looks them up (a job's queue, a queue's
  # compute environments, a step's job and the steps it runs after). Only these gate it, since
  # they are known at plan time; other rules may read values known only after apply, and a
  # gate that is unknown would leave every for_each of the wiring unknown too.
  input_valid = length(concat(
    local.job_queue_reference_errors,
    local.job_queue_missing_errors,
    local.job_queue_unset_errors,
    local.pipeline_size_errors,
    local.pipeline_job_errors,
    local.pipeline_after_errors,
    local.pipeline_self_errors,
    local.pipeline_cycle_errors,
  )) == 0
}

# Why not `validation` blocks in variables.tf: Terraform evaluates a variable's validation
# before anything that reads the variable, locals included, so a validation cannot read a
# message list built from its own variable (it is a dependency cycle). Each list is therefore
# checked once here, as a precondition; an empty list is valid input.
output "input_errors" {
  description = "Problems found in the inputs; always empty, because any problem fails the plan."
  value       = local.input_problems

  precondition {
    condition     = length(local.compute_environment_key_errors) == 0
    error_message = join("\n", local.compute_environment_key_errors)
  }
  precondition {
    condition     = length(local.compute_environment_type_errors) == 0
    error_message = join("\n", local.compute_environment_type_errors)
  }
  precondition {
    condition     = length(local.compute_environment_ec2_only_errors) == 0
    error_message = join("\n", local.compute_environment_ec2_only_errors)
  }
  precondition {
    condition     = length(local.compute_environment_vcpu_errors) == 0
    error_message = join("\n", local.compute_environment_vcpu_errors)
  }
  precondition {
    condition     = length(local.compute_environment_allocation_errors) == 0
    error_message = join("\n", local.compute_environment_allocation_errors)
  }
  precondition {
    condition     = length(local.compute_environment_bid_errors) == 0
    error_message = join("\n", local.compute_environment_bid_errors)
  }
  precondition {
    condition     = length(local.compute_environment_fleet_role_errors) == 0
    error_message = join("\n", local.compute_environment_fleet_role_errors)
  }
  precondition {
    condition     = length(local.compute_environment_architecture_errors) == 0
    error_message = join("\n", local.compute_environment_architecture_errors)
  }
  precondition {
    condition     = length(local.compute_environment_instance_type_errors) == 0
    error_message = join("\n", local.compute_environment_instance_type_errors)
  }
  precondition {
    condition     = length(local.compute_environment_launch_template_errors) == 0
    error_message = join("\n", local.compute_environment_launch_template_errors)
  }
  precondition {
    condition     = length(local.compute_environment_update_policy_errors) == 0
    error_message = join("\n", local.compute_environment_update_policy_errors)
  }
  precondition {
    condition     = length(local.compute_environment_state_errors) == 0
    error_message = join("\n", local.compute_environment_state_errors)
  }
  precondition {
    condition     = length(local.compute_environment_name_errors) == 0
    error_message = join("\n", local.compute_environment_name_errors)
  }
  precondition {
    condition     = length(local.job_queue_key_errors) == 0
    error_message = join("\n", local.job_queue_key_errors)
  }
  precondition {
    condition     = length(local.job_queue_priority_errors) == 0
    error_message = join("\n", local.job_queue_priority_errors)
  }
  precondition {
    condition     = length(local.job_queue_size_errors) == 0
    error_message = join("\n", local.job_queue_size_errors)
  }
  precondition {
    condition     = length(local.job_queue_reference_errors) == 0
    error_message = join("\n", local.job_queue_reference_errors)
  }
  precondition {
    condition     = length(local.job_queue_duplicate_errors) == 0
    error_message = join("\n", local.job_queue_duplicate_errors)
  }
  precondition {
    condition     = length(local.job_queue_platform_errors) == 0
    error_message = join("\n", local.job_queue_platform_errors)
  }
  precondition {
    condition     = length(local.job_queue_architecture_errors) == 0
    error_message = join("\n", local.job_queue_architecture_errors)
  }
  precondition {
    condition     = length(local.job_queue_cancel_errors) == 0
    error_message = join("\n", local.job_queue_cancel_errors)
  }
  precondition {
    condition     = length(local.job_queue_state_errors) == 0
    error_message = join("\n", local.job_queue_state_errors)
  }
  precondition {
    condition     = length(local.job_queue_fair_share_errors) == 0
    error_message = join("\n", local.job_queue_fair_share_errors)
  }
  precondition {
    condition     = length(local.job_queue_name_errors) == 0
    error_message = join("\n", local.job_queue_name_errors)
  }
  precondition {
    condition     = length(local.job_key_errors) == 0
    error_message = join("\n", local.job_key_errors)
  }
  precondition {
    condition     = length(local.job_image_errors) == 0
    error_message = join("\n", local.job_image_errors)
  }
  precondition {
    condition     = length(local.job_queue_missing_errors) == 0
    error_message = join("\n", local.job_queue_missing_errors)
  }
  precondition {
    condition     = length(local.job_queue_unset_errors) == 0
    error_message = join("\n", local.job_queue_unset_errors)
  }
  precondition {
    condition     = length(local.job_fargate_vcpu_errors) == 0
    error_message = join("\n", local.job_fargate_vcpu_errors)
  }
  precondition {
    condition     = length(local.job_fargate_memory_errors) == 0
    error_message = join("\n", local.job_fargate_memory_errors)
  }
  precondition {
    condition     = length(local.job_ec2_vcpu_errors) == 0
    error_message = join("\n", local.job_ec2_vcpu_errors)
  }
  precondition {
    condition     = length(local.job_ec2_memory_errors) == 0
    error_message = join("\n", local.job_ec2_memory_errors)
  }
  precondition {
    condition     = length(local.job_gpu_errors) == 0
    error_message = join("\n", local.job_gpu_errors)
  }
  precondition {
    condition     = length(local.job_ephemeral_storage_errors) == 0
    error_message = join("\n", local.job_ephemeral_storage_errors)
  }
  precondition {
    condition     = length(local.job_architecture_errors) == 0
    error_message = join("\n", local.job_architecture_errors)
  }
  precondition {
    condition     = length(local.job_fargate_spot_arm_errors) == 0
    error_message = join("\n", local.job_fargate_spot_arm_errors)
  }
  precondition {
    condition     = length(local.job_architecture_mismatch_errors) == 0
    error_message = join("\n", local.job_architecture_mismatch_errors)
  }
  precondition {
    condition     = length(local.job_timeout_errors) == 0
    error_message = join("\n", local.job_timeout_errors)
  }
  precondition {
    condition     = length(local.job_retry_attempts_errors) == 0
    error_message = join("\n", local.job_retry_attempts_errors)
  }
  precondition {
    condition     = length(local.job_retry_rule_count_errors) == 0
    error_message = join("\n", local.job_retry_rule_count_errors)
  }
  precondition {
    condition     = length(local.job_retry_action_errors) == 0
    error_message = join("\n", local.job_retry_action_errors)
  }
  precondition {
    condition     = length(local.job_retry_condition_errors) == 0
    error_message = join("\n", local.job_retry_condition_errors)
  }
  precondition {
    condition     = length(local.job_retry_exit_code_errors) == 0
    error_message = join("\n", local.job_retry_exit_code_errors)
  }
  precondition {
    condition     = length(local.job_retry_reason_errors) == 0
    error_message = join("\n", local.job_retry_reason_errors)
  }
  precondition {
    condition     = length(local.job_secret_arn_errors) == 0
    error_message = join("\n", local.job_secret_arn_errors)
  }
  precondition {
    condition     = length(local.job_environment_name_errors) == 0
    error_message = join("\n", local.job_environment_name_errors)
  }
  precondition {
    condition     = length(local.job_environment_secret_clash_errors) == 0
    error_message = join("\n", local.job_environment_secret_clash_errors)
  }
  precondition {
    condition     = length(local.job_secret_key_errors) == 0
    error_message = join("\n", local.job_secret_key_errors)
  }
  precondition {
    condition     = length(local.job_policy_statement_errors) == 0
    error_message = join("\n", local.job_policy_statement_errors)
  }
  precondition {
    condition     = length(local.job_policy_arn_errors) == 0
    error_message = join("\n", local.job_policy_arn_errors)
  }
  precondition {
    condition     = length(local.job_egress_empty_errors) == 0
    error_message = join("\n", local.job_egress_empty_errors)
  }
  precondition {
    condition     = length(local.job_egress_destination_errors) == 0
    error_message = join("\n", local.job_egress_destination_errors)
  }
  precondition {
    condition     = length(local.job_egress_protocol_errors) == 0
    error_message = join("\n", local.job_egress_protocol_errors)
  }
  precondition {
    condition     = length(local.job_egress_port_errors) == 0
    error_message = join("\n", local.job_egress_port_errors)
  }
  precondition {
    condition     = length(local.job_egress_cidr_errors) == 0
    error_message = join("\n", local.job_egress_cidr_errors)
  }
  precondition {
    condition     = length(local.job_log_retention_errors) == 0
    error_message = join("\n", local.job_log_retention_errors)
  }
  precondition {
    condition     = length(local.job_writable_path_errors) == 0
    error_message = join("\n", local.job_writable_path_errors)
  }
  precondition {
    condition     = length(local.job_fair_share_errors) == 0
    error_message = join("\n", local.job_fair_share_errors)
  }
  precondition {
    condition     = length(local.job_share_identifier_errors) == 0
    error_message = join("\n", local.job_share_identifier_errors)
  }
  precondition {
    condition     = length(local.job_role_name_errors) == 0
    error_message = join("\n", local.job_role_name_errors)
  }
  precondition {
    condition     = length(local.job_definition_name_errors) == 0
    error_message = join("\n", local.job_definition_name_errors)
  }
  precondition {
    condition     = length(local.job_isolated_name_errors) == 0
    error_message = join("\n", local.job_isolated_name_errors)
  }
  precondition {
    condition     = length(local.job_role_name_clash_errors) == 0
    error_message = join("\n", local.job_role_name_clash_errors)
  }
  precondition {
    condition     = length(local.job_compute_environment_quota_errors) == 0
    error_message = join("\n", local.job_compute_environment_quota_errors)
  }
  precondition {
    condition     = length(local.job_queue_quota_errors) == 0
    error_message = join("\n", local.job_queue_quota_errors)
  }
  precondition {
    condition     = length(local.pipeline_key_errors) == 0
    error_message = join("\n", local.pipeline_key_errors)
  }
  precondition {
    condition     = length(local.pipeline_step_key_errors) == 0
    error_message = join("\n", local.pipeline_step_key_errors)
  }
  precondition {
    condition     = length(local.pipeline_size_errors) == 0
    error_message = join("\n", local.pipeline_size_errors)
  }
  precondition {
    condition     = length(local.pipeline_job_errors) == 0
    error_message = join("\n", local.pipeline_job_errors)
  }
  precondition {
    condition     = length(local.pipeline_after_errors) == 0
    error_message = join("\n", local.pipeline_after_errors)
  }
  precondition {
    condition     = length(local.pipeline_self_errors) == 0
    error_message = join("\n", local.pipeline_self_errors)
  }
  precondition {
    condition     = length(local.pipeline_cycle_errors) == 0
    error_message = join("\n", local.pipeline_cycle_errors)
  }
  precondition {
    condition     = length(local.pipeline_command_errors) == 0
    error_message = join("\n", local.pipeline_command_errors)
  }
  precondition {
    condition     = length(local.pipeline_timeout_errors) == 0
    error_message = join("\n", local.pipeline_timeout_errors)
  }
  precondition {
    condition     = length(local.pipeline_log_level_errors) == 0
    error_message = join("\n", local.pipeline_log_level_errors)
  }
  precondition {
    condition     = length(local.pipeline_log_retention_errors) == 0
    error_message = join("\n", local.pipeline_log_retention_errors)
  }
  precondition {
    condition     = length(local.pipeline_role_name_errors) == 0
    error_message = join("\n", local.pipeline_role_name_errors)
  }
  precondition {
    condition     = length(local.pipeline_job_name_errors) == 0
    error_message = join("\n", local.pipeline_job_name_errors)
  }
  precondition {
    condition     = length(local.schedule_errors.job) == 0
    error_message = join("\n", local.schedule_errors.job)
  }
  precondition {
    condition     = length(local.schedule_errors.pipeline) == 0
    error_message = join("\n", local.schedule_errors.pipeline)
  }
  precondition {
    condition     = length(local.dynamic_schedule_errors) == 0
    error_message = join("\n", local.dynamic_schedule_errors)
  }
  precondition {
    condition     = length(local.compute_environment_arn_errors) == 0
    error_message = join("\n", local.compute_environment_arn_errors)
  }
  precondition {
    condition     = length(local.compute_environment_existing_settings_errors) == 0
    error_message = join("\n", local.compute_environment_existing_settings_errors)
  }
  precondition {
    condition     = length(local.job_role_arn_errors) == 0
    error_message = join("\n", local.job_role_arn_errors)
  }
  precondition {
    condition     = length(local.job_execution_role_arn_errors) == 0
    error_message = join("\n", local.job_execution_role_arn_errors)
  }
  precondition {
    condition     = length(local.job_existing_role_permissions_errors) == 0
    error_message = join("\n", local.job_existing_role_permissions_errors)
  }
  precondition {
    condition     = length(local.job_queue_arn_errors) == 0
    error_message = join("\n", local.job_queue_arn_errors)
  }
  precondition {
    condition     = length(local.job_queue_exclusive_errors) == 0
    error_message = join("\n", local.job_queue_exclusive_errors)
  }
  precondition {
    condition     = length(local.job_isolation_existing_queue_errors) == 0
    error_message = join("\n", local.job_isolation_existing_queue_errors)
  }
  precondition {
    condition     = length(local.job_platform_unused_errors) == 0
    error_message = join("\n", local.job_platform_unused_errors)
  }
  precondition {
    condition     = length(local.job_platform_errors) == 0
    error_message = join("\n", local.job_platform_errors)
  }
  precondition {
    condition     = length(local.job_isolation_existing_environment_errors) == 0
    error_message = join("\n", local.job_isolation_existing_environment_errors)
  }
}
