variable "name" {
  description = "Queue name."
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
  description = "AWS account id of the queue (its ARN is built from the name, so the queue policy is known at plan time)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the queue."
  type        = string
}

variable "message_retention_seconds" {
  description = "How long undelivered schedule events are kept (60 s to 14 days)."
  type        = number
  default     = 1209600
}

variable "allow_eventbridge_rules" {
  description = "Whether EventBridge scheduled rules deliver their failures here (adds a queue policy for events.amazonaws.com)."
  type        = bool
  default     = false
}

variable "eventbridge_rule_arn_patterns" {
  description = "ARN patterns of the rules allowed to send to the queue (aws:SourceArn, wildcards allowed)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the queue."
  type        = map(string)
  default     = {}
}
