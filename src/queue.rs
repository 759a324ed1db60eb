//! The webhook queue: product ids that arrive while a sync runs wait in one queued run.
//!
//! A burst of webhook calls while the sync lock is held must not be lost, nor start a run per call: the host
//! keeps one queued run and folds every call's ids into it with [`merge_queued_ids`]. The merge is a set
//! union, so it is commutative, associative and idempotent: two calls racing give the same queue whatever
//! the order in which they are folded in, and a call folded in twice changes nothing.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::SourceId;

/// Input of [`merge_queued_ids`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QueueMergeInput {
    /// Ids already waiting in the queued run (empty when there is none yet).
    #[ts(type = "Array<number>")]
    pub queued: Vec<SourceId>,
    /// Ids of the call to add.
    #[ts(type = "Array<number>")]
    pub incoming: Vec<SourceId>,
}

/// The ids of the queued run after a call's ids are added: the union of both lists, without duplicates, in
/// ascending order (so the result does not depend on the order of calls or of ids within a call).
///
/// ```
/// use catalog_sync::queue::{merge_queued_ids, QueueMergeInput};
/// let merged = merge_queued_ids(&QueueMergeInput { queued: vec![13, 12], incoming: vec![40, 12] });
/// assert_eq!(merged, vec![12, 13, 40]);
/// ```
pub fn merge_queued_ids(input: &QueueMergeInput) -> Vec<SourceId> {
    let ids: BTreeSet<SourceId> = input
        .queued
        .iter()
        .chain(&input.incoming)
        .copied()
        .collect();
    ids.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn merge(queued: &[SourceId], incoming: &[SourceId]) -> Vec<SourceId> {
        merge_queued_ids(&QueueMergeInput {
            queued: queued.to_vec(),
            incoming: incoming.to_vec(),
        })
    }

    #[test]
    fn merging_is_a_sorted_union() {
        assert_eq!(merge(&[], &[5, 3, 5]), vec![3, 5]);
        assert_eq!(merge(&[3, 5], &[]), vec![3, 5]);
        assert_eq!(merge(&[3, 5], &[4, 3, 9]), vec![3, 4, 5, 9]);
        assert_eq!(merge(&[], &[]), Vec::<SourceId>::new());
    }

    proptest! {
        #[test]
        fn no_id_is_lost_and_the_order_of_calls_does_not_matter(
            calls in prop::collection::vec(prop::collection::vec(1u64..50, 0..8), 1..6),
        ) {
            let forward = calls.iter().fold(Vec::new(), |queue, call| merge(&queue, call));
            let backward = calls.iter().rev().fold(Vec::new(), |queue, call| merge(&queue, call));
            prop_assert_eq!(&forward, &backward);
            let every: BTreeSet<SourceId> = calls.iter().flatten().copied().collect();
            prop_assert_eq!(&forward, &every.into_iter().collect::<Vec<_>>());
            let again = calls.iter().fold(forward.clone(), |queue, call| merge(&queue, call));
            prop_assert_eq!(again, forward, "folding a call in twice changes nothing");
        }
    }
}
