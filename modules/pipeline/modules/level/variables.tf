variable "groups" {
  description = "Groups of steps to lay out at this level: group id => its steps (sorted)."
  type        = map(list(string))
}

variable "ancestors" {
  description = "Every step => the set (step => true) of all steps it depends on, directly or transitively."
  type        = map(map(bool))
}

variable "task_states" {
  description = "Every step => its Task state (JSON, without Next/End)."
  type        = map(string)
}

variable "child_units" {
  description = "Output `units` of the next level: child group id => its ASL states in execution order."
  type = map(list(object({
    name  = string
    state = string
  })))
  default = {}
}

variable "last" {
  description = "No deeper level exists: lay out every multi-step group here, by topological layers."
  type        = bool
  default     = false
}
