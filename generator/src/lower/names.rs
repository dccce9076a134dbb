//! Rust names for the spec's names where two would clash: the lowering's side of
//! [`crate::naming::clash`] (which holds the rule), with the warning that names both pointers.
//!
//! The crate's types are one scope. Component names are settled first, all together, so a component
//! keeps its natural name over any inline schema, request builder or output enum whose derived name
//! happens to be the same, however the spec orders them; those are named one by one as the lowering
//! meets them and take the first free of: the natural name, the name plus a word saying what they are
//! (`Inline`, `Request`, `Enum`), that plus a hash of their pointer. Which of several such types that
//! want one name gets which must not depend on the order the lowering meets them (a schema added at the
//! top of the spec would rename one further down), so a run that saw such a clash is followed by a
//! second one with a [`TypePlan`]: the claimants of each clashing name ordered by pointer. Specs without
//! one are lowered once. A struct's fields, an operation's arguments and the client's methods are
//! settled as a whole scope each by [`clash::resolve`].

use super::Lowerer;
use crate::diag::child;
use crate::naming::{self, clash, Case};

impl Lowerer<'_> {
    /// Settles the Rust names of every `components/schemas` entry before any is lowered.
    pub(super) fn name_components(&mut self) {
        let Some(components) = &self.doc.components else { return };
        let pointers: Vec<String> = components
            .schemas
            .keys()
            .map(|name| crate::diag::pointer(["components", "schemas", name.as_str()]))
            .collect();
        let claimants: Vec<clash::Claimant<'_>> = components
            .schemas
            .keys()
            .zip(&pointers)
            .map(|(name, pointer)| clash::Claimant { spelling: name, pointer, priority: 0, qualifier: None })
            .collect();
        let resolved = clash::resolve(&claimants, naming::type_name, Case::Pascal);
        warn_clashes(&mut self.diags, &claimants, &resolved, "schemas", "", "the Rust type", "");
        let spellings: Vec<&str> = claimants.iter().map(|c| c.spelling).collect();
        let names = self.rename_types(&spellings, resolved.into_iter().map(|r| r.rust).collect());
        for (c, rust) in claimants.iter().zip(names) {
            // Distinct by construction (a rename onto a taken name is an error of its own), so every
            // claim succeeds.
            let _ = self.types.claim_at(c.spelling, c.pointer, &rust);
            self.component_types.insert(c.spelling.to_owned(), rust);
        }
    }

    /// The Rust type of the component `name`.
    pub(super) fn component_type(&self, name: &str) -> String {
        self.component_types.get(name).cloned().unwrap_or_else(|| naming::type_name(name))
    }

    /// Gives a type the lowering derives a name for (an inline schema, a request builder, an output
    /// enum: `owner`, at `pointer`) the name `natural`, or when another type has it, `natural` plus
    /// `word` (`Inline`, `Request`, `Enum`), else plus a hash of the pointer too; with a warning.
    pub(super) fn claim_type(&mut self, owner: &str, natural: &str, pointer: &str, word: &str) -> String {
        self.wanted.push(Wanted { natural: natural.to_owned(), pointer: pointer.to_owned(), owner: owner.to_owned() });
        // With a plan, the claimant's rank among those of `natural` says which name it gets: the first
        // the natural name, the next `natural` + `word`, the others that plus a hash of their pointer.
        // A name held outside the plan (a component's) moves everyone one step down.
        let mut rank = self.type_plan.rank(natural, owner);
        let clash = match self.types.claim_at(owner, pointer, natural) {
            Ok(()) if rank == 0 => return natural.to_owned(),
            Ok(()) => {
                self.types.release(natural);
                self.type_plan.keeper(natural)
            }
            Err(other) => {
                if !self.type_plan.has(natural, &other.0) {
                    rank += 1;
                }
                Some(other)
            }
        };
        let (other, other_pointer) = clash.unwrap_or_default();
        let with_word = clash::join(natural, word, Case::Pascal);
        let hashed = (0..).map(|salt| clash::join(&with_word, &clash::hash_word(pointer, "", salt), Case::Pascal));
        let given = std::iter::once(with_word.clone())
            .filter(|_| rank <= 1)
            .chain(hashed)
            .find(|candidate| self.types.claim_at(owner, pointer, candidate).is_ok())
            .unwrap_or(with_word);
        let other = if other_pointer.is_empty() || other == other_pointer {
            format!("`{other_pointer}`")
        } else {
            format!("`{other}` ({other_pointer})")
        };
        self.diags
            .warning(
                pointer,
                format!("the type here would be named `{natural}`, which {other} already has; it is named `{given}`"),
            )
            .with_hint("give one of them another name in the spec (a named component keeps its natural name)");
        given
    }

    /// The Rust names of one scope of fields or arguments (`claimants`, all of it), warning for each
    /// clash: `what` names the claimants (`properties`), `of` their owner (`` of `Account` ``), `kind`
    /// the Rust item (`the Rust field`); `natural` spells one name alone.
    pub(super) fn scope_names(
        &mut self,
        claimants: &[clash::Claimant<'_>],
        natural: fn(&str) -> String,
        (what, of): (&str, &str),
        kind: &str,
        note: &str,
    ) -> Vec<String> {
        let resolved = clash::resolve(claimants, natural, Case::Snake);
        warn_clashes(&mut self.diags, claimants, &resolved, what, of, kind, note);
        resolved.into_iter().map(|r| r.rust).collect()
    }

    /// The methods of the operations at `ops` (pointer, operationId), settled together.
    pub(super) fn method_names(&mut self, ops: &[(String, String)]) -> Vec<String> {
        let claimants: Vec<clash::Claimant<'_>> = ops
            .iter()
            .map(|(pointer, id)| clash::Claimant { spelling: id, pointer, priority: 0, qualifier: None })
            .collect();
        let resolved = clash::resolve(&claimants, |id| naming::sanitize(id, Case::Snake), Case::Snake);
        let at: Vec<String> = ops.iter().map(|(pointer, _)| child(pointer, "operationId")).collect();
        let located: Vec<clash::Claimant<'_>> =
            claimants.iter().zip(&at).map(|(c, at)| clash::Claimant { pointer: at, ..c.clone() }).collect();
        warn_clashes(&mut self.diags, &located, &resolved, "operationIds", "", "the method", "");
        resolved.into_iter().map(|r| r.rust).collect()
    }
}

/// A derived type name a lowering run claimed: the name, where, and for whom.
#[derive(Debug, Clone)]
pub(super) struct Wanted {
    natural: String,
    pointer: String,
    owner: String,
}

/// For each derived type name that several owners claimed: the owners (with their pointers) in the
/// order that decides who gets what, by pointer (so by spelling, not by which the lowering met first).
#[derive(Debug, Default)]
pub(super) struct TypePlan(std::collections::BTreeMap<String, Vec<(String, String)>>);

impl TypePlan {
    /// The plan for the clashes among `wanted`, if there are any.
    pub(super) fn from_claims(wanted: Vec<Wanted>) -> Option<Self> {
        let mut by_name: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
        for w in wanted {
            let owners = by_name.entry(w.natural).or_default();
            if !owners.iter().any(|(o, _)| *o == w.owner) {
                owners.push((w.owner, w.pointer));
            }
        }
        by_name.retain(|_, owners| owners.len() > 1);
        for owners in by_name.values_mut() {
            owners.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        }
        (!by_name.is_empty()).then_some(Self(by_name))
    }

    /// The rank of `owner` among the claimants of `natural` (0 without a plan).
    fn rank(&self, natural: &str, owner: &str) -> usize {
        self.0.get(natural).and_then(|owners| owners.iter().position(|(o, _)| o == owner)).unwrap_or(0)
    }

    /// Whether `owner` is among the planned claimants of `natural`.
    fn has(&self, natural: &str, owner: &str) -> bool {
        self.0.get(natural).is_some_and(|owners| owners.iter().any(|(o, _)| o == owner))
    }

    /// The claimant that ranks first for `natural`.
    fn keeper(&self, natural: &str) -> Option<(String, String)> {
        self.0.get(natural).and_then(|owners| owners.first().cloned())
    }
}

/// One warning per claimant that lost its natural name, at its pointer, naming the keeper's.
fn warn_clashes(
    diags: &mut crate::diag::Diagnostics,
    claimants: &[clash::Claimant<'_>],
    resolved: &[clash::Resolved],
    what: &str,
    of: &str,
    kind: &str,
    note: &str,
) {
    for (c, r) in claimants.iter().zip(resolved) {
        let Some((keeper, natural)) = &r.lost_to else { continue };
        let k = &claimants[*keeper];
        // Equal spellings (a parameter in the path and in the query) are told apart by their qualifier.
        let same = c.spelling == k.spelling;
        if same && c.qualifier.is_none() {
            // Equal operationIds: an error of their own (`check::unique_operation_ids`).
            continue;
        }
        let label = |x: &clash::Claimant<'_>| match (same, x.qualifier) {
            (true, Some(q)) => format!("`{}` ({q})", x.spelling),
            _ => format!("`{}`", x.spelling),
        };
        let (this, other) = (label(c), label(k));
        diags
            .warning(
                c.pointer,
                format!(
                    "{what} {this} and {other} ({}){of} would both become {kind} `{natural}`; {other} keeps it and {this} becomes `{}`{note}",
                    k.pointer, r.rust
                ),
            )
            .with_hint("the names follow from the spellings alone (see `naming::clash`); rename one in the spec to choose them");
    }
}
