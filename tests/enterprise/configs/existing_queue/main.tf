# A platform team's consumer, end to end: the queue (with its Fargate compute environment) and
# the job role belong to "another stack" (created here, outside the module), the KMS key to the
# organisation's central security account; every role the module creates must carry the
# boundary and the path, and every ARN it builds must name this account, never the key's. The consumer names them by ARN built from
# their names, as it would another stack's: an existing role or queue must be known at plan time
# (whether the module creates one depends on it).
terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.63.1, < 7.0"
    }
  }
}

variable "name" {
  type    = string
  default = "ent-e2e"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

provider "aws" {
  region = var.region
}

module "vpc" {
  source = "../../../../examples/_shared/vpc"

  name = var.name
}

################################################################################
# The platform's own resources
################################################################################

resource "aws_iam_policy" "boundary" {
  name        = "${var.name}-boundary"
  description = "What any role of the batch stack may ever do"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["batch:*", "states:*", "events:*", "logs:*", "sqs:SendMessage", "kms:*", "sns:Publish", "cloudwatch:PutMetricData", "ecr:*", "s3:GetObject"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "reporting" {
  name = "${var.name}-platform-reporting"
  path = "/platform/"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_security_group" "platform" {
  name_prefix = "${var.name}-platform-"
  description = "Platform queue: HTTPS out"
  vpc_id      = module.vpc.vpc_id

  egress {
    description = "HTTPS to AWS APIs and registries"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_batch_compute_environment" "platform" {
  compute_environment_name = "${var.name}-platform"
  type                     = "MANAGED"

  compute_resources {
    type               = "FARGATE"
    max_vcpus          = 16
    subnets            = module.vpc.private_subnet_ids
    security_group_ids = [aws_security_group.platform.id]
  }
}

resource "aws_batch_job_queue" "platform" {
  name     = "${var.name}-platform"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.platform.arn
  }
}

################################################################################
# The consumer
################################################################################

data "aws_caller_identity" "current" {}

locals {
  account           = data.aws_caller_identity.current.account_id
  platform_job_role = "arn:aws:iam::${local.account}:role/platform/${var.name}-platform-reporting"
  platform_queue    = "arn:aws:batch:${var.region}:${local.account}:job-queue/${var.name}-platform"
  central_key       = "arn:aws:kms:${var.region}:999999999999:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
}

module "batch" {
  source = "../../../.."

  name       = var.name
  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnet_ids

  kms_key_arn                   = local.central_key
  iam_role_permissions_boundary = aws_iam_policy.boundary.arn
  iam_role_path                 = "/batch/"

  jobs = {
    report = {
      image        = "public.ecr.aws/docker/library/busybox:stable"
      command      = ["echo", "report on the platform queue"]
      job_role_arn = local.platform_job_role
      queue_arn    = local.platform_queue
      schedules    = { nightly = { expression = "cron(0 2 * * ? *)" } }
    }
  }

  pipelines = {
    nightly = {
      steps     = { report = { job = "report" } }
      schedules = { daily = { expression = "cron(0 3 * * ? *)" } }
    }
  }
}

output "job_queue_arn_by_job" {
  value = module.batch.job_queue_arn_by_job
}

output "job_role_arns" {
  value = module.batch.job_role_arns
}

output "job_queue_arns" {
  value = module.batch.job_queue_arns
}

output "platform_queue_arn" {
  value = aws_batch_job_queue.platform.arn
}

output "platform_job_role_arn" {
  value = aws_iam_role.reporting.arn
}

output "boundary_arn" {
  value = aws_iam_policy.boundary.arn
}

output "central_key_arn" {
  value = local.central_key
}
