output "json" {
  description = "The Amazon States Language definition."
  value       = local.definition
}

output "layout" {
  description = "Group id => {kind, steps, children}: how the dependency graph was laid out (kinds: task, parallel, series, peel, layered)."
  value       = local.layout
}

output "ancestors" {
  description = "Step => every step it depends on, directly or transitively."
  value       = { for s, set in local.ancestors : s => keys(set) }
}
