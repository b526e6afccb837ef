# The Amazon States Language definition of a pipeline: a pure function of its steps (no
# resources, no API calls), so it can be planned and tested on its own.
#
# Each step is a `batch:submitJob.sync` Task (submit, then wait for SUCCEEDED or FAILED). The
# graph of `after` lists becomes nested Parallel states (see ../level/main.tf for the layout rules
# and where a non-series-parallel graph waits longer than necessary). A failed step fails its
# Task, its branch and the execution, so no step that depends on it starts.

locals {
  # Transitive predecessors, as sets (objects step => true). Terraform has no recursion: each
  # round doubles the path length covered, so six rounds cover paths of up to 64 steps - the most
  # a pipeline may have (the root module validates the step count and that there is no cycle).
  direct  = { for s, st in var.steps : s => { for p in distinct(st.after) : p => true } }
  reach_2 = { for s, p in local.direct : s => merge(p, [for q in keys(p) : lookup(local.direct, q, {})]...) }
  reach_4 = { for s, p in local.reach_2 : s => merge(p, [for q in keys(p) : lookup(local.reach_2, q, {})]...) }
  reach_8 = { for s, p in local.reach_4 : s => merge(p, [for q in keys(p) : lookup(local.reach_4, q, {})]...) }
  reach_16 = {
    for s, p in local.reach_8 : s => merge(p, [for q in keys(p) : lookup(local.reach_8, q, {})]...)
  }
  reach_32 = {
    for s, p in local.reach_16 : s => merge(p, [for q in keys(p) : lookup(local.reach_16, q, {})]...)
  }
  ancestors = {
    for s, p in local.reach_32 : s => merge(p, [for q in keys(p) : lookup(local.reach_32, q, {})]...)
  }

  # Only transient service-side failures are retried here. A job that ran and failed reports
  # States.TaskFailed: its own retry strategy (evaluateOnExit) already decided, so it is final.
  retry = {
    ErrorEquals     = ["Batch.AWSBatchException", "Batch.ServerException", "Batch.TooManyRequestsException"]
    IntervalSeconds = 5
    BackoffRate     = 2
    MaxAttempts     = 5
    MaxDelaySeconds = 60
    JitterStrategy  = "FULL"
  }

  # The data every state passes on unchanged (ResultPath null): the execution input merged over
  # defaults ($.run) and each step's own parameters ($.step_parameters). The input may set
  # `scheduled_time` (schedules put the time the run was due) and `parameters` (Batch job
  # parameters for every step, over the step's own).
  prepare_states = [
    {
      name = "Prepare"
      state = jsonencode({
        Type    = "Pass"
        Comment = "Defaults for the execution input: scheduled_time = the start time, no parameters."
        Parameters = {
          "input.$" = "$"
          defaults = {
            "scheduled_time.$" = "$$.Execution.StartTime"
            parameters         = {}
          }
          step_parameters = { for s, st in var.steps : s => st.parameters }
        }
      })
    },
    {
      name = "Merge input"
      state = jsonencode({
        Type = "Pass"
        Parameters = {
          "run.$"             = "States.JsonMerge($.defaults, $.input, false)"
          "step_parameters.$" = "$.step_parameters"
        }
      })
    },
  ]

  task_states = {
    for s, st in var.steps : s => jsonencode({
      Type     = "Task"
      Comment  = "Batch job ${st.job}"
      Resource = "arn:${var.partition}:states:::batch:submitJob.sync"
      Parameters = merge(
        {
          JobName        = st.job_name
          JobQueue       = st.job_queue
          JobDefinition  = st.job_definition
          "Parameters.$" = "States.JsonMerge($.step_parameters['${s}'], $.run.parameters, false)"
          ContainerOverrides = merge(
            { for k, v in { Command = st.command } : k => v if v != null },
            {
              # Lets a job (and its logs) name the run it belongs to.
              Environment = [
                { Name = "BATCH_PIPELINE", Value = var.pipeline },
                { Name = "BATCH_PIPELINE_STEP", Value = s },
                { Name = "BATCH_PIPELINE_EXECUTION_ARN", "Value.$" = "$$.Execution.Id" },
                { Name = "BATCH_PIPELINE_SCHEDULED_TIME", "Value.$" = "$.run.scheduled_time" },
              ]
            },
          )
        },
        {
          for k, v in { ShareIdentifier = st.share_identifier, SchedulingPriorityOverride = st.scheduling_priority } :
          k => v if v != null
        },
      )
      ResultPath = null
      Retry      = [local.retry]
    })
  }

  states = concat(local.prepare_states, module.level_1.units["1"])
  definition = jsonencode(merge(
    {
      Comment = coalesce(var.description, "Pipeline ${var.pipeline}: AWS Batch jobs in dependency order")
      StartAt = local.states[0].name
      States = {
        for i, u in local.states : u.name => merge(
          jsondecode(u.state),
          jsondecode(i == length(local.states) - 1 ? jsonencode({ End = true }) : jsonencode({ Next = try(local.states[i + 1].name, "") })),
        )
      }
    },
    { for k, v in { TimeoutSeconds = var.timeout_seconds } : k => v if v != null },
  ))

  # How the graph was laid out, group by group (for tests and `terraform console`).
  layout = merge(
    module.level_1.layout,
    module.level_2.layout,
    module.level_3.layout,
    module.level_4.layout,
    module.level_5.layout,
    module.level_6.layout,
    module.level_7.layout,
    module.level_8.layout,
    module.level_9.layout,
    module.level_10.layout,
    module.level_11.layout,
    module.level_12.layout,
  )
}
