variable "name" {
  description = "Name of the schedule (Scheduler) or rule (EventBridge)."
  type        = string
}

variable "role_name" {
  description = "Name of the schedule's own IAM role."
  type        = string
}

variable "backend" {
  description = "\"scheduler\" (EventBridge Scheduler) or \"rules\" (EventBridge scheduled rules, UTC only)."
  type        = string
  default     = "scheduler"

  validation {
    condition     = contains(["scheduler", "rules"], var.backend)
    error_message = "backend: \"${var.backend}\" is not supported (use \"scheduler\" or \"rules\")."
  }
}

variable "group_name" {
  description = "Scheduler: schedule group of the schedule (also the aws:SourceArn the role trusts)."
  type        = string
  default     = "default"
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
  default     = "aws"
}

variable "region" {
  description = "AWS Region of the schedule (for the ARNs in the role's trust policy)."
  type        = string
}

variable "account_id" {
  description = "AWS account id (aws:SourceAccount in the role's trust policy)."
  type        = string
}

variable "expression" {
  description = "cron(...), rate(...) or, Scheduler only, at(...)."
  type        = string
}

variable "timezone" {
  description = "Scheduler: IANA time zone of the expression."
  type        = string
  default     = null
}

variable "flexible_window_minutes" {
  description = "Scheduler: flexible time window in minutes (1-1440); null means the exact time."
  type        = number
  default     = null
}

variable "start_date" {
  description = "Scheduler: first possible invocation (RFC 3339)."
  type        = string
  default     = null
}

variable "end_date" {
  description = "Scheduler: last possible invocation (RFC 3339)."
  type        = string
  default     = null
}

variable "enabled" {
  description = "Whether the schedule is enabled."
  type        = bool
  default     = true
}

variable "description" {
  description = "Description of the schedule."
  type        = string
  default     = null
}

variable "target_type" {
  description = "\"batch\" (SubmitJob) or \"step_functions\" (StartExecution)."
  type        = string
  default     = "batch"

  validation {
    condition     = contains(["batch", "step_functions"], var.target_type)
    error_message = "target_type: \"${var.target_type}\" is not supported (use \"batch\" or \"step_functions\")."
  }
}

variable "job_queue_arn" {
  description = "batch: ARN of the job queue the job is submitted to."
  type        = string
  default     = null
}

variable "job_definition_arn" {
  description = "batch: job definition ARN without revision (the latest active revision is submitted)."
  type        = string
  default     = null
}

variable "job_name" {
  description = "batch: name of the submitted jobs."
  type        = string
  default     = null
}

variable "parameters" {
  description = "batch: parameters overriding the job definition's (Ref::name placeholders)."
  type        = map(string)
  default     = {}
}

variable "command" {
  description = "batch: command override; null keeps the job definition's command."
  type        = list(string)
  default     = null
}

variable "share_identifier" {
  description = "batch, Scheduler only: share identifier for a fair-share queue."
  type        = string
  default     = null
}

variable "scheduling_priority_override" {
  description = "batch, Scheduler only: scheduling priority override for a fair-share queue."
  type        = number
  default     = null
}

variable "state_machine_arn" {
  description = "step_functions: ARN of the state machine to start."
  type        = string
  default     = null
}

variable "execution_input" {
  description = "step_functions: execution input (a JSON object). With backend \"rules\", scheduled_time, schedule_arn and execution_id are added from the scheduled event unless the object sets them."
  type        = string
  default     = "{}"
}

variable "dead_letter_queue_arn" {
  description = "SQS queue receiving events that could not be delivered."
  type        = string
}

variable "dead_letter_queue_kms_key_arn" {
  description = "Scheduler: KMS key of the dead-letter queue (the role sends with it). Null if the queue is not encrypted with a customer managed key."
  type        = string
  default     = null
}

variable "retry_maximum_attempts" {
  description = "Delivery retries before the event goes to the dead-letter queue (0-185)."
  type        = number
  default     = 3
}

variable "retry_maximum_event_age_seconds" {
  description = "Maximum age of an undelivered event (60-86400 s)."
  type        = number
  default     = 3600
}

variable "tags" {
  description = "Tags for the role and rule (Scheduler schedules take no tags)."
  type        = map(string)
  default     = {}
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
