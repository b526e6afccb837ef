# Rules of jobs[...].dynamic_schedules for the jobs that enable it, as one list of messages
# (empty when valid), checked with the others by output "input_errors" (validations.tf). (The
# target role name "<name>-<job>-dyn" is shorter than the job's own "<name>-<job>-exec", whose
# length is already validated.)
locals {
  dynamic_schedule_errors = flatten([
    for k, j in var.jobs : [
      for d in [j.dynamic_schedules] : concat(
        try(d.max_per_user >= 1 && d.max_per_user <= 100000 && floor(d.max_per_user) == d.max_per_user, false) ? [] : [
          "jobs[${jsonencode(k)}].dynamic_schedules: max_per_user ${try(tostring(d.max_per_user), "null")} is out of range (use a whole number from 1 to 100000)."
        ],
        d.retry_policy.maximum_retry_attempts == null || try(d.retry_policy.maximum_retry_attempts >= 0 && d.retry_policy.maximum_retry_attempts <= 185 && floor(d.retry_policy.maximum_retry_attempts) == d.retry_policy.maximum_retry_attempts, false) ? [] : [
          "jobs[${jsonencode(k)}].dynamic_schedules: retry_policy.maximum_retry_attempts ${try(tostring(d.retry_policy.maximum_retry_attempts), "null")} is out of range (use a whole number from 0 to 185)."
        ],
        d.retry_policy.maximum_event_age_seconds == null || try(d.retry_policy.maximum_event_age_seconds >= 60 && d.retry_policy.maximum_event_age_seconds <= 86400 && floor(d.retry_policy.maximum_event_age_seconds) == d.retry_policy.maximum_event_age_seconds, false) ? [] : [
          "jobs[${jsonencode(k)}].dynamic_schedules: retry_policy.maximum_event_age_seconds ${try(tostring(d.retry_policy.maximum_event_age_seconds), "null")} is out of range (use a whole number of seconds from 60 to 86400)."
        ],
      )
    ] if j.dynamic_schedules.enabled
  ])
}
