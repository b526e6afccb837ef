variable "name" {
  description = "Name prefix of the compute environment (a random suffix is added so it can be replaced before it is destroyed)."
  type        = string
}

variable "type" {
  description = "FARGATE, FARGATE_SPOT, EC2 or SPOT."
  type        = string
}

variable "max_vcpus" {
  description = "Maximum vCPUs the environment may run."
  type        = number
}

variable "min_vcpus" {
  description = "EC2/SPOT: vCPUs kept running when idle."
  type        = number
  default     = 0
}

variable "desired_vcpus" {
  description = "EC2/SPOT: initial desired vCPUs (Batch changes it afterwards, so later drift is ignored)."
  type        = number
  default     = null
}

variable "instance_types" {
  description = "EC2/SPOT: instance types or families."
  type        = list(string)
  default     = ["optimal"]
}

variable "allocation_strategy" {
  description = "EC2/SPOT allocation strategy."
  type        = string
  default     = null
}

variable "bid_percentage" {
  description = "SPOT: maximum percentage of the On-Demand price."
  type        = number
  default     = null
}

variable "spot_iam_fleet_role" {
  description = "SPOT with BEST_FIT: ARN of the Spot Fleet role."
  type        = string
  default     = null
}

variable "instance_profile_arn" {
  description = "EC2/SPOT: an instance profile to use (a network-isolated copy shares its original's); null creates a role and profile."
  type        = string
  default     = null
}

variable "launch_template" {
  description = "EC2/SPOT: launch template to use instead of the module's IMDSv2-only template."
  type = object({
    id      = optional(string)
    name    = optional(string)
    version = optional(string)
  })
  default = null
}

variable "image_type" {
  description = "EC2/SPOT: ECS-optimised AMI type (ec2_configuration.image_type)."
  type        = string
  default     = "ECS_AL2023"
}

variable "image_id" {
  description = "EC2/SPOT: AMI id overriding image_type's default AMI."
  type        = string
  default     = null
}

variable "instance_tags" {
  description = "EC2/SPOT: tags for the instances (compute_resources.tags; changing them replaces the environment, so module-wide tags are not copied here)."
  type        = map(string)
  default     = {}
}

variable "subnet_ids" {
  description = "Subnets the environment launches into."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the environment (and so of every job it runs)."
  type        = list(string)
}

variable "service_role" {
  description = "ARN of a Batch service role. Null uses the AWSServiceRoleForBatch service-linked role, which in-place infrastructure updates require."
  type        = string
  default     = null
}

variable "state" {
  description = "ENABLED or DISABLED."
  type        = string
  default     = "ENABLED"
}

variable "update_policy" {
  description = "EC2/SPOT infrastructure update policy."
  type = object({
    job_execution_timeout_minutes = optional(number, 30)
    terminate_jobs_on_update      = optional(bool, false)
  })
  default = null
}

variable "tags" {
  description = "Tags of the environment resource itself (updatable in place)."
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
