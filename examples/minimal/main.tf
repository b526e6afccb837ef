provider "aws" {
  region = var.region
}

module "vpc" {
  source = "../_shared/vpc"

  name = var.name
}

# One job, one daily schedule, everything else at its default: Fargate Spot first with Fargate
# as fallback, EventBridge Scheduler, a dead-letter queue, a KMS key for logs.
module "batch" {
  source = "../.."

  account_id = var.account_id
  name       = var.name
  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnet_ids

  jobs = {
    hello = {
      image   = "public.ecr.aws/docker/library/busybox:stable"
      command = ["echo", "hello from AWS Batch"]
      schedules = {
        daily = { expression = "cron(0 6 * * ? *)" }
      }
    }
  }
}
