output "key_arn" {
  description = "ARN of the KMS key in use (created or given). Available once the key policy is in place, so log groups created with it do not race the policy."
  value       = local.key_arn
  depends_on  = [aws_kms_key_policy.this]
}

output "created" {
  description = "Whether this module created the key."
  value       = local.create
}
