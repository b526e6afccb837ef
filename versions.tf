terraform {
  # 1.9: variable validation may refer to other variables (job -> queue -> compute environment
  # checks); 1.8: provider-defined functions (provider::aws::arn_parse).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.63.1: added the job queue's job_state_time_limit_action, the newest feature used here
      # according to the provider changelog (provider::aws::arn_parse came in 5.40).
      # < 7.0: every argument used exists in 5.100.0 and 6.62.0 alike (tests/schema proves it);
      # the compute environment is named by the provider because 6.0 renamed its name arguments.
      version = ">= 5.63.1, < 7.0"
    }
  }
}
