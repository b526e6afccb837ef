provider "aws" {
  region = var.region
}

module "vpc" {
  source = "../_shared/vpc"

  name = var.name
}

# EventBridge scheduled rules (UTC, default bus) submitting to an EC2 queue that tries Spot
# instances first and falls back to On-Demand ones.
module "batch" {
  source = "../.."

  account_id = var.account_id
  name       = var.name
  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnet_ids
  tags       = { example = "eventbridge-rules" }

  schedule_backend = "rules"

  compute_environments = {
    spot = {
      type           = "SPOT"
      max_vcpus      = 32
      instance_types = ["m6i", "c6i", "r6i"]
      # SPOT_PRICE_CAPACITY_OPTIMIZED (the default) allows in-place updates.
    }
    on_demand = {
      type           = "EC2"
      max_vcpus      = 16
      instance_types = ["m6i", "c6i"]
      update_policy  = { job_execution_timeout_minutes = 30 }
    }
  }

  job_queues = {
    default = {
      priority             = 10
      compute_environments = ["spot", "on_demand"]
      # No Spot and no On-Demand capacity for an hour: cancel instead of waiting forever.
      cancel_runnable_after_seconds = 3600
    }
  }

  jobs = {
    nightly_etl = {
      image           = "public.ecr.aws/docker/library/busybox:stable"
      command         = ["echo", "extract, transform, load:", "Ref::scope"]
      parameters      = { scope = "full" }
      vcpu            = 1
      memory          = 2048
      timeout_seconds = 7200
      retry           = { attempts = 5 } # Spot reclaims ("Host EC2 ... terminated") are retried
      schedules = {
        nightly = {
          expression                = "cron(30 1 * * ? *)"
          expected_interval_minutes = 1440
        }
        hourly_delta = {
          expression                = "rate(1 hour)"
          parameters                = { scope = "delta" }
          expected_interval_minutes = 60
        }
      }
    }
  }
}
