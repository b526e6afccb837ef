# One group per module instance: it scopes the schedules' trust policies (aws:SourceArn) and
# keeps them apart from other stacks' schedules.
resource "aws_scheduler_schedule_group" "this" {
  name = var.name
  tags = var.tags
}
