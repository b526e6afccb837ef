output "arn" {
  description = "Job queue ARN."
  value       = aws_batch_job_queue.this.arn
}

output "name" {
  description = "Job queue name."
  value       = aws_batch_job_queue.this.name
}

output "scheduling_policy_arn" {
  description = "ARN of the fair-share scheduling policy, or null."
  value       = one(aws_batch_scheduling_policy.this[*].arn)
}
