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
