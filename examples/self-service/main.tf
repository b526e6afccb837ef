provider "aws" {
  region = var.region
}

module "vpc" {
  source = "../_shared/vpc"

  name = var.name
}

# A report job that the application's users schedule themselves ("every Monday at 8 in my time
# zone, as PDF"): no schedule in Terraform, one schedule group for the application, a target
# role that can submit only this job, and the policy the application's role attaches.
module "batch" {
  source = "../.."

  name       = var.name
  account_id = var.account_id
  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnet_ids

  jobs = {
    report = {
      image   = "public.ecr.aws/docker/library/busybox:stable"
      command = ["echo", "report", "Ref::period", "Ref::format"]
      # The only parameters a user's schedule may set, with their defaults.
      parameters        = { period = "last-week", format = "pdf" }
      dynamic_schedules = { enabled = true, max_per_user = 3 }
    }
  }
}
