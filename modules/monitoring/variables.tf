variable "name" {
  description = "Prefix of every resource name."
  type        = string
}

variable "account_id" {
  description = "AWS account id: the only account whose events and services may notify (aws:SourceAccount, event pattern `account`)."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer managed KMS key encrypting the created SNS topic, the job-history log group and the monitoring dead-letter queue. Its key policy must let CloudWatch Logs (this log group), events.amazonaws.com and cloudwatch.amazonaws.com use it."
  type        = string
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
}

variable "notifications" {
  description = <<-EOT
    Where and when people are told:
    - email_addresses: email subscriptions to the topic (each must be confirmed by its owner).
    - sns_topic_arn: an existing topic to notify instead of creating one. Its access and KMS key
      policies must let events.amazonaws.com and cloudwatch.amazonaws.com publish.
    - notify_on: Batch job states that notify (default ["FAILED"]).
    - notify_on_recovery: whether missed-run and dead-letter alarms also notify when they return to OK.
  EOT
  type = object({
    email_addresses    = optional(list(string), [])
    sns_topic_arn      = optional(string)
    notify_on          = optional(list(string), ["FAILED"])
    notify_on_recovery = optional(bool, true)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for state in var.notifications.notify_on :
      contains(["PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"], state)
    ])
    error_message = join("\n", [
      for state in var.notifications.notify_on :
      "notifications.notify_on: \"${state}\" is not a Batch job state with state-change events (use PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED or FAILED; SUBMITTED emits no event)."
      if !contains(["PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"], state)
    ])
  }

  validation {
    condition     = length(var.notifications.notify_on) > 0
    error_message = "notifications.notify_on: list at least one job state (default [\"FAILED\"])."
  }

  validation {
    condition = alltrue([
      for address in var.notifications.email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))
    ])
    error_message = join("\n", [
      for address in var.notifications.email_addresses :
      "notifications.email_addresses: \"${address}\" is not an email address."
      if !can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))
    ])
  }

  validation {
    condition = (
      var.notifications.sns_topic_arn == null ||
      can(regex("^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.notifications.sns_topic_arn))
    )
    error_message = "notifications.sns_topic_arn: \"${coalesce(var.notifications.sns_topic_arn, "null")}\" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)."
  }
}

variable "job_queue_arns" {
  description = "ARNs of this module's own job queues (shared and per-job isolated). Job state changes are watched in these queues only."
  type        = list(string)
}

variable "state_machine_arns" {
  description = "Pipeline key => state machine ARN. Each gets failed / timed-out / aborted alarms and its executions go to the job history."
  type        = map(string)
  default     = {}
}

variable "dead_letter_queues" {
  description = "Label => name of an SQS dead-letter queue to alarm on (messages visible > 0), e.g. the schedules' dead-letter queue. The monitoring dead-letter queue is always watched."
  type        = map(string)
  default     = {}
}

variable "missed_run_checks" {
  description = <<-EOT
    One dead man's switch per schedule, keyed "<job or pipeline>/<schedule>":
    - kind: "job" or "pipeline".
    - expression, timezone, flexible_window_minutes, start_date, end_date, enabled: the schedule's own.
    - expected_interval_minutes: longest expected gap between two runs. Derived for rate() and
      for cron() expressions that repeat daily or weekly; give it for anything else.
    - runtime_minutes: longest expected run (e.g. timeout x attempts); 0 if unknown.
    - job_name (kind "job"): the name of the jobs the schedule submits; a run counts when a job
      of the stack's queues with exactly this name SUCCEEDED.
    - state_machine_arn (kind "pipeline"): a run counts when an execution of it SUCCEEDED.
  EOT
  type = map(object({
    kind                      = string
    expression                = string
    timezone                  = optional(string)
    flexible_window_minutes   = optional(number)
    start_date                = optional(string)
    end_date                  = optional(string)
    enabled                   = optional(bool, true)
    expected_interval_minutes = optional(number)
    runtime_minutes           = optional(number, 0)
    job_name                  = optional(string)
    state_machine_arn         = optional(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for key, check in var.missed_run_checks : contains(["job", "pipeline"], check.kind)])
    error_message = join("\n", [for key, check in var.missed_run_checks : "missed_run_checks[\"${key}\"]: kind \"${check.kind}\" is not supported (use \"job\" or \"pipeline\")." if !contains(["job", "pipeline"], check.kind)])
  }

  validation {
    condition = alltrue([
      for key, check in var.missed_run_checks :
      check.kind == "job" ? check.job_name != null : check.state_machine_arn != null
    ])
    error_message = join("\n", [
      for key, check in var.missed_run_checks :
      "missed_run_checks[\"${key}\"]: a ${check.kind} check needs ${check.kind == "job" ? "job_name" : "state_machine_arn"}."
      if(check.kind == "job" ? check.job_name == null : check.state_machine_arn == null)
    ])
  }

  validation {
    condition = alltrue([
      for key, check in var.missed_run_checks :
      check.expected_interval_minutes == null ? true : (check.expected_interval_minutes >= 1 && floor(check.expected_interval_minutes) == check.expected_interval_minutes)
    ])
    error_message = join("\n", [
      for key, check in var.missed_run_checks :
      "missed_run_checks[\"${key}\"]: expected_interval_minutes ${check.expected_interval_minutes} must be a whole number of minutes >= 1."
      if check.expected_interval_minutes != null && !(try(check.expected_interval_minutes >= 1 && floor(check.expected_interval_minutes) == check.expected_interval_minutes, false))
    ])
  }
}

variable "missed_run_grace_minutes" {
  description = "Slack added to every expected interval before a missed run alarms (queue wait, start-up). The schedule's flexible window and runtime_minutes are added on top."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.missed_run_grace_minutes >= 5 && floor(var.missed_run_grace_minutes) == var.missed_run_grace_minutes
    error_message = "missed_run_grace_minutes: ${var.missed_run_grace_minutes} must be a whole number of minutes >= 5 (CloudWatch evaluates success counts in 5-minute periods)."
  }
}

variable "history_retention_days" {
  description = "Retention of the job-history log group (a CloudWatch Logs retention value)."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.history_retention_days)
    error_message = "history_retention_days: ${var.history_retention_days} is not a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "event_delivery" {
  description = "Retry policy of the monitoring rules' targets (SNS, job history); what still fails lands in the monitoring dead-letter queue."
  type = object({
    maximum_retry_attempts       = optional(number, 185)
    maximum_event_age_in_seconds = optional(number, 86400)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.event_delivery.maximum_retry_attempts >= 0 && var.event_delivery.maximum_retry_attempts <= 185
    error_message = "event_delivery.maximum_retry_attempts: ${var.event_delivery.maximum_retry_attempts} is outside 0-185."
  }

  validation {
    condition     = var.event_delivery.maximum_event_age_in_seconds >= 60 && var.event_delivery.maximum_event_age_in_seconds <= 86400
    error_message = "event_delivery.maximum_event_age_in_seconds: ${var.event_delivery.maximum_event_age_in_seconds} is outside 60-86400."
  }
}

variable "create_dashboard" {
  description = "Create a CloudWatch dashboard with queue, job, pipeline and dead-letter metrics and the latest job history."
  type        = bool
  default     = false
  nullable    = false
}

variable "log_group_name" {
  description = "Name of the job-history log group; null = /aws/events/<name>/job-history."
  type        = string
  default     = null
}

variable "iam_role_permissions_boundary" {
  description = "Permissions boundary (policy ARN) of every IAM role this module creates; null sets none."
  type        = string
  default     = null
}

variable "iam_role_path" {
  description = "IAM path of every role (and instance profile) this module creates."
  type        = string
  default     = "/"
}

variable "log_resource_policy" {
  description = <<-EOT
    CloudWatch Logs resource policy letting EventBridge write the job history (account-wide, at
    most 10 per Region): "stack" creates one for this stack's rules; "shared" creates the one
    policy (scheduled-batch-events-to-logs) for every /aws/events/ log group of the account;
    "existing" creates none and relies on such a policy created elsewhere.
  EOT
  type        = string
  default     = "stack"
  nullable    = false

  validation {
    condition     = contains(["stack", "shared", "existing"], var.log_resource_policy)
    error_message = "log_resource_policy: \"${var.log_resource_policy}\" is not valid (use \"stack\", \"shared\" or \"existing\")."
  }
}
