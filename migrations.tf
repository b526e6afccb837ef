################################################################################
# Moved addresses: upgrading keeps every object, nothing is destroyed and re-created.
################################################################################

# Pipeline schedules share the job schedules' module call (one call, keyed "<pipeline>/<schedule>").
moved {
  from = module.pipeline_schedule
  to   = module.schedule
}
