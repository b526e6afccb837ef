variable "name" {
  description = "Prefix of the key alias (alias/<name>)."
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
  description = "The caller's AWS account id: the key policy delegates to it and scopes service access to it."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of an existing KMS key to use instead of creating one. Its key policy must already let CloudWatch Logs and EventBridge use it."
  type        = string
  default     = null
}

variable "log_group_arn_patterns" {
  description = "ARN patterns of the log groups CloudWatch Logs may encrypt with the created key (kms:EncryptionContext:aws:logs:arn). Use `<account>` for the account id."
  type        = list(string)
  default     = []
}

variable "service_principals" {
  description = "Service principals (besides CloudWatch Logs) that may generate data keys and decrypt for resources of this account, e.g. EventBridge delivering to an encrypted DLQ."
  type        = list(string)
  default     = ["events.amazonaws.com"]
}

variable "deletion_window_in_days" {
  description = "Waiting period before a scheduled key deletion completes."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  default     = {}
}
