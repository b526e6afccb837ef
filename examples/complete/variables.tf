variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "sb-complete"
}

variable "region" {
  description = "AWS Region."
  type        = string
  default     = "us-east-1"
}

variable "reports_bucket" {
  description = "S3 bucket the sales report job may write to (only its reports/ prefix)."
  type        = string
  default     = "sb-complete-reports-example"
}

variable "db_password" {
  description = "Value stored in the example's database password secret (the optimize_db job reads it)."
  type        = string
  sensitive   = true
  default     = "example-only-not-a-password"
}

variable "account_id" {
  description = "Account for a plan without credentials; null reads the caller's."
  type        = string
  default     = null
}
