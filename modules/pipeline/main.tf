# A pipeline: one Step Functions state machine that runs AWS Batch jobs in dependency order.
#
# Batch accepts `dependsOn` only with job IDs at submit time, so a schedule alone cannot say
# "B after A". Each step is a `batch:submitJob.sync` Task (submit, then wait for SUCCEEDED or
# FAILED); the graph of `after` lists becomes nested Parallel states (modules/definition lays it
# out, modules/level explains how). A failed step fails its Task, its branch and the execution:
# no step that depends on it starts.

# Partition and Region are inputs, not data sources: the caller may put this module behind
# depends_on, which would defer data sources (and with them the definition) to apply time.
locals {
  partition = var.partition
  region    = var.region
}

module "definition" {
  source = "./modules/definition"

  pipeline        = var.pipeline
  description     = var.description
  partition       = local.partition
  timeout_seconds = var.timeout_seconds
  steps = {
    for s, st in var.steps : s => {
      job                 = st.job
      job_name            = st.job_name
      job_queue           = st.job_queue
      job_definition      = st.job_definition
      share_identifier    = st.share_identifier
      scheduling_priority = st.scheduling_priority
      after               = st.after
      parameters          = st.parameters
      command             = st.command
    }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is an input (pipelines.<key>.log_retention_days, default 30 days like the jobs' logs); a year of execution history is an opt-in cost, not a default.
  # The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy for log delivery small.
  name              = "/aws/vendedlogs/states/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sfn_state_machine" "this" {
  #checkov:skip=CKV_AWS_284:X-Ray tracing is an input (pipelines.<key>.tracing_enabled); off by default because it adds cost and Batch jobs are not traced through it.
  #checkov:skip=CKV_AWS_285:Execution data (state inputs and outputs, i.e. job parameters) stays out of the logs unless pipelines.<key>.include_execution_data is set; the execution history is logged at level ERROR or ALL without it (CKV_SBATCH_11).
  name       = var.name
  role_arn   = aws_iam_role.this.arn
  type       = "STANDARD"
  definition = module.definition.json

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
    level                  = var.log_level
    include_execution_data = var.include_execution_data
  }

  tracing_configuration {
    enabled = var.tracing_enabled
  }

  tags = var.tags

  # Step Functions checks at create time that the role may set up log delivery.
  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = length(module.definition.json) <= 1048576
      error_message = "pipelines[\"${var.pipeline}\"]: the state machine definition is ${length(module.definition.json)} characters; Step Functions accepts at most 1048576 (use fewer or smaller step parameters/commands)."
    }
  }
}
