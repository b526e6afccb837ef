variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "sb-minimal"
}

variable "region" {
  description = "AWS Region."
  type        = string
  default     = "us-east-1"
}
