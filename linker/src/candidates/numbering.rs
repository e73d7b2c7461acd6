//! A crate's questions, numbered in two passes: first those no instantiation can narrow (calls
//! without generic arguments), while the instantiation worklist runs on the other thread; then
//! the calls with arguments, each narrowed by its caller's instantiations.

use std::ops::Range;

use foldhash::HashMap;
use painter_schema::{Call, CrateGraph};

use super::index::Index;
use super::query::Query;
use super::{Instantiated, Numbered};
use crate::instances::Instantiations;

/// A crate's questions: each call's (by position), and the runs of them whose calls have
/// arguments, by caller (positions in `queries`): what instantiations may narrow.
#[derive(Default)]
pub(super) struct Asked<'a> {
    queries: Vec<(usize, Query<'a>)>,
    callers: Vec<(&'a str, Range<u32>)>,
}

impl<'a> Asked<'a> {
    pub(super) fn push(&mut self, i: usize, call: &'a Call, query: Query<'a>) {
        let at = self.queries.len() as u32;
        self.queries.push((i, query));
        if call.args.is_empty() {
            return;
        }
        match self.callers.last_mut() {
            Some((caller, run)) if run.end == at && *caller == call.caller.as_str() => {
                run.end += 1;
            }
            _ => self.callers.push((&call.caller, at..at + 1)),
        }
    }
}

/// A crate's distinct questions so far, and each asking call's number among them.
pub(super) struct Numbering<'a> {
    asked: Asked<'a>,
    ids: HashMap<Query<'a>, u32>,
    distinct: Vec<Query<'a>>,
    calls: Vec<(usize, u32)>,
}

impl<'a> Numbering<'a> {
    /// The first pass: the questions of the calls outside the runs.
    pub(super) fn without_runs(asked: Asked<'a>) -> Self {
        let mut numbering = Numbering {
            ids: HashMap::default(),
            distinct: Vec::new(),
            calls: Vec::with_capacity(asked.queries.len()),
            asked: Asked::default(),
        };
        let mut runs = asked.callers.iter().map(|(_, run)| run).peekable();
        let mut last = None;
        for (at, &(i, query)) in asked.queries.iter().enumerate() {
            let at = at as u32;
            while runs.next_if(|run| run.end <= at).is_some() {}
            if runs.peek().is_some_and(|run| run.contains(&at)) {
                continue;
            }
            let id = numbering.number(query, &mut last);
            numbering.calls.push((i, id));
        }
        numbering.asked = asked;
        numbering
    }

    /// Every question asked, the runs' as asked (before any narrowing).
    pub(super) fn questions(&self) -> impl Iterator<Item = &Query<'a>> {
        self.asked.queries.iter().map(|(_, query)| query)
    }

    /// The second pass: the runs' questions, narrowed where the caller is instantiated.
    pub(super) fn with_runs(
        mut self,
        graph: &'a CrateGraph,
        index: &Index<'a>,
        inst: &Instantiations<'a>,
    ) -> Numbered<'a> {
        let asked = std::mem::take(&mut self.asked);
        for (caller, run) in &asked.callers {
            let caller = Instantiated::of(caller, index, inst);
            let mut last = None;
            for &(i, query) in &asked.queries[run.start as usize..run.end as usize] {
                let query = match caller {
                    Some(caller) => caller.narrow(query, &graph.calls[i], inst),
                    None => query,
                };
                let id = self.number(query, &mut last);
                self.calls.push((i, id));
            }
        }
        (self.distinct, self.calls)
    }

    /// The number of `query` among the crate's questions. A caller's calls are together, and
    /// often ask the same question: `last` is compared before hashing.
    fn number(&mut self, query: Query<'a>, last: &mut Option<(Query<'a>, u32)>) -> u32 {
        let id = match *last {
            Some((previous, id)) if previous == query => id,
            _ => *self.ids.entry(query).or_insert_with(|| {
                self.distinct.push(query);
                (self.distinct.len() - 1) as u32
            }),
        };
        *last = Some((query, id));
        id
    }
}
