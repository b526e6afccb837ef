locals {
  # Every documented reason for which Batch reports a job as blocked in RUNNABLE.
  runnable_block_reasons = [
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
  ]
}

resource "aws_batch_scheduling_policy" "this" {
  count = var.fair_share == null ? 0 : 1

  name = var.name

  # Always written out: an empty policy is stored differently from "no block" by some back ends.
  fair_share_policy {
    share_decay_seconds = var.fair_share.share_decay_seconds
    compute_reservation = var.fair_share.compute_reservation

    dynamic "share_distribution" {
      for_each = var.fair_share.shares
      content {
        share_identifier = share_distribution.key
        weight_factor    = share_distribution.value
      }
    }
  }

  tags = var.tags
}

resource "aws_batch_job_queue" "this" {
  name                  = var.name
  state                 = var.state
  priority              = var.priority
  scheduling_policy_arn = one(aws_batch_scheduling_policy.this[*].arn)

  # Ordered: Spot first, On-Demand as fallback, as listed.
  dynamic "compute_environment_order" {
    for_each = var.compute_environment_arns
    content {
      order               = compute_environment_order.key
      compute_environment = compute_environment_order.value
    }
  }

  dynamic "job_state_time_limit_action" {
    for_each = var.cancel_runnable_after_seconds == null ? [] : local.runnable_block_reasons
    content {
      action           = "CANCEL"
      state            = "RUNNABLE"
      max_time_seconds = var.cancel_runnable_after_seconds
      reason           = job_state_time_limit_action.value
    }
  }

  tags = var.tags
}
