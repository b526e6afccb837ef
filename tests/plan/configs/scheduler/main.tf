# Targeted plan-test config: every input path of the module with the scheduler backend. account_id
# fixes the account (no credentials offline), so ARNs, policies and schedule inputs are known at
# plan time.
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

  name        = "tp"
  vpc_id      = "vpc-0a1b2c3d"
  subnet_ids  = ["subnet-0a1b2c3d", "subnet-1a2b3c4d"]
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  tags        = { team = "data" }

  compute_environments = {
    fargate_spot = { type = "FARGATE_SPOT", max_vcpus = 64 }
    fargate      = { type = "FARGATE", max_vcpus = 16, security_group_ids = ["sg-0fedcba987654321f"] }
    gpu_spot     = { type = "SPOT", max_vcpus = 32, instance_types = ["g5.xlarge"], instance_tags = { purpose = "gpu" } }
    gpu_ondemand = { type = "EC2", max_vcpus = 16, instance_types = ["g5.xlarge"], launch_template = { name = "custom-lt", version = "3" } }
    graviton     = { type = "EC2", max_vcpus = 8, architecture = "ARM64", subnet_ids = ["subnet-2a2b3c4d"] }
  }

  job_queues = {
    default = { priority = 1, compute_environments = ["fargate_spot", "fargate"], cancel_runnable_after_seconds = 3600 }
    urgent  = { priority = 100, compute_environments = ["fargate"] }
    gpu     = { priority = 50, compute_environments = ["gpu_spot", "gpu_ondemand"] }
    fair = {
      compute_environments = ["fargate"]
      fair_share           = { share_decay_seconds = 3600, compute_reservation = 10, shares = { fairjob = 1.5 } }
    }
    graviton = { compute_environments = ["graviton"] }
  }

  jobs = {
    report = {
      image                = "123456789012.dkr.ecr.us-east-1.amazonaws.com/reports:1.2"
      command              = ["report", "Ref::period"]
      parameters           = { period = "daily" }
      vcpu                 = 0.25
      memory               = 1024
      timeout_seconds      = 600
      environment          = { LOG_LEVEL = "debug", A_FIRST = "1" }
      secrets              = { DB_PASSWORD = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db", API_TOKEN = "arn:aws:ssm:us-east-1:123456789012:parameter/tp/api-token" }
      secrets_kms_key_arns = ["arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"]
      iam_policy_statements = [
        { sid = "ReadInput", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::tp-input/*"] },
        {
          actions    = ["s3:ListBucket"]
          resources  = ["arn:aws:s3:::tp-input"]
          conditions = [{ test = "StringLike", variable = "s3:prefix", values = ["daily/*"] }]
        },
      ]
      user                  = "1000:1000"
      writable_paths        = ["/tmp"]
      ephemeral_storage_gib = 50
      log_retention_days    = 90
      schedules = {
        nightly = {
          expression              = "cron(0 2 * * ? *)"
          timezone                = "Europe/Berlin"
          flexible_window_minutes = 15
          start_date              = "2030-01-01T00:00:00Z"
          end_date                = "2031-01-01T00:00:00Z"
          parameters              = { period = "nightly" }
          command                 = ["report", "--full"]
        }
        paused = { expression = "rate(5 minutes)", enabled = false }
      }
    }
    isolated = {
      image = "public.ecr.aws/docker/library/busybox:stable"
      network = {
        egress = [
          { port = 5432, cidr_blocks = ["10.0.0.0/16"], description = "database" },
          { from_port = 8000, to_port = 8100, protocol = "udp", prefix_list_ids = ["pl-12345678"] },
          { port = 443, security_group_ids = ["sg-0123456789abcdef0"] },
        ]
      }
      schedules = { hourly = { expression = "rate(1 hour)" } }
    }
    gpu_train = {
      image  = "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:3"
      queue  = "gpu"
      vcpu   = 4
      memory = 16384
      gpu    = 1
      retry = {
        attempts = 5
        rules = [
          { action = "retry", on_exit_code = "137" },
          { action = "RETRY", on_status_reason = "Host EC2*" },
          { action = "EXIT", on_reason = "*" },
        ]
      }
      schedules = { weekly = { expression = "cron(0 4 ? * SUN *)" } }
    }
    fair_job = {
      image               = "public.ecr.aws/docker/library/busybox:stable"
      queue               = "fair"
      scheduling_priority = 10
      schedules           = { every = { expression = "rate(30 minutes)" } }
    }
    arm_fargate = {
      image        = "public.ecr.aws/docker/library/busybox:stable"
      queue        = "urgent"
      architecture = "ARM64"
      vcpu         = 2
      memory       = 4096
    }
    arm_ec2 = {
      image = "public.ecr.aws/docker/library/busybox:stable"
      queue = "graviton"
    }
    no_perms = {
      image                    = "public.ecr.aws/docker/library/busybox:stable"
      readonly_root_filesystem = false
    }
  }
}

output "account_id" {
  value = module.batch.account_id
}

output "job_queue_compute_environments" {
  value = module.batch.job_queue_compute_environments
}

output "schedules" {
  value = module.batch.schedules
}
