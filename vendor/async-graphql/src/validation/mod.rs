#[cfg(test)]
#[macro_use]
mod test_harness;

mod rules;
mod suggestion;
mod utils;
mod visitor;
mod visitors;

pub use visitor::VisitorContext;
use visitor::{VisitorNil, visit};

use crate::{
    CacheControl, ServerError, Variables, parser::types::ExecutableDocument, registry::Registry,
};

/// Validation results.
#[derive(Debug, Copy, Clone)]
pub struct ValidationResult {
    /// Cache control
    pub cache_control: CacheControl,

    /// Query complexity
    pub complexity: usize,

    /// Query depth
    pub depth: usize,
}

/// Validation mode
#[derive(Copy, Clone, Debug)]
pub enum ValidationMode {
    /// Execute all validation rules.
    Strict,

    /// The executor itself also has error handling, so it can improve
    /// performance, but it can lose some error messages.
    Fast,
}

/// coachql patch: the texts of documents that passed every rule of strict
/// validation. The rules but one depend on the document and the schema
/// alone (they visit every operation of the document, whichever is run), so
/// a document seen before skips them; only the check of argument values
/// (where the variables' values and the chosen operation come in) and the
/// complexity, depth and cache-control sums run again. Bounded: when full it
/// starts over, so endless distinct documents cost what they would without
/// it.
#[derive(Default)]
pub(crate) struct ValidatedDocuments {
    known: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl ValidatedDocuments {
    const MAX_ENTRIES: usize = 512;
    const MAX_LEN: usize = 32 * 1024;

    fn contains(&self, query: &str) -> bool {
        self.known.lock().is_ok_and(|known| known.contains(query))
    }

    fn insert(&self, query: &str) {
        if query.len() > Self::MAX_LEN {
            return;
        }
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= Self::MAX_ENTRIES {
                known.clear();
            }
            known.insert(query.to_owned());
        }
    }
}

/// coachql patch: [`check_rules`] that skips the rules a document passed
/// before (see [`ValidatedDocuments`]), and remembers one that passes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_rules_cached(
    validated: Option<&ValidatedDocuments>,
    query: &str,
    registry: &Registry,
    doc: &ExecutableDocument,
    variables: Option<&Variables>,
    operation_name: Option<&str>,
    mode: ValidationMode,
    limit_complexity: Option<usize>,
    limit_depth: Option<usize>,
) -> Result<ValidationResult, Vec<ServerError>> {
    let Some(validated) = validated.filter(|_| matches!(mode, ValidationMode::Strict)) else {
        return check_rules(
            registry,
            doc,
            variables,
            operation_name,
            mode,
            limit_complexity,
            limit_depth,
        );
    };
    let known = validated.contains(query);
    let result = check_rules_as(
        registry,
        doc,
        variables,
        operation_name,
        mode,
        known,
        limit_complexity,
        limit_depth,
    );
    if !known && result.is_ok() {
        validated.insert(query);
    }
    result
}

pub(crate) fn check_rules(
    registry: &Registry,
    doc: &ExecutableDocument,
    variables: Option<&Variables>,
    operation_name: Option<&str>,
    mode: ValidationMode,
    limit_complexity: Option<usize>,
    limit_depth: Option<usize>,
) -> Result<ValidationResult, Vec<ServerError>> {
    check_rules_as(
        registry,
        doc,
        variables,
        operation_name,
        mode,
        false,
        limit_complexity,
        limit_depth,
    )
}

#[allow(clippy::too_many_arguments)]
fn check_rules_as(
    registry: &Registry,
    doc: &ExecutableDocument,
    variables: Option<&Variables>,
    operation_name: Option<&str>,
    mode: ValidationMode,
    known: bool,
    limit_complexity: Option<usize>,
    limit_depth: Option<usize>,
) -> Result<ValidationResult, Vec<ServerError>> {
    let mut cache_control = CacheControl::default();
    let mut complexity = 0;
    let mut depth = 0;

    let mut ctx = VisitorContext::new(registry, doc, variables, operation_name);
    let errors = match mode {
        // coachql patch: a document that passed before is checked again
        // only where its variables' values come in.
        ValidationMode::Strict if known => {
            let mut visitor = VisitorNil
                .with(rules::ArgumentsOfCorrectType::default())
                .with(visitors::CacheControlCalculate {
                    cache_control: &mut cache_control,
                })
                .with(visitors::ComplexityCalculate::new(&mut complexity))
                .with(visitors::DepthCalculate::new(&mut depth));
            visit(&mut visitor, &mut ctx, doc);
            ctx.errors
        }
        ValidationMode::Strict => {
            let mut visitor = VisitorNil
                .with(rules::ArgumentsOfCorrectType::default())
                .with(rules::DefaultValuesOfCorrectType)
                .with(rules::FieldsOnCorrectType)
                .with(rules::FragmentsOnCompositeTypes)
                .with(rules::KnownArgumentNames::default())
                .with(rules::NoFragmentCycles::default())
                .with(rules::KnownFragmentNames)
                .with(rules::KnownTypeNames)
                .with(rules::NoUndefinedVariables::default())
                .with(rules::NoUnusedFragments::default())
                .with(rules::NoUnusedVariables::default())
                .with(rules::UniqueArgumentNames::default())
                .with(rules::UniqueVariableNames::default())
                .with(rules::VariablesAreInputTypes)
                .with(rules::VariableInAllowedPosition::default())
                .with(rules::ScalarLeafs)
                .with(rules::PossibleFragmentSpreads::default())
                .with(rules::ProvidedNonNullArguments)
                .with(rules::KnownDirectives::default())
                .with(rules::DirectivesUnique)
                .with(rules::OverlappingFieldsCanBeMerged)
                .with(rules::UploadFile);
            visit(&mut visitor, &mut ctx, doc);

            let mut visitor = VisitorNil
                .with(visitors::CacheControlCalculate {
                    cache_control: &mut cache_control,
                })
                .with(visitors::ComplexityCalculate::new(&mut complexity))
                .with(visitors::DepthCalculate::new(&mut depth));
            visit(&mut visitor, &mut ctx, doc);
            ctx.errors
        }
        ValidationMode::Fast => {
            let mut visitor = VisitorNil
                .with(rules::NoFragmentCycles::default())
                .with(rules::UploadFile)
                .with(visitors::CacheControlCalculate {
                    cache_control: &mut cache_control,
                })
                .with(visitors::ComplexityCalculate::new(&mut complexity))
                .with(visitors::DepthCalculate::new(&mut depth));
            visit(&mut visitor, &mut ctx, doc);
            ctx.errors
        }
    };

    // check limit
    if let Some(limit_complexity) = limit_complexity
        && complexity > limit_complexity
    {
        return Err(vec![ServerError::new("Query is too complex.", None)]);
    }

    if let Some(limit_depth) = limit_depth
        && depth > limit_depth
    {
        return Err(vec![ServerError::new("Query is nested too deep.", None)]);
    }

    if !errors.is_empty() {
        return Err(errors.into_iter().map(Into::into).collect());
    }

    Ok(ValidationResult {
        cache_control,
        complexity,
        depth,
    })
}
