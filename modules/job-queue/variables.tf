variable "name" {
  description = "Job queue name."
  type        = string
}

variable "priority" {
  description = "Queue priority (higher runs first when queues share compute environments)."
  type        = number
}

variable "state" {
  description = "ENABLED or DISABLED."
  type        = string
  default     = "ENABLED"
}

variable "compute_environment_arns" {
  description = "Compute environments in order of preference (first is tried first)."
  type        = list(string)
}

variable "cancel_runnable_after_seconds" {
  description = "Cancel a job that has waited this long in RUNNABLE because capacity is missing or can never fit (job_state_time_limit_action). Null disables it."
  type        = number
  default     = null
}

variable "fair_share" {
  description = "Fair-share scheduling policy; null keeps the queue first-in, first-out."
  type = object({
    share_decay_seconds = optional(number, 0)
    compute_reservation = optional(number, 0)
    shares              = optional(map(number), {})
  })
  default = null
}

variable "tags" {
  description = "Tags for the queue and its scheduling policy."
  type        = map(string)
  default     = {}
}
