# One level of the series-parallel decomposition of a pipeline's dependency graph.
#
# Terraform has no recursion, so the parent module chains a fixed number of these levels: level
# k splits each of its groups into child groups for level k+1 (top-down), and builds each group's
# ASL states from the states level k+1 built for the children (bottom-up). Terraform evaluates
# module variables and outputs one by one, so the two directions do not form a cycle.
#
# A group (a set of steps, with the dependency order induced from the whole pipeline) becomes:
#   task      one step: its Task state.
#   parallel  the group falls apart into parts with no dependency between them: one Parallel state
#             whose branches are the parts. Each part waits only for what is before the group.
#   series    the group is an ordered sequence of blocks in which every step of a block depends on
#             every step of the blocks before it: the blocks' states one after the other.
#   peel      neither (the group contains an "N": a->c, a->d, b->d without b->c, which fork/join
#             cannot express exactly): the group's steps without predecessor inside the group run
#             first (in parallel), then the rest of the group. Correct, but a step of the rest
#             also waits for starting steps it does not depend on (c waits for b above).
#   layered   at the last level, any group of several steps: its topological layers one after the
#             other (a layer = the steps with the same number of predecessors inside the group,
#             run in parallel). Correct; exact for chains and independent steps, otherwise a step
#             also waits for every step of the previous layers.
# Series-parallel graphs (chains, fan-out/fan-in, diamonds, nestings of these) therefore run
# exactly: every step starts as soon as all of its predecessors have succeeded.
#
# The parallel parts are the connected components of the "comparable" graph (x ~ y when one
# depends on the other), the series blocks those of the "incomparable" graph. For a series-parallel
# group both graphs are cographs, whose connected components have diameter <= 2, so labelling each
# step with the smallest step within distance 3 (three rounds of min-propagation) finds them
# exactly. Labels are then checked; a group whose labels do not form a valid split falls through
# to "peel", so a wrong guess costs precision, never correctness.

locals {
  # Steps of the group that x depends on or that depend on x (comparable), and all others.
  # Sets are objects (step => true): lookups stay O(1), which keeps a level O(n^2) for n steps.
  cmp = {
    for id, steps in var.groups : id => {
      for x in steps : x => [
        for y in steps : y if y != x && (lookup(var.ancestors[x], y, false) || lookup(var.ancestors[y], x, false))
      ]
    }
  }
  cmp_set = { for id, by_step in local.cmp : id => { for x, ys in by_step : x => { for y in ys : y => true } } }
  inc = {
    for id, steps in var.groups : id => {
      for x in steps : x => [for y in steps : y if y != x && !lookup(local.cmp_set[id][x], y, false)]
    }
  }

  # Component labels: the smallest step within distance 3 (three rounds of min-propagation).
  plabel1 = { for id, by_step in local.cmp : id => { for x, ys in by_step : x => sort(concat([x], ys))[0] } }
  plabel2 = {
    for id, by_step in local.cmp : id => {
      for x, ys in by_step : x => sort(concat([local.plabel1[id][x]], [for y in ys : local.plabel1[id][y]]))[0]
    }
  }
  plabel = {
    for id, by_step in local.cmp : id => {
      for x, ys in by_step : x => sort(concat([local.plabel2[id][x]], [for y in ys : local.plabel2[id][y]]))[0]
    }
  }
  slabel1 = { for id, by_step in local.inc : id => { for x, ys in by_step : x => sort(concat([x], ys))[0] } }
  slabel2 = {
    for id, by_step in local.inc : id => {
      for x, ys in by_step : x => sort(concat([local.slabel1[id][x]], [for y in ys : local.slabel1[id][y]]))[0]
    }
  }
  slabel = {
    for id, by_step in local.inc : id => {
      for x, ys in by_step : x => sort(concat([local.slabel2[id][x]], [for y in ys : local.slabel2[id][y]]))[0]
    }
  }

  # A split is valid when no comparable (parallel) / incomparable (series) pair crosses two parts.
  plabels = { for id, steps in var.groups : id => distinct([for x in steps : local.plabel[id][x]]) }
  slabels = { for id, steps in var.groups : id => distinct([for x in steps : local.slabel[id][x]]) }
  parallel_ok = {
    for id, steps in var.groups : id => length(local.plabels[id]) > 1 && alltrue(flatten([
      for x in steps : [for y in local.cmp[id][x] : local.plabel[id][y] == local.plabel[id][x]]
    ]))
  }
  series_ok = {
    for id, steps in var.groups : id => length(local.slabels[id]) > 1 && alltrue(flatten([
      for x in steps : [for y in local.inc[id][x] : local.slabel[id][y] == local.slabel[id][x]]
    ]))
  }

  # Predecessors of x inside its group. Along any dependency x -> y the count strictly grows, so
  # it orders series blocks (by their label step) and defines the layers of "layered".
  rank = {
    for id, steps in var.groups : id => {
      for x in steps : x => length([for y in steps : y if lookup(var.ancestors[x], y, false)])
    }
  }
  series_order = {
    for id, steps in var.groups : id => [
      for key in sort([for l in local.slabels[id] : format("%04d %s", local.rank[id][l], l)]) : substr(key, 5, -1)
    ]
  }

  decomposed = {
    for id, steps in var.groups : id => {
      steps = steps
      kind = (
        length(steps) == 1 ? "task" :
        var.last ? "layered" :
        local.parallel_ok[id] ? "parallel" :
        local.series_ok[id] ? "series" : "peel"
      )
    }
  }

  # Child groups (ordered) of each group, and the groups the next level receives.
  blocks = {
    for id, g in local.decomposed : id => (
      g.kind == "parallel" ? [for l in local.plabels[id] : [for x in g.steps : x if local.plabel[id][x] == l]] :
      g.kind == "series" ? [for l in local.series_order[id] : [for x in g.steps : x if local.slabel[id][x] == l]] :
      g.kind == "peel" ? [
        [for x in g.steps : x if local.rank[id][x] == 0],
        [for x in g.steps : x if local.rank[id][x] > 0],
      ] : []
    )
  }
  child_ids = { for id, blocks in local.blocks : id => [for i, _ in blocks : "${id}.${i + 1}"] }
  children  = merge({}, [for id, blocks in local.blocks : { for i, b in blocks : "${id}.${i + 1}" => b }]...)

  # A child's states as a branch of a Parallel state: chained by Next, the last one ends.
  branches = {
    for cid, _ in local.children : cid => {
      StartAt = var.child_units[cid][0].name
      States = {
        for i, u in var.child_units[cid] : u.name => merge(
          jsondecode(u.state),
          jsondecode(i == length(var.child_units[cid]) - 1 ? jsonencode({ End = true }) : jsonencode({ Next = try(var.child_units[cid][i + 1].name, "") })),
        )
      }
    }
  }

  # "layered": topological layers inside the group (same rank = no dependency between them).
  layers = {
    for id, g in local.decomposed : id => g.kind != "layered" ? [] : [
      for r in sort(distinct([for x in g.steps : format("%04d", local.rank[id][x])])) : [
        for x in g.steps : x if format("%04d", local.rank[id][x]) == r
      ]
    ]
  }

  # Parallel state names must be unique in the state machine and at most 80 characters.
  parallel_names = merge(
    {
      for id, g in local.decomposed : id => (
        length("Parallel: ${join(", ", g.steps)}") <= 80 ? "Parallel: ${join(", ", g.steps)}" :
        "${substr("Parallel ${id}: ${join(", ", g.steps)}", 0, 76)} ..."
      )
    },
    merge({}, [
      for id, layers in local.layers : {
        for i, layer in layers : "${id}/${i + 1}" => (
          length("Parallel: ${join(", ", layer)}") <= 80 ? "Parallel: ${join(", ", layer)}" :
          "${substr("Parallel ${id}/${i + 1}: ${join(", ", layer)}", 0, 76)} ..."
        )
      }
    ]...)
  )

  units = {
    for id, g in local.decomposed : id => (
      g.kind == "task" ? [{ name = g.steps[0], state = var.task_states[g.steps[0]] }] :
      g.kind == "parallel" ? [{
        name = local.parallel_names[id]
        state = jsonencode({
          Type       = "Parallel"
          Branches   = [for cid in local.child_ids[id] : local.branches[cid]]
          ResultPath = null
        })
      }] :
      g.kind == "layered" ? [
        for i, layer in local.layers[id] : length(layer) == 1 ? { name = layer[0], state = var.task_states[layer[0]] } : {
          name                                                         = local.parallel_names["${id}/${i + 1}"]
          state = jsonencode({
            Type = "Parallel"
            Branches = [
              for x in layer : { StartAt = x, States = { (x) = merge(jsondecode(var.task_states[x]), { End = true }) } }
            ]
            ResultPath = null
          })
        }
      ] :
      flatten([for cid in local.child_ids[id] : var.child_units[cid]])
    )
  }
}
