variable "name" {
  description = "Job definition name."
  type        = string
}

variable "job_role_name" {
  description = "Name of the job's IAM role (what the container may do)."
  type        = string
}

variable "execution_role_name" {
  description = "Name of the job's execution role (image pull, its log group, its secrets)."
  type        = string
}

variable "job_role_arn" {
  description = "An existing job role to use; null creates one named job_role_name."
  type        = string
  default     = null
}

variable "execution_role_arn" {
  description = "An existing execution role to use; null creates one named execution_role_name."
  type        = string
  default     = null
}

variable "log_group_name" {
  description = "Name of the job's CloudWatch log group."
  type        = string
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
}

variable "region" {
  description = "AWS Region of the resources (for the ARNs this module builds)."
  type        = string
}

variable "account_id" {
  description = "AWS account id (for ARNs the policies name and for the trust condition)."
  type        = string
}

variable "platform" {
  description = "FARGATE or EC2: the family of the compute environments behind the job's queue."
  type        = string
}

variable "image" {
  description = "Container image."
  type        = string
}

variable "command" {
  description = "Container command; empty keeps the image's default."
  type        = list(string)
  default     = []
}

variable "vcpu" {
  description = "vCPUs (Fargate: 0.25 to 16; EC2: whole numbers)."
  type        = number
}

variable "memory" {
  description = "Memory in MiB."
  type        = number
}

variable "gpu" {
  description = "EC2: number of GPUs."
  type        = number
  default     = null
}

variable "architecture" {
  description = "CPU architecture, X86_64 or ARM64 (Fargate runtimePlatform)."
  type        = string
  default     = "X86_64"
}

variable "environment" {
  description = "Plain environment variables."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variable name => Secrets Manager secret ARN or SSM parameter ARN (valueFrom)."
  type        = map(string)
  default     = {}
}

variable "secrets_kms_key_arns" {
  description = "Customer managed KMS keys that encrypt the secrets (the execution role may decrypt with them)."
  type        = list(string)
  default     = []
}

variable "parameters" {
  description = "Default job parameters (Ref::name placeholders in the command)."
  type        = map(string)
  default     = {}
}

variable "timeout_seconds" {
  description = "Attempt timeout in seconds (>= 60)."
  type        = number
}

variable "retry_attempts" {
  description = "Attempts (1-10)."
  type        = number
}

variable "retry_rules" {
  description = "Ordered evaluateOnExit rules; null uses the defaults (retry infrastructure and Spot losses, exit otherwise)."
  type = list(object({
    action           = string
    on_status_reason = optional(string)
    on_reason        = optional(string)
    on_exit_code     = optional(string)
  }))
  default = null
}

variable "readonly_root_filesystem" {
  description = "Mount the container's root filesystem read-only."
  type        = bool
  default     = true
}

variable "user" {
  description = "User (name or uid[:gid]) the container runs as; null keeps the image's user."
  type        = string
  default     = null
}

variable "writable_paths" {
  description = "Container paths that get a writable scratch volume (useful with a read-only root filesystem, e.g. /tmp)."
  type        = list(string)
  default     = []
}

variable "ephemeral_storage_gib" {
  description = "Fargate: ephemeral storage in GiB (21-200); null keeps the 20 GiB default."
  type        = number
  default     = null
}

variable "iam_policy_statements" {
  description = "The only permissions of the job role."
  type = list(object({
    sid       = optional(string)
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []
}

variable "iam_policy_arns" {
  description = "Managed policies attached to the job role, by a name of the caller's choosing (static keys: the ARNs may be known only after apply)."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "Log retention in days."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the log group; null uses CloudWatch Logs' default encryption."
  type        = string
  default     = null
}

variable "scheduling_priority" {
  description = "Scheduling priority for fair-share queues; null otherwise."
  type        = number
  default     = null
}

variable "propagate_tags" {
  description = "Propagate job and job definition tags to the ECS task."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource of the job."
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
