variable "pipeline" {
  description = "The pipeline's key (comment, BATCH_PIPELINE in the jobs' environment)."
  type        = string
}

variable "description" {
  description = "Comment of the definition; null = a generated one."
  type        = string
  default     = null
}

variable "partition" {
  description = "AWS partition of the Step Functions service integration ARN."
  type        = string
  default     = "aws"
}

variable "steps" {
  description = "Steps by name: the job's key, the SubmitJob JobName/JobQueue/JobDefinition, `after`, parameters and command."
  type = map(object({
    job            = string
    job_name       = string
    job_queue      = string
    job_definition = string
    # Fair-share queues need a share identifier at submit time.
    share_identifier    = optional(string)
    scheduling_priority = optional(number)
    after               = optional(list(string), [])
    parameters          = optional(map(string), {})
    command             = optional(list(string))
  }))
}

variable "timeout_seconds" {
  description = "TimeoutSeconds of the state machine; null = none."
  type        = number
  default     = null
}
