# The module call a consumer first writes (jobs, queues, schedules), with the placeholders
# ("vpc-...", "...") of a sketch: it must plan offline. (pipelines and notifications belong to
# their own modules and tests.)
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
  region = "eu-west-1"
}

module "batch" {
  source = "../../../.."
  # Offline plan: no caller identity to read.
  account_id = "123456789012"
  name       = "reports"
  vpc_id     = "vpc-..."
  subnet_ids = ["subnet-..."]
  tags       = { team = "data" }

  schedule_backend = "scheduler"

  compute_environments = {
    fargate_spot = { type = "FARGATE_SPOT", max_vcpus = 64 }
    fargate      = { type = "FARGATE", max_vcpus = 16 }
    gpu_spot     = { type = "SPOT", instance_types = ["g5.xlarge"], max_vcpus = 32 }
  }
  job_queues = {
    default = { priority = 1, compute_environments = ["fargate_spot", "fargate"] }
    urgent = { priority = 100, compute_environments = ["fargate"],
    cancel_runnable_after_seconds = 1800 }
  }

  jobs = {
    optimize_db = {
      image                 = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/db-tools:1.4"
      command               = ["optimize", "--all"]
      vcpu                  = 1
      memory                = 2048
      queue                 = "urgent"
      timeout_seconds       = 3600
      retry                 = { attempts = 3 }
      environment           = { LOG_LEVEL = "info" }
      secrets               = { DB_PASSWORD = "arn:aws:secretsmanager:...:secret:db" }
      iam_policy_statements = [{ actions = ["rds:DescribeDBInstances"], resources = ["*"] }]
      network               = { egress = [{ port = 5432, cidr_blocks = ["10.0.0.0/16"] }] }
      schedules             = { nightly = { expression = "cron(0 2 * * ? *)", timezone = "Europe/Berlin" } }
    }
    sales_report = { image = "...", command = ["report", "--weekly"] }
  }
}
