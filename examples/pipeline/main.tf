provider "aws" {
  region = var.region
}

module "vpc" {
  source = "../_shared/vpc"

  name = var.name
}

locals {
  image = "public.ecr.aws/docker/library/busybox:stable"
  # Time zones are a Scheduler feature; scheduled rules run in UTC.
  timezone = var.schedule_backend == "scheduler" ? "Europe/Berlin" : null
}

# Two pipelines over five jobs:
#
#   weekly   optimize -> report                      (Sundays 03:00: the mission's example)
#   nightly  extract -> { orders, customers } -> load -> report
#            (a fan-out/fan-in diamond: orders and customers run in parallel, load waits for both)
#
# A job may appear in several pipelines (sales_report: weekly and nightly, transform: twice in
# nightly with different commands) and still have schedules of its own (optimize_db: monthly).
module "batch" {
  source = "../.."

  account_id       = var.account_id
  name             = var.name
  vpc_id           = module.vpc.vpc_id
  subnet_ids       = module.vpc.private_subnet_ids
  schedule_backend = var.schedule_backend

  jobs = {
    optimize_db = {
      image           = local.image
      command         = ["echo", "VACUUM ANALYZE"]
      timeout_seconds = 3600
      schedules = {
        monthly = { expression = "cron(0 4 1 * ? *)", timezone = local.timezone }
      }
    }
    sales_report = {
      image      = local.image
      command    = ["echo", "sales report for", "Ref::period"]
      parameters = { period = "last-week" }
    }
    extract = {
      image   = local.image
      command = ["echo", "extract"]
    }
    transform = {
      image   = local.image
      command = ["echo", "transform", "Ref::table"]
    }
    load = {
      image   = local.image
      command = ["echo", "load"]
    }
  }

  pipelines = {
    weekly = {
      description = "Optimise the database, then build the weekly sales report"
      steps = {
        optimize = { job = "optimize_db" }
        report   = { job = "sales_report", after = ["optimize"] }
      }
      schedules = {
        sunday = { expression = "cron(0 3 ? * SUN *)", timezone = local.timezone }
      }
      timeout_seconds = 4 * 3600
    }

    nightly = {
      description = "Extract, transform two tables in parallel, load, report"
      steps = {
        extract   = { job = "extract" }
        orders    = { job = "transform", after = ["extract"], parameters = { table = "orders" } }
        customers = { job = "transform", after = ["extract"], parameters = { table = "customers" } }
        load      = { job = "load", after = ["orders", "customers"] }
        report = {
          job        = "sales_report"
          after      = ["load"]
          parameters = { period = "yesterday" }
        }
      }
      schedules = {
        nightly = {
          expression = "cron(30 1 * * ? *)"
          timezone   = local.timezone
          parameters = { run = "scheduled" }
        }
      }
      timeout_seconds = 6 * 3600
      log_level       = "ALL"
    }
  }
}
