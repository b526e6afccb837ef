# Pure expressions over the inputs: the capacity plan (queues, platforms, network-isolated
# copies), the schedules, and the tables the variable validations use. Nothing here refers to a
# resource, module or data source, so validations can be exercised without a provider.

locals {
  fargate_types = ["FARGATE", "FARGATE_SPOT"]
  spot_types    = ["FARGATE_SPOT", "SPOT"]

  ce_family = { for k, v in var.compute_environments : k => contains(local.fargate_types, v.type) ? "FARGATE" : "EC2" }
  # Environments the module creates; the others are existing ones (compute_environments.<key>.arn).
  created_compute_environments = { for k, v in var.compute_environments : k => v if v.arn == null }

  # Jobs submitted to an existing queue (jobs.<job>.queue_arn) need none of the module's
  # capacity: without declared queues and with every job on an existing one, none is created.
  # (Not used by the validations: they may not depend on var.jobs.)
  jobs_on_own_queues = [for k, v in var.jobs : k if v.queue_arn == null]
  create_capacity    = length(var.job_queues) > 0 || length(var.jobs) == 0 || length(local.jobs_on_own_queues) > 0

  # Declared queues, or one "default" queue with every environment, Spot ones first.
  job_queues = length(var.job_queues) > 0 ? var.job_queues : {
    default = {
      priority = 1
      compute_environments = concat(
        sort([for k, v in var.compute_environments : k if contains(local.spot_types, v.type)]),
        sort([for k, v in var.compute_environments : k if !contains(local.spot_types, v.type)]),
      )
      state                         = "ENABLED"
      cancel_runnable_after_seconds = null
      fair_share                    = null
    }
  }
  default_queue_key = contains(keys(local.job_queues), "default") ? "default" : (
    length(local.job_queues) == 1 ? one(keys(local.job_queues)) : null
  )

  # Per queue: its platform (FARGATE or EC2; null while the queue itself is invalid), the types
  # and EC2 architecture of its environments, whether it schedules by fair share.
  queue_family = {
    for q, v in local.job_queues : q => try(one(distinct([for ce in v.compute_environments : local.ce_family[ce]])), null)
  }
  queue_types = {
    for q, v in local.job_queues : q => [for ce in v.compute_environments : try(var.compute_environments[ce].type, "")]
  }
  queue_architecture = {
    for q, v in local.job_queues : q => try(one(distinct([
      for ce in v.compute_environments : coalesce(var.compute_environments[ce].architecture, "X86_64") if local.ce_family[ce] == "EC2"
    ])), null)
  }
  queue_fair_share = { for q, v in local.job_queues : q => v.fair_share != null }

  # The collections the wiring plans from. Empty while a reference between the inputs is broken
  # (local.input_valid): the plan then stops with that rule's message alone, not with follow-up
  # errors of lookups into what is missing.
  jobs = {
    for k, v in var.jobs : k => merge(v, v.queue_arn != null ? {
      # An existing queue: the job runs wherever that queue sends it, on the platform given.
      queue_key = null
      platform  = coalesce(v.platform, "FARGATE")
      isolated  = false
      queue_ref = null
      } : {
      queue_key = try(coalesce(v.queue, local.default_queue_key), null)
      platform  = lookup(local.queue_family, try(coalesce(v.queue, local.default_queue_key), ""), null)
      isolated  = v.network != null
      # Key of the queue the job is submitted to: its own copy when network-isolated.
      queue_ref = try(v.network != null ? "${k}/${coalesce(v.queue, local.default_queue_key)}" : coalesce(v.queue, local.default_queue_key), null)
    }) if local.input_valid
  }
  isolated_jobs = { for k, v in local.jobs : k => v if v.isolated }

  # Shared environments and, for every network-isolated job, a copy of each environment of its
  # queue that uses the job's own security group (and the instance profile and launch template
  # of the environment it copies: one per family).
  shared_compute_environments = !local.create_capacity ? {} : {
    for k, v in local.created_compute_environments : k => { config = v, name = "${var.name}-${k}", job = "", source = k } if local.input_valid
  }
  isolated_compute_environments = !local.create_capacity ? {} : merge([
    for jk, j in local.isolated_jobs : {
      for ce in try(local.job_queues[j.queue_key].compute_environments, []) : "${jk}/${ce}" => {
        config = var.compute_environments[ce]
        name   = "${var.name}-${jk}-${ce}"
        job    = jk
        source = ce
      } if contains(keys(local.created_compute_environments), ce)
    }
  ]...)
  compute_environments = merge(local.shared_compute_environments, local.isolated_compute_environments)
  queues = !local.create_capacity ? {} : merge(
    {
      for q, v in local.job_queues : q => {
        config               = v
        name                 = "${var.name}-${q}"
        compute_environments = v.compute_environments
      } if local.input_valid
    },
    {
      for jk, j in local.isolated_jobs : j.queue_ref => {
        config               = local.job_queues[j.queue_key]
        name                 = "${var.name}-${jk}-${j.queue_key}"
        compute_environments = [for ce in local.job_queues[j.queue_key].compute_environments : "${jk}/${ce}"]
      } if contains(keys(local.job_queues), coalesce(j.queue_key, "-"))
    },
  )

  schedule_group_name = var.name
  schedules = merge([
    for jk, j in local.jobs : {
      for sk, s in j.schedules : "${jk}/${sk}" => merge(s, {
        job      = jk
        schedule = sk
        name     = "${var.name}-${jk}-${sk}"
        backend  = var.schedule_backend
      })
    }
  ]...)

  # Validation tables (also used by the variable validations).
  fargate_memory = {
    "0.25" = [512, 1024, 2048]
    "0.5"  = range(1024, 4097, 1024)
    "1"    = range(2048, 8193, 1024)
    "2"    = range(4096, 16385, 1024)
    "4"    = range(8192, 30721, 1024)
    "8"    = range(16384, 61441, 4096)
    "16"   = range(32768, 122881, 8192)
  }
  fargate_memory_hint = {
    "0.25" = "512, 1024 or 2048"
    "0.5"  = "1024 to 4096 in steps of 1024"
    "1"    = "2048 to 8192 in steps of 1024"
    "2"    = "4096 to 16384 in steps of 1024"
    "4"    = "8192 to 30720 in steps of 1024"
    "8"    = "16384 to 61440 in steps of 4096"
    "16"   = "32768 to 122880 in steps of 8192"
  }
  log_retention_days = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
  cron_fields = [
    { name = "minutes", pattern = "^[0-9,*/-]+$", max = 59, hint = "0-59 with , - * /" },
    { name = "hours", pattern = "^[0-9,*/-]+$", max = 23, hint = "0-23 with , - * /" },
    { name = "day-of-month", pattern = "^[0-9,*/?LW-]+$", max = 31, hint = "1-31 with , - * ? / L W" },
    { name = "month", pattern = "^([0-9,*/-]+|[A-Za-z]{3}([,-][A-Za-z]{3})*)$", max = 12, hint = "1-12 or JAN-DEC with , - * /" },
    { name = "day-of-week", pattern = "^([0-9,*?L#-]+|[A-Za-z]{3}([,-][A-Za-z]{3})*L?(#[1-5])?)$", max = 7, hint = "1-7 or SUN-SAT with , - * ? L #" },
    { name = "year", pattern = "^[0-9,*/-]+$", max = 2199, hint = "1970-2199 with , - * /" },
  ]
}
