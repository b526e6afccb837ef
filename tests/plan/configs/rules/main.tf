# Targeted plan-test config: the EventBridge rules backend. account_id fixes the account.
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
  # Offline plan: no caller identity to read.
  account_id = "123456789012"

  name             = "tr"
  vpc_id           = "vpc-0a1b2c3d"
  subnet_ids       = ["subnet-0a1b2c3d"]
  kms_key_arn      = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  schedule_backend = "rules"
  schedule_retry_policy = {
    maximum_retry_attempts    = 10
    maximum_event_age_seconds = 7200
  }

  compute_environments = {
    spot      = { type = "SPOT", max_vcpus = 32 }
    on_demand = { type = "EC2", max_vcpus = 16 }
  }

  jobs = {
    etl = {
      image      = "public.ecr.aws/docker/library/busybox:stable"
      command    = ["etl", "Ref::scope"]
      parameters = { scope = "full" }
      schedules = {
        nightly = { expression = "cron(30 1 * * ? *)" }
        delta   = { expression = "rate(1 hour)", parameters = { scope = "delta" }, command = ["etl", "--delta"] }
        off     = { expression = "rate(1 day)", enabled = false }
      }
    }
  }
}

output "job_queue_compute_environments" {
  value = module.batch.job_queue_compute_environments
}

output "schedule_group_name" {
  value = module.batch.schedule_group_name
}
