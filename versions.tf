terraform {
  # 1.9: variable validation may refer to other variables (job -> queue -> compute environment
  # checks); 1.8: provider-defined functions (provider::aws::arn_parse).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.60: the first 5.x with everything used here — compute_environment_order and
      # job_state_time_limit_action on job queues, the provider::aws::arn_parse function.
      # < 7.0: every argument used exists in 5.100.0 and 6.62.0 alike (tests/schema proves it);
      # the compute environment is named by the provider because 6.0 renamed its name arguments.
      version = ">= 5.60, < 7.0"
    }
  }
}
