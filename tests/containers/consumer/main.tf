# A consumer's configuration: six jobs on one image tagged locally (as a CI pipeline would have
# just built it), each exercising one thing Batch on Fargate does to a container.
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

variable "image" {
  description = "The job image, present in the local engine under exactly this name."
  type        = string
  default     = "consumer.example/batch-jobs:ci"
}

module "vpc" {
  source = "../../../examples/_shared/vpc"

  name = "sb-consumer"
}

resource "aws_secretsmanager_secret" "token" {
  name_prefix             = "sb-consumer-token-"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "token" {
  secret_id     = aws_secretsmanager_secret.token.id
  secret_string = "tok-123"
}

module "batch" {
  source = "../../.."

  name       = "sb-consumer"
  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnet_ids

  jobs = {
    env_ref_secret = {
      image       = var.image
      command     = ["sh", "-c", "echo env=$STAGE ref=$0 token=$API_TOKEN", "Ref::day"]
      parameters  = { day = "monday" }
      environment = { STAGE = "ci" }
      secrets     = { API_TOKEN = aws_secretsmanager_secret.token.arn }
      schedules   = { daily = { expression = "rate(1 day)" } }
    }
    exit_three = {
      image     = var.image
      command   = ["sh", "-c", "echo attempt $AWS_BATCH_JOB_ATTEMPT; exit 3"]
      retry     = { attempts = 2, rules = [{ action = "RETRY", on_exit_code = "*" }] }
      schedules = { daily = { expression = "rate(1 day)" } }
    }
    read_only_root = {
      image     = var.image
      command   = ["sh", "-c", "echo x > /marker"]
      retry     = { attempts = 1 }
      schedules = { daily = { expression = "rate(1 day)" } }
    }
    writable_path = {
      image          = var.image
      command        = ["sh", "-c", "echo written > /scratch/marker && cat /scratch/marker"]
      writable_paths = ["/scratch"]
      schedules      = { daily = { expression = "rate(1 day)" } }
    }
    overridden = {
      # An ECR image that cannot be pulled offline: `--image overridden=...` runs it locally.
      image     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/batch-jobs:ci"
      command   = ["echo", "definition command"]
      schedules = { daily = { expression = "rate(1 day)", command = ["echo", "schedule override"] } }
    }
    as_user = {
      image     = var.image
      command   = ["sh", "-c", "echo uid=$(id -u)"]
      user      = "4242"
      schedules = { daily = { expression = "rate(1 day)" } }
    }
  }
}
