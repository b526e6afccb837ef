# Targeted plan-test config: a platform team's set-up. The KMS key lives in a central security
# account (999999999999), the stack in the caller's (account_id, as a plan without credentials
# passes it); every role needs a boundary and a path; a job role, a queue and two compute
# environments (one unmanaged) already exist. (Pipelines are planned against the emulator: their
# state machine definition is validated by the service at plan time.)
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

variable "create" {
  type    = bool
  default = true
}

# A policy created in the same apply: its ARN is known only after apply.
resource "aws_iam_policy" "extra" {
  name = "ent-extra"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::ent-input/*"] }]
  })
}

module "batch" {
  source = "../../../.."

  create      = var.create
  account_id  = "123456789012"
  name        = "ent"
  vpc_id      = "vpc-0a1b2c3d"
  subnet_ids  = ["subnet-0a1b2c3d"]
  kms_key_arn = "arn:aws:kms:us-east-1:999999999999:key/11111111-2222-3333-4444-555555555555"

  iam_role_permissions_boundary = "arn:aws:iam::123456789012:policy/platform-boundary"
  iam_role_path                 = "/batch/"

  compute_environments = {
    fargate   = { type = "FARGATE", max_vcpus = 16 }
    ec2       = { type = "EC2", max_vcpus = 16 }
    platform  = { type = "FARGATE", arn = "arn:aws:batch:us-east-1:123456789012:compute-environment/platform-fargate" }
    unmanaged = { type = "EC2", arn = "arn:aws:batch:us-east-1:123456789012:compute-environment/on-premises" }
  }

  job_queues = {
    default = { compute_environments = ["fargate", "platform"] }
    ec2     = { compute_environments = ["ec2", "unmanaged"] }
    private = { compute_environments = ["ec2"] }
  }

  jobs = {
    own = {
      image           = "public.ecr.aws/docker/library/busybox:stable"
      iam_policy_arns = { extra = aws_iam_policy.extra.arn }
      # Weekly: its missed-run alarm needs heartbeats (a role of the monitoring).
      schedules = { weekly = { expression = "cron(0 2 ? * MON *)" } }
    }
    byo = {
      image              = "public.ecr.aws/docker/library/busybox:stable"
      job_role_arn       = "arn:aws:iam::123456789012:role/platform/reporting-job"
      execution_role_arn = "arn:aws:iam::123456789012:role/platform/reporting-exec"
      queue_arn          = "arn:aws:batch:us-east-1:123456789012:job-queue/platform-shared"
      schedules          = { hourly = { expression = "rate(1 hour)" } }
    }
    private_a = {
      image   = "public.ecr.aws/docker/library/busybox:stable"
      queue   = "private"
      network = { egress = [{ port = 443, cidr_blocks = ["10.0.0.0/8"] }, { port = 5432, security_group_ids = ["sg-0123456789abcdef0"] }] }
    }
    private_b = {
      image   = "public.ecr.aws/docker/library/busybox:stable"
      queue   = "private"
      network = { egress = [{ port = 443, cidr_blocks = ["10.0.0.0/8"] }] }
    }
  }

  monitoring = { log_resource_policy = "shared" }
}

output "account_id" {
  value = module.batch.account_id
}

output "job_role_arns" {
  value = module.batch.job_role_arns
}

output "execution_role_arns" {
  value = module.batch.execution_role_arns
}

output "job_queue_arn_by_job" {
  value = module.batch.job_queue_arn_by_job
}
