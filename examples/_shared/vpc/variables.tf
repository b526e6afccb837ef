variable "name" {
  description = "Name tag prefix."
  type        = string
}

variable "cidr_block" {
  description = "VPC CIDR block; the module carves a /24 per subnet from it."
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_suffixes" {
  description = "Availability Zone letters of the private subnets (the zones are named from the provider's Region, so planning needs no API call)."
  type        = list(string)
  default     = ["a", "b"]
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
