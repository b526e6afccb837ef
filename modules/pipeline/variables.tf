variable "name" {
  description = "State machine name (1-80 characters: letters, digits, - and _)."
  type        = string
}

variable "pipeline" {
  description = "The pipeline's key in the root module (error messages, BATCH_PIPELINE in the jobs' environment)."
  type        = string
}

variable "description" {
  description = "Comment of the state machine definition."
  type        = string
  default     = null
}

variable "steps" {
  description = <<-EOT
    Steps by name. `job_queue` / `job_definition` go into the SubmitJob request as given (name or
    ARN; a job definition without revision runs its latest ACTIVE revision, so deploying a new
    revision never leaves the state machine pointing at a deregistered one);
    `job_queue_arn` / `job_definition_arn` (with or without revision) scope the role. `share_identifier` /
    `scheduling_priority` are sent for fair-share queues. `after` lists the steps that must have
    succeeded first; it must not form a cycle (the root module validates the graph).
  EOT
  type = map(object({
    job                 = string
    job_name            = string
    job_queue           = string
    job_queue_arn       = string
    job_definition      = string
    job_definition_arn  = string
    share_identifier    = optional(string)
    scheduling_priority = optional(number)
    after               = optional(list(string), [])
    parameters          = optional(map(string), {})
    command             = optional(list(string))
  }))
}

variable "timeout_seconds" {
  description = "The execution fails with States.Timeout after this many seconds; null = no pipeline timeout."
  type        = number
  default     = null
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
  default     = "aws"
}

variable "region" {
  description = "AWS Region of the state machine (ARNs in the role's policy)."
  type        = string
}

variable "role_name" {
  description = "Name of the state machine's IAM role."
  type        = string
}

variable "account_id" {
  description = "AWS account id (the trust condition and the ARNs of jobs and the managed Batch events rule)."
  type        = string
}

variable "log_level" {
  description = "Execution history logged to CloudWatch Logs: ALL, ERROR, FATAL or OFF."
  type        = string
  default     = "ERROR"
}

variable "include_execution_data" {
  description = "Log state inputs and outputs too (may contain parameters)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of the state machine's log group."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the log group; null = CloudWatch Logs' own encryption."
  type        = string
  default     = null
}

variable "tracing_enabled" {
  description = "Send traces to AWS X-Ray."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
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
