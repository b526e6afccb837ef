# No inline rules: Terraform removes the allow-all egress rule AWS adds to new groups, and
# only the egress rules declared below exist. No ingress rule at all.
resource "aws_security_group" "this" {
  #checkov:skip=CKV2_AWS_5:Attached to the compute environments through module inputs; checkov's graph does not follow module outputs (CKV_SBATCH_10 checks every compute environment has security groups).
  name_prefix = "${var.name}-"
  description = var.description
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = var.name })

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  # One aws_vpc_security_group_egress_rule per destination, as uniform objects keyed by position.
  destinations = flatten([
    for i, rule in var.egress : concat(
      [for j, v in rule.cidr_blocks : { key = "${i}-cidr-${j}", kind = "cidr_ipv4", value = v, rule = rule }],
      [for j, v in rule.ipv6_cidr_blocks : { key = "${i}-ipv6-${j}", kind = "cidr_ipv6", value = v, rule = rule }],
      [for j, v in rule.prefix_list_ids : { key = "${i}-pl-${j}", kind = "prefix_list_id", value = v, rule = rule }],
      [for j, v in rule.security_group_ids : { key = "${i}-sg-${j}", kind = "security_group", value = v, rule = rule }],
    )
  ])
  rules = {
    for d in local.destinations : d.key => {
      kind        = d.kind
      value       = d.value
      protocol    = lower(d.rule.protocol)
      from_port   = d.rule.from_port
      to_port     = d.rule.to_port
      description = d.rule.description
    }
  }
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = local.rules

  security_group_id            = aws_security_group.this.id
  description                  = coalesce(each.value.description, "${var.name} egress ${each.value.protocol == "-1" ? "all" : "${each.value.protocol}/${each.value.from_port}-${each.value.to_port}"}")
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.protocol == "-1" ? null : each.value.from_port
  to_port                      = each.value.protocol == "-1" ? null : each.value.to_port
  cidr_ipv4                    = each.value.kind == "cidr_ipv4" ? each.value.value : null
  cidr_ipv6                    = each.value.kind == "cidr_ipv6" ? each.value.value : null
  prefix_list_id               = each.value.kind == "prefix_list_id" ? each.value.value : null
  referenced_security_group_id = each.value.kind == "security_group" ? each.value.value : null
  tags                         = var.tags
}
