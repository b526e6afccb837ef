output "children" {
  description = "Groups for the next level: child group id => its steps."
  value       = local.children
}

output "units" {
  description = "Group id => its ASL states in execution order ({name, state JSON without Next/End})."
  value       = local.units
}

output "layout" {
  description = "Group id => how it was laid out (task, parallel, series, peel, layered) and its child group ids."
  value = {
    for id, g in local.decomposed : id => {
      kind     = g.kind
      steps    = g.steps
      children = local.child_ids[id]
    }
  }
}
