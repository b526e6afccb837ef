# The log resource policy became optional (log_resource_policy = "existing").
moved {
  from = aws_cloudwatch_log_resource_policy.history
  to   = aws_cloudwatch_log_resource_policy.history[0]
}
