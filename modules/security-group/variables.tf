variable "name" {
  description = "Name prefix of the security group."
  type        = string
}

variable "description" {
  description = "Security group description."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the security group."
  type        = string
}

variable "egress" {
  description = "Egress rules. Each rule names exactly one kind of destination; protocol \"-1\" means all protocols and ports."
  type = list(object({
    protocol           = optional(string, "tcp")
    from_port          = number
    to_port            = number
    cidr_blocks        = optional(list(string), [])
    ipv6_cidr_blocks   = optional(list(string), [])
    prefix_list_ids    = optional(list(string), [])
    security_group_ids = optional(list(string), [])
    description        = optional(string)
  }))
}

variable "tags" {
  description = "Tags for the security group and its rules."
  type        = map(string)
  default     = {}
}
