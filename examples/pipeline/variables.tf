variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "sb-pipeline"
}

variable "region" {
  description = "AWS Region."
  type        = string
  default     = "us-east-1"
}

variable "schedule_backend" {
  description = "\"scheduler\" (EventBridge Scheduler) or \"rules\" (EventBridge scheduled rules, UTC)."
  type        = string
  default     = "scheduler"
}

variable "account_id" {
  description = "Account for a plan without credentials; null reads the caller's."
  type        = string
  default     = null
}
