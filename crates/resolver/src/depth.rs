//! The depth limit (`max_depth`), with introspection held to its own rule.
//!
//! A data query's depth is the most fields nested on one path, root field
//! included, as async-graphql counts it: `{ courses { nodes { id } } }` is 3.
//! The selections under `__schema` and `__type` do not count: the standard
//! introspection query (graphql-js `getIntrospectionQuery()`, which GraphiQL,
//! codegen and graphql-inspector send) nests `ofType` nine levels inside its
//! fragments, 14 fields deep in all, and any depth that let it through would
//! weaken the limit for data. Introspection is bounded instead by the rule
//! graphql-js itself applies since 16.9 (`MaxIntrospectionDepthRule`): at
//! most two of `fields`, `interfaces`, `possibleTypes` and `inputFields`
//! nested on one path. That rule is what actually bounds an introspection
//! answer (`types { fields { type { fields … } } }` multiplies at every
//! level, at any depth limit), and the standard query meets it. The
//! complexity limit applies to every query, introspection included.
//!
//! Checked once the document is parsed (the parse step has already refused
//! fragment cycles), before validation; fragments are measured once each.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use async_graphql::{
    Name, Positioned, ServerError, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, Field, Selection, SelectionSet},
};

/// The most list fields of introspection nested on one path (graphql-js).
const MAX_INTROSPECTION_LISTS: usize = 2;

/// Enforces `max_depth` on data and the introspection rule (module docs).
pub(crate) struct DepthLimit(pub usize);

impl ExtensionFactory for DepthLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DepthLimitExt(self.0))
    }
}

struct DepthLimitExt(usize);

#[async_graphql::async_trait::async_trait]
impl Extension for DepthLimitExt {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        check(&doc, self.0)?;
        Ok(doc)
    }

    /// Fields resolve without passing through this extension.
    fn resolves(&self) -> bool {
        false
    }
}

/// Refuses `doc` if a data selection nests deeper than `max_depth` or an
/// introspection selection breaks the introspection rule.
pub fn check(doc: &ExecutableDocument, max_depth: usize) -> ServerResult<()> {
    let mut data = Measure::new(doc, |_| 1);
    let mut introspection = Measure::new(doc, |f| {
        usize::from(matches!(
            f.name.node.as_str(),
            "fields" | "interfaces" | "possibleTypes" | "inputFields"
        ))
    });
    for (_, op) in doc.operations.iter() {
        let mut roots = vec![];
        root_fields(doc, &op.node.selection_set, &mut HashSet::new(), &mut roots);
        for field in roots {
            let set = &field.node.selection_set;
            if matches!(field.node.name.node.as_str(), "__schema" | "__type") {
                if introspection.max_path(set) > MAX_INTROSPECTION_LISTS {
                    return Err(ServerError::new(
                        "Maximum introspection depth exceeded",
                        Some(field.pos),
                    ));
                }
            } else if 1 + data.max_path(set) > max_depth {
                // async-graphql's own message, so clients see no change.
                return Err(ServerError::new("Query is nested too deep.", None));
            }
        }
    }
    Ok(())
}

/// The fields at the root of an operation, through its fragments.
fn root_fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    spread: &mut HashSet<&'a Name>,
    out: &mut Vec<&'a Positioned<Field>>,
) {
    for sel in &set.node.items {
        match &sel.node {
            Selection::Field(f) => out.push(f),
            Selection::InlineFragment(f) => root_fields(doc, &f.node.selection_set, spread, out),
            Selection::FragmentSpread(s) => {
                let name = &s.node.fragment_name.node;
                if spread.insert(name)
                    && let Some(frag) = doc.fragments.get(name)
                {
                    root_fields(doc, &frag.node.selection_set, spread, out);
                }
            }
        }
    }
}

/// The heaviest path through a selection set, each field weighing
/// `weight(field)`; a fragment is measured once however often it is spread.
struct Measure<'a, W> {
    doc: &'a ExecutableDocument,
    weight: W,
    fragments: HashMap<&'a Name, usize>,
    open: HashSet<&'a Name>,
}

impl<'a, W: Fn(&Field) -> usize> Measure<'a, W> {
    fn new(doc: &'a ExecutableDocument, weight: W) -> Self {
        Self {
            doc,
            weight,
            fragments: HashMap::new(),
            open: HashSet::new(),
        }
    }

    fn max_path(&mut self, set: &'a Positioned<SelectionSet>) -> usize {
        let mut max = 0;
        for sel in &set.node.items {
            let here = match &sel.node {
                Selection::Field(f) => {
                    (self.weight)(&f.node) + self.max_path(&f.node.selection_set)
                }
                Selection::InlineFragment(f) => self.max_path(&f.node.selection_set),
                Selection::FragmentSpread(s) => self.fragment(&s.node.fragment_name.node),
            };
            max = max.max(here);
        }
        max
    }

    fn fragment(&mut self, name: &'a Name) -> usize {
        if let Some(&d) = self.fragments.get(name) {
            return d;
        }
        let Some(frag) = self.doc.fragments.get(name) else {
            return 0; // unknown: validation reports it
        };
        if !self.open.insert(name) {
            return 0; // a cycle: the parse step refuses those
        }
        let d = self.max_path(&frag.node.selection_set);
        self.open.remove(name);
        self.fragments.insert(name, d);
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(q: &str, max: usize) -> bool {
        check(&async_graphql::parser::parse_query(q).unwrap(), max).is_ok()
    }

    #[test]
    fn counts_fields_through_fragments() {
        let q = "query { a { ...F } } fragment F on T { b { ... on T { c { d } } } }";
        assert!(depth_ok(q, 4));
        assert!(!depth_ok(q, 3));
    }

    #[test]
    fn introspection_is_held_to_its_own_rule() {
        let standard = include_str!("../../../tests/fixtures/introspection.graphql");
        assert!(depth_ok(standard, 12));
        assert!(depth_ok(
            "{ __type(name: \"T\") { fields { type { fields { name } } } } }",
            3
        ));
        assert!(!depth_ok(
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
            50
        ));
        // Data next to introspection is still measured.
        assert!(!depth_ok("{ __typename a { b { c } } }", 2));
    }
}
