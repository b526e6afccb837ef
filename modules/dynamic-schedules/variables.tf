variable "group_name" {
  description = "Name of the schedule group the application's schedules live in."
  type        = string
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
  default     = "aws"
}

variable "region" {
  description = "AWS Region of the schedule group."
  type        = string
}

variable "account_id" {
  description = "AWS account id (aws:SourceAccount in the target roles' trust policies)."
  type        = string
}

variable "targets" {
  description = <<-EOT
    By job key: what one dynamic schedule of that job may submit. role_name (the job's target
    role), job_queue_arn, job_definition_arn, share_identifier (fair-share queues, else null),
    parameters (the job's declared parameters and their defaults: the only ones a schedule may
    set), max_per_user (how many schedules one owner may hold), retry_policy
    { maximum_retry_attempts, maximum_event_age_seconds }.
  EOT
  type = map(object({
    role_name          = string
    job_queue_arn      = string
    job_definition_arn = string
    share_identifier   = optional(string)
    parameters         = map(string)
    max_per_user       = number
    retry_policy = object({
      maximum_retry_attempts    = number
      maximum_event_age_seconds = number
    })
  }))
}

variable "dead_letter_queue_arn" {
  description = "SQS queue the schedules' undeliverable invocations go to."
  type        = string
}

variable "dead_letter_queue_kms_key_arn" {
  description = "KMS key of the dead-letter queue (the target roles may use it to send); null for none."
  type        = string
  default     = null
}

variable "manager_policy_name" {
  description = "Name of the managed policy an application's role attaches to manage the group's schedules."
  type        = string
}

variable "iam_role_path" {
  description = "Path of the target roles and of the manager policy."
  type        = string
  default     = "/"
}

variable "iam_role_permissions_boundary" {
  description = "Permissions boundary of the target roles (null for none)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the group, roles and policy."
  type        = map(string)
  default     = {}
}
