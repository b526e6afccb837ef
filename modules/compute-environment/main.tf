# The partition is an input: network-isolated jobs add one instance of this module each.
locals {
  fargate = contains(["FARGATE", "FARGATE_SPOT"], var.type)
  ec2     = !local.fargate
  # Update-capable defaults: in-place infrastructure updates need the service-linked role and one
  # of these strategies (BEST_FIT would force blue/green replacement).
  allocation_strategy = local.fargate ? null : coalesce(
    var.allocation_strategy,
    var.type == "SPOT" ? "SPOT_PRICE_CAPACITY_OPTIMIZED" : "BEST_FIT_PROGRESSIVE",
  )
  own_launch_template = local.ec2 && var.launch_template == null
  # A network-isolated copy uses the instance profile of the environment it copies.
  own_instance_role = local.ec2 && var.instance_profile_arn == null
  # A short name prefix for IAM (name_prefix allows 38 characters).
  iam_prefix = "${substr(var.name, 0, 33)}-"
}

################################################################################
# EC2 / SPOT: instance role, instance profile, IMDSv2-only launch template
################################################################################

resource "aws_iam_role" "instance" {
  count = local.own_instance_role ? 1 : 0

  name_prefix           = local.iam_prefix
  description           = "ECS container instances of Batch compute environment ${var.name}"
  force_detach_policies = true
  path                  = var.iam_role_path
  permissions_boundary  = var.iam_role_permissions_boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_iam_role_policy_attachment" "instance" {
  count = local.own_instance_role ? 1 : 0

  role       = aws_iam_role.instance[0].name
  policy_arn = "arn:${var.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "instance" {
  count = local.own_instance_role ? 1 : 0

  name_prefix = local.iam_prefix
  path        = var.iam_role_path
  role        = aws_iam_role.instance[0].name
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# Containers must not reach the instance role through IMDS: IMDSv2 only, one hop.
resource "aws_launch_template" "this" {
  count = local.own_launch_template ? 1 : 0

  name_prefix = "${var.name}-"
  description = "Batch compute environment ${var.name}: IMDSv2 only, hop limit 1"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

################################################################################
# Compute environment
################################################################################

resource "aws_batch_compute_environment" "this" {
  # No name argument: provider 5.x calls it compute_environment_name[_prefix], 6.x name[_prefix],
  # and neither accepts the other's. Left out, both generate a unique "terraform-<26 digits>"
  # name, which keeps create_before_destroy replacements possible; the Name tag carries var.name.
  type  = "MANAGED"
  state = var.state
  # Null: the AWSServiceRoleForBatch service-linked role.
  service_role = var.service_role

  compute_resources {
    type               = var.type
    max_vcpus          = var.max_vcpus
    subnets            = var.subnet_ids
    security_group_ids = var.security_group_ids

    min_vcpus           = local.ec2 ? var.min_vcpus : null
    desired_vcpus       = local.ec2 ? var.desired_vcpus : null
    instance_type       = local.ec2 ? var.instance_types : null
    instance_role       = local.ec2 ? coalesce(var.instance_profile_arn, one(aws_iam_instance_profile.instance[*].arn)) : null
    allocation_strategy = local.allocation_strategy
    bid_percentage      = var.type == "SPOT" ? var.bid_percentage : null
    spot_iam_fleet_role = var.type == "SPOT" ? var.spot_iam_fleet_role : null
    image_id            = local.ec2 ? var.image_id : null
    # Only tags given for the instances: module tags here would force a replacement on change.
    tags = local.ec2 && length(var.instance_tags) > 0 ? var.instance_tags : null

    dynamic "ec2_configuration" {
      for_each = local.ec2 ? [var.image_type] : []
      content {
        image_type = ec2_configuration.value
      }
    }

    dynamic "launch_template" {
      for_each = local.ec2 ? [1] : []
      content {
        launch_template_id   = local.own_launch_template ? aws_launch_template.this[0].id : var.launch_template.id
        launch_template_name = local.own_launch_template ? null : var.launch_template.name
        version              = local.own_launch_template ? aws_launch_template.this[0].latest_version : var.launch_template.version
      }
    }
  }

  dynamic "update_policy" {
    for_each = local.ec2 && var.update_policy != null ? [var.update_policy] : []
    content {
      job_execution_timeout_minutes = update_policy.value.job_execution_timeout_minutes
      terminate_jobs_on_update      = update_policy.value.terminate_jobs_on_update
    }
  }

  tags = merge(var.tags, { Name = var.name })

  # The environment can only be deleted once its instance role still works; otherwise it may
  # stick in DELETING.
  depends_on = [aws_iam_role_policy_attachment.instance]

  lifecycle {
    # A replacement is created (under a new generated name) and swapped into the queues before the
    # old environment is deleted.
    create_before_destroy = true
    # Batch scales desired_vcpus itself.
    ignore_changes = [compute_resources[0].desired_vcpus]
  }
}
