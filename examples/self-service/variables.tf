variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "sb-selfservice"
}

variable "region" {
  description = "AWS Region."
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "Account for a plan without credentials; null reads the caller's."
  type        = string
  default     = null
}
