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
  # One aws_vpc_security_group_egress_rule per destination, keyed by its content: inserting or
  # reordering rules leaves the others untouched. CIDR destinations are literals and key
  # themselves ("tcp 443-443 0.0.0.0/0"); security group and prefix list ids may be known only
  # after apply, so they are numbered among the destinations of the same protocol, ports and
  # kind ("tcp 5432-5432 security_group#0"). A destination written twice is one rule.
  destinations = flatten([
    for rule in var.egress : [
      for d in concat(
        [for v in rule.cidr_blocks : { kind = "cidr_ipv4", value = v }],
        [for v in rule.ipv6_cidr_blocks : { kind = "cidr_ipv6", value = v }],
        [for v in rule.prefix_list_ids : { kind = "prefix_list_id", value = v }],
        [for v in rule.security_group_ids : { kind = "security_group", value = v }],
        ) : merge(d, {
          group       = "${lower(rule.protocol)} ${rule.from_port}-${rule.to_port} ${d.kind}"
          ports       = "${lower(rule.protocol)} ${rule.from_port}-${rule.to_port}"
          protocol    = lower(rule.protocol)
          from_port   = rule.from_port
          to_port     = rule.to_port
          description = rule.description
      })
    ]
  ])
  by_group = { for d in local.destinations : d.group => d... }
  keyed = flatten([
    for g, ds in local.by_group : [
      for i, d in ds : merge(d, { key = startswith(d.kind, "cidr") ? "${d.ports} ${d.value}" : "${g}#${i}" })
    ]
  ])
  rules = { for k, ds in { for d in local.keyed : d.key => d... } : k => ds[0] }
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
