# Roles became optional (job_role_arn, execution_role_arn): the created ones keep their objects.
moved {
  from = aws_iam_role.job
  to   = aws_iam_role.job[0]
}

moved {
  from = aws_iam_role.execution
  to   = aws_iam_role.execution[0]
}

moved {
  from = aws_iam_role_policy.execution
  to   = aws_iam_role_policy.execution[0]
}
