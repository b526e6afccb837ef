output "arn" {
  description = "State machine ARN."
  value       = aws_sfn_state_machine.this.arn
}

output "name" {
  description = "State machine name."
  value       = aws_sfn_state_machine.this.name
}

output "role_arn" {
  description = "ARN of the state machine's role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the state machine's role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Log group of the execution history."
  value       = aws_cloudwatch_log_group.this.name
}

output "definition" {
  description = "The generated Amazon States Language definition (JSON)."
  value       = module.definition.json
}

output "layout" {
  description = "How the dependency graph was laid out: group id => {kind, steps, children}. Kinds: task, parallel, series (exact), peel, layered (correct, may wait longer than needed)."
  value       = module.definition.layout
}
