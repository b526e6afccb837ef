variable "name" {
  description = "Schedule group name."
  type        = string
}

variable "tags" {
  description = "Tags for the group."
  type        = map(string)
  default     = {}
}
