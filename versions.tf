terraform {
  # 1.9: variable validation may refer to other variables (job -> queue -> compute environment
  # checks); 1.8: provider-defined functions (provider::aws::arn_parse).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.60: compute_environment_order and job_state_time_limit_action on job queues and the
      # arn_parse function are all present. < 6.0: provider 6 renames
      # aws_batch_compute_environment.compute_environment_name_prefix to name_prefix.
      version = ">= 5.60, < 6.0"
    }
  }
}
