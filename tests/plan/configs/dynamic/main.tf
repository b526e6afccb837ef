# Targeted plan-test config: dynamic schedules for one of two jobs, with a role path and a
# permissions boundary. A given account id makes every ARN known at plan time.
terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.63.1, < 7.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

module "batch" {
  source = "../../../.."

  name                          = "dp"
  account_id                    = "123456789012"
  vpc_id                        = "vpc-0a1b2c3d"
  subnet_ids                    = ["subnet-0a1b2c3d"]
  kms_key_arn                   = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  iam_role_path                 = "/batch/"
  iam_role_permissions_boundary = "arn:aws:iam::123456789012:policy/boundary"
  schedule_retry_policy         = { maximum_retry_attempts = 4, maximum_event_age_seconds = 1800 }

  jobs = {
    report = {
      image             = "public.ecr.aws/docker/library/busybox:stable"
      command           = ["report", "Ref::period", "Ref::format"]
      parameters        = { period = "daily", format = "pdf" }
      dynamic_schedules = { enabled = true, max_per_user = 5 }
      schedules         = { weekly = { expression = "cron(0 8 ? * MON *)", timezone = "Europe/Berlin", parameters = { format = "csv" } } }
    }
    export = {
      image             = "public.ecr.aws/docker/library/busybox:stable"
      dynamic_schedules = { enabled = true, retry_policy = { maximum_retry_attempts = 0 } }
    }
    nightly = {
      image     = "public.ecr.aws/docker/library/busybox:stable"
      schedules = { nightly = { expression = "cron(0 2 * * ? *)" } }
    }
  }
}

output "group_name" {
  value = module.batch.dynamic_schedule_group_name
}

output "targets" {
  value = module.batch.dynamic_schedule_targets
}

output "manager_policy_json" {
  value = module.batch.dynamic_schedule_manager_policy_json
}
