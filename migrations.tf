################################################################################
# Moved addresses: upgrading keeps every object, nothing is destroyed and re-created.
################################################################################

# Pipeline schedules share the job schedules' module call (one call, keyed "<pipeline>/<schedule>").
moved {
  from = module.pipeline_schedule
  to   = module.schedule
}

# `create` (false creates nothing) put a count on the singletons.

moved {
  from = module.encryption
  to   = module.encryption[0]
}

moved {
  from = module.dead_letter_queue
  to   = module.dead_letter_queue[0]
}

moved {
  from = module.default_security_group
  to   = module.default_security_group[0]
}

# Egress rules are keyed by their content instead of their position: the default group's
# default rule (HTTPS anywhere) keeps its object. A network-isolated job's rules are replaced
# once (their keys come from your input).
moved {
  from = module.default_security_group[0].aws_vpc_security_group_egress_rule.this["0-cidr-0"]
  to   = module.default_security_group[0].aws_vpc_security_group_egress_rule.this["tcp 443-443 0.0.0.0/0"]
}

# Moves inside the submodules (optional job roles, optional log resource policy) live in their
# own migrations.tf. jobs.<job>.iam_policy_arns became a map keyed by names you choose; its
# attachments were keyed by ARN. To keep them, key the map by the ARN once (`{ "<arn>" = "<arn>" }`)
# or move them in your configuration, e.g.
#   moved {
#     from = module.batch.module.job["report"].aws_iam_role_policy_attachment.job["arn:aws:iam::aws:policy/ReadOnlyAccess"]
#     to   = module.batch.module.job["report"].aws_iam_role_policy_attachment.job["read_only"]
#   }
