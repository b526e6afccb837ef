output "arn" {
  description = "Queue ARN."
  value       = aws_sqs_queue.this.arn
}

output "name" {
  description = "Queue name."
  value       = aws_sqs_queue.this.name
}

output "url" {
  description = "Queue URL."
  value       = aws_sqs_queue.this.id
}
