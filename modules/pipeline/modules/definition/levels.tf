# The levels of the series-parallel decomposition (see ../level/main.tf). Groups flow down
# (level k's `children` are level k+1's `groups`), ASL states flow up (level k+1's `units` are
# level k's `child_units`). A fork/join nested in a series takes two levels, so twelve levels lay
# out five fork/join constructs nested inside each other exactly; a group still left with several
# steps at the last level is laid out by topological layers (correct: a step never starts before
# its predecessors, it may wait for more). Levels without groups cost nothing.

module "level_1" {
  source      = "../level"
  groups      = { "1" = sort(keys(var.steps)) }
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_2.units
}

module "level_2" {
  source      = "../level"
  groups      = module.level_1.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_3.units
}

module "level_3" {
  source      = "../level"
  groups      = module.level_2.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_4.units
}

module "level_4" {
  source      = "../level"
  groups      = module.level_3.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_5.units
}

module "level_5" {
  source      = "../level"
  groups      = module.level_4.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_6.units
}

module "level_6" {
  source      = "../level"
  groups      = module.level_5.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_7.units
}

module "level_7" {
  source      = "../level"
  groups      = module.level_6.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_8.units
}

module "level_8" {
  source      = "../level"
  groups      = module.level_7.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_9.units
}

module "level_9" {
  source      = "../level"
  groups      = module.level_8.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_10.units
}

module "level_10" {
  source      = "../level"
  groups      = module.level_9.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_11.units
}

module "level_11" {
  source      = "../level"
  groups      = module.level_10.children
  ancestors   = local.ancestors
  task_states = local.task_states
  child_units = module.level_12.units
}

module "level_12" {
  source      = "../level"
  groups      = module.level_11.children
  ancestors   = local.ancestors
  task_states = local.task_states
  last        = true
}
