//! The graph-wide [`LinkStats`] a linked graph carries (counts from the records, not from
//! stored counters). Per-crate rows and figures are the query layer's (`painter-query`).

use painter_schema::{LinkStats, LinkedGraph, Status};

/// Graph-wide totals. Counts come from the records, not from stored counters.
pub fn link_stats(graph: &LinkedGraph) -> LinkStats {
    let mut stats = LinkStats {
        crates: graph.crates.len() as u64,
        ..LinkStats::default()
    };
    for (key, krate) in &graph.crates {
        stats.failed_crates += u64::from(krate.status == Status::Failed);
        stats.functions += krate.functions.len() as u64;
        stats.unsafe_ops += krate.unsafe_ops.len() as u64;
        stats.calls += krate.calls.len() as u64;
        for call in &krate.calls {
            if call.external {
                stats.calls_external += 1;
            } else if call
                .target_crate
                .as_ref()
                .is_some_and(|target| target != key)
            {
                stats.calls_cross_crate_resolved += 1;
            }
        }
    }
    stats
}
