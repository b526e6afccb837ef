provider "aws" {
  region = var.region
}

module "vpc" {
  source = "../_shared/vpc"

  name = var.name
}

# The database password the network-isolated job reads. Its value is not managed here: set it
# with `aws secretsmanager put-secret-value` (the job's execution role may read only this secret).
resource "aws_secretsmanager_secret" "db_password" {
  #checkov:skip=CKV2_AWS_57:Example secret whose value is set out of band; rotating a database password needs a rotation function for that database, outside this module.
  #checkov:skip=CKV_AWS_149:Example secret; with a customer managed key, pass it in kms_key_id and list it in the job's secrets_kms_key_arns so the execution role may decrypt.
  name_prefix             = "${var.name}-db-password-"
  description             = "${var.name}: password of the reporting database"
  recovery_window_in_days = 7
}

# A stand-in value so the example runs end to end (the job fails at start without one, as on
# AWS). A real deployment sets the password out of band and drops this resource.
resource "aws_secretsmanager_secret_version" "db_password" {
  secret_id     = aws_secretsmanager_secret.db_password.id
  secret_string = var.db_password
}

module "batch" {
  source = "../.."

  account_id = var.account_id
  name       = var.name
  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnet_ids
  tags       = { example = "complete", team = "data" }

  schedule_backend = "scheduler"
  schedule_retry_policy = {
    maximum_retry_attempts    = 5
    maximum_event_age_seconds = 1800
  }

  compute_environments = {
    fargate_spot = { type = "FARGATE_SPOT", max_vcpus = 32 }
    fargate      = { type = "FARGATE", max_vcpus = 16 }
  }

  job_queues = {
    # Spot first, On-Demand Fargate when Spot has no capacity; give up after an hour in RUNNABLE.
    default = {
      priority                      = 1
      compute_environments          = ["fargate_spot", "fargate"]
      cancel_runnable_after_seconds = 3600
    }
    # Important work: On-Demand only, and ahead of "default" when both wait for capacity.
    urgent = {
      priority                      = 100
      compute_environments          = ["fargate"]
      cancel_runnable_after_seconds = 1800
    }
  }

  jobs = {
    # Network-isolated: its own security group (PostgreSQL inside the VPC, HTTPS out), and so
    # its own copy of the "urgent" compute environment and queue.
    optimize_db = {
      image           = "public.ecr.aws/docker/library/postgres:16-alpine"
      command         = ["sh", "-c", "echo optimizing the database at $DB_HOST; test -n \"$DB_PASSWORD\" && echo password received; date -u > /tmp/optimized && echo marker written to /tmp/optimized"]
      vcpu            = 1
      memory          = 2048
      queue           = "urgent"
      timeout_seconds = 1800
      writable_paths  = ["/tmp"]
      retry           = { attempts = 3 }
      environment     = { DB_HOST = "reports-db.internal.example", LOG_LEVEL = "info" }
      secrets         = { DB_PASSWORD = aws_secretsmanager_secret.db_password.arn }
      network = {
        egress = [
          { port = 5432, cidr_blocks = [module.vpc.vpc_cidr_block], description = "PostgreSQL inside the VPC" },
          { port = 443, cidr_blocks = ["0.0.0.0/0"], description = "HTTPS to ECR, CloudWatch Logs and Secrets Manager" },
        ]
      }
      schedules = {
        nightly = {
          expression                = "cron(0 2 * * ? *)"
          timezone                  = "Europe/Berlin"
          expected_interval_minutes = 1440
        }
      }
    }

    # Parameters with per-schedule overrides, explicit ordered retry rules, a least-privilege role.
    sales_report = {
      image           = "public.ecr.aws/docker/library/busybox:stable"
      command         = ["sh", "-c", "echo building the sales report for period $0; printf 'row %s %s\\n' north 12 south 7 east 9 | tee /tmp/report.txt; echo rows: $(wc -l < /tmp/report.txt)", "Ref::period"]
      parameters      = { period = "weekly" }
      vcpu            = 0.5
      memory          = 1024
      timeout_seconds = 900
      writable_paths  = ["/tmp"]
      retry = {
        attempts = 2
        rules = [
          { action = "RETRY", on_status_reason = "Host EC2*" },
          { action = "RETRY", on_status_reason = "Your Spot Task was interrupted*" },
          { action = "RETRY", on_exit_code = "75" },
          { action = "EXIT", on_reason = "*" },
        ]
      }
      iam_policy_statements = [
        { sid = "WriteReports", actions = ["s3:PutObject"], resources = ["arn:aws:s3:::${var.reports_bucket}/reports/*"] },
      ]
      schedules = {
        weekly = {
          expression                = "cron(0 3 ? * MON *)"
          timezone                  = "Europe/Berlin"
          flexible_window_minutes   = 30
          expected_interval_minutes = 10080
        }
        daily_flash = {
          expression                = "rate(1 day)"
          parameters                = { period = "daily" }
          expected_interval_minutes = 1440
        }
        year_end = {
          expression  = "at(2030-12-31T18:00:00)"
          timezone    = "Europe/Berlin"
          parameters  = { period = "yearly" }
          description = "one-time year-end report"
        }
      }
    }

    # ARM64 on the On-Demand queue (Fargate Spot has no ARM64 capacity), no permissions at all.
    cleanup = {
      image        = "public.ecr.aws/docker/library/busybox:stable"
      command      = ["echo", "cleaning up"]
      vcpu         = 0.25
      memory       = 512
      architecture = "ARM64"
      queue        = "urgent"
      schedules = {
        hourly = {
          expression = "rate(1 hour)"
          end_date   = "2035-12-31T23:00:00Z"
          command    = ["echo", "hourly cleanup"]
        }
      }
    }
  }

  # Failed jobs, dead letters, missed runs and failed pipelines reach on-call by email.
  notifications    = { email_addresses = ["oncall@example.com"] }
  create_dashboard = true
}
