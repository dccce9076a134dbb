//! The type graph of an [`Api`]: lookups and walks over named types, one implementation each.
//!
//! Lowering calls [`link`] once, after every schema exists, to sort the schemas into their lookup
//! order and to record the facts that need the whole graph (boxed fields, request/response
//! direction). The checks, the emitter and the diff ask the graph instead of walking it themselves.

use super::{Api, Body, Constraints, EnumValue, Field, Operation, Schema, SchemaKind, SchemaRef, TypeRef};
use std::collections::BTreeSet;

impl Api {
    /// The named type a reference points to. Schemas are sorted by Rust name (see [`link`]), so this
    /// is a binary search.
    pub fn schema(&self, r: &SchemaRef) -> Option<&Schema> {
        self.schema_named(r.as_str())
    }

    /// The named type with this Rust name.
    pub fn schema_named(&self, rust_name: &str) -> Option<&Schema> {
        self.schemas.binary_search_by(|s| s.rust_name.as_str().cmp(rust_name)).ok().map(|i| &self.schemas[i])
    }

    /// Every named type reachable from `start` (itself included), through fields, aliases and union
    /// variants.
    pub fn reachable<'a>(&self, start: impl IntoIterator<Item = &'a SchemaRef>) -> BTreeSet<SchemaRef> {
        let mut pending: Vec<SchemaRef> = start.into_iter().cloned().collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = pending.pop() {
            if let Some(schema) = self.schema(&name) {
                if !seen.contains(&name) {
                    pending.extend(schema.type_refs().into_iter().flat_map(TypeRef::schema_refs).cloned());
                }
            }
            seen.insert(name);
        }
        seen
    }

    /// The named types the operations name directly (parameter types and newtypes, bodies, success
    /// responses, page items): what the operations module imports.
    pub fn operation_models(&self) -> BTreeSet<SchemaRef> {
        self.operations.iter().flat_map(Operation::models).collect()
    }

    /// Whether any pattern the client checks needs the backtracking engine (`fancy-regex`), so the
    /// generated crate depends on it.
    pub fn backtracking_patterns(&self) -> bool {
        let schemas = self.schemas.iter().flat_map(|s| {
            let fields = s.fields().iter().flat_map(|f| [&f.constraints, &f.item_constraints]);
            s.newtype_constraints().into_iter().chain(fields)
        });
        let params = self.operations.iter().flat_map(|o| o.params.iter().map(|p| &p.constraints));
        schemas.chain(params).any(|c| c.pattern.is_some() && c.backtracking)
    }

    /// The aliases that contain themselves without a struct in between (`type A = Vec<A>;`), which a
    /// Rust type alias cannot express.
    pub fn alias_cycles(&self) -> Vec<&Schema> {
        let alias = |r: &SchemaRef| self.schema(r).and_then(Schema::alias_target);
        self.schemas
            .iter()
            .filter(|schema| {
                let Some(ty) = schema.alias_target() else { return false };
                let mut pending: Vec<&SchemaRef> = ty.schema_refs();
                let mut seen: Vec<&SchemaRef> = Vec::new();
                while let Some(name) = pending.pop() {
                    if *name == schema.rust_name {
                        return true;
                    }
                    if !seen.contains(&name) {
                        pending.extend(alias(name).map(TypeRef::schema_refs).unwrap_or_default());
                        seen.push(name);
                    }
                }
                false
            })
            .collect()
    }
}

impl TypeRef {
    /// The named types this reference mentions (through arrays and maps).
    pub fn schema_refs(&self) -> Vec<&SchemaRef> {
        match self {
            Self::Named(r) => vec![r],
            Self::Array(inner) | Self::Map(inner) | Self::Nullable(inner) => inner.schema_refs(),
            _ => Vec::new(),
        }
    }

    /// The named type held by value (not behind a `Vec` or `BTreeMap`, which keep items on the heap;
    /// an `Option` holds its value inline).
    pub fn by_value(&self) -> Option<&SchemaRef> {
        match self {
            Self::Named(r) => Some(r),
            Self::Nullable(inner) => inner.by_value(),
            _ => None,
        }
    }

    /// Whether `self` is `needle` or holds it as array items, map values or a nullable value.
    pub fn mentions(&self, needle: &TypeRef) -> bool {
        self == needle || matches!(self, Self::Array(i) | Self::Map(i) | Self::Nullable(i) if i.mentions(needle))
    }

    /// Whether the Rust type spells `BTreeMap` (directly, as array items or inside `Option`), so its
    /// module imports it.
    pub fn has_map(&self) -> bool {
        matches!(self, Self::Map(_)) || matches!(self, Self::Array(i) | Self::Nullable(i) if i.has_map())
    }

    /// The type with every `Nullable` inside it removed (array items, map values, the top).
    pub fn without_nulls(&self) -> TypeRef {
        match self {
            Self::Nullable(inner) => inner.without_nulls(),
            Self::Array(inner) => Self::Array(Box::new(inner.without_nulls())),
            Self::Map(inner) => Self::Map(Box::new(inner.without_nulls())),
            other => other.clone(),
        }
    }
}

impl Operation {
    /// The named types this operation names directly (parameter types and newtypes, body, success
    /// responses, page items).
    pub fn models(&self) -> BTreeSet<SchemaRef> {
        let mut out = BTreeSet::new();
        for p in &self.params {
            out.extend(p.newtype.iter().cloned());
            out.extend(p.ty.schema_refs().into_iter().cloned());
            out.extend(p.array.iter().flat_map(|a| a.item_newtype.iter()).cloned());
        }
        let body = self.body.iter().flat_map(Body::types);
        let outputs = self.output.cases.iter().filter_map(|c| c.payload.json());
        let items = self.pagination.as_ref().map(|p| &p.item_type);
        for ty in body.chain(outputs).chain(items) {
            out.extend(ty.schema_refs().into_iter().cloned());
        }
        out
    }
}

impl Body {
    /// Every type the body carries: its own, and each part's of a multipart form.
    pub fn types(&self) -> Vec<&TypeRef> {
        let parts = self.form.iter().flat_map(|f| f.parts.iter().map(|p| &p.ty));
        std::iter::once(&self.ty).chain(parts).collect()
    }
}

impl Operation {
    /// The named types of its error responses (every documented status that is not a success): the
    /// body a failed call decodes into, kept with the tag that can fail that way.
    pub fn error_models(&self) -> BTreeSet<SchemaRef> {
        let errors = self.responses.iter().filter(|r| !r.status.is_success()).filter_map(|r| r.ty.as_ref());
        errors.flat_map(TypeRef::schema_refs).cloned().collect()
    }
}

impl Schema {
    /// Every type reference the schema holds: field types, the aliased type, union variants.
    pub fn type_refs(&self) -> Vec<&TypeRef> {
        match &self.kind {
            SchemaKind::Struct { fields } => fields.iter().map(|f| &f.ty).collect(),
            SchemaKind::Alias { ty } => vec![ty],
            SchemaKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            SchemaKind::Enum { .. } | SchemaKind::Newtype { .. } => Vec::new(),
        }
    }

    /// The named types a value of this schema holds by value.
    fn by_value(&self) -> Vec<&SchemaRef> {
        self.type_refs().into_iter().filter_map(TypeRef::by_value).collect()
    }

    /// Its fields, when it is a struct (empty otherwise).
    pub fn fields(&self) -> &[Field] {
        match &self.kind {
            SchemaKind::Struct { fields } => fields,
            _ => &[],
        }
    }

    /// Whether it is a struct.
    pub fn is_struct(&self) -> bool {
        matches!(self.kind, SchemaKind::Struct { .. })
    }

    /// Its values, when it is a string enum (empty otherwise).
    pub fn enum_values(&self) -> &[EnumValue] {
        match &self.kind {
            SchemaKind::Enum { values } => values,
            _ => &[],
        }
    }

    /// Its constraints, when it is a validated newtype.
    pub fn newtype_constraints(&self) -> Option<&Constraints> {
        match &self.kind {
            SchemaKind::Newtype { constraints } => Some(constraints),
            _ => None,
        }
    }

    /// The aliased type, when it is an alias.
    pub fn alias_target(&self) -> Option<&TypeRef> {
        match &self.kind {
            SchemaKind::Alias { ty } => Some(ty),
            _ => None,
        }
    }

    /// Whether any type it holds satisfies `predicate` (such as [`TypeRef::has_map`]): used for imports.
    pub fn mentions(&self, predicate: impl Fn(&TypeRef) -> bool) -> bool {
        self.type_refs().into_iter().any(predicate)
    }
}

/// Puts the schemas into lookup order and records what needs the whole graph: which struct fields
/// must be boxed and which types requests and responses carry. Lowering calls it once, last.
pub(crate) fn link(api: &mut Api) {
    api.schemas.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
    mark_boxed(api);
    mark_directions(api);
    drop_request_only_nulls(api);
}

/// A type only requests carry never needs `null` inside it: `nullable` widens what the server
/// accepts, and every non-null value stays valid, so `Vec<Option<Role>>` would only make callers write
/// `Some(..)`. Its array items, map values and union variants lose `Nullable` (fields keep
/// [`Field::nullable`], which is what lets a caller send `null` on purpose). Types responses carry
/// keep it: there, a `null` the spec allows must decode.
fn drop_request_only_nulls(api: &mut Api) {
    for schema in api.schemas.iter_mut().filter(|s| s.in_request && !s.in_response) {
        match &mut schema.kind {
            SchemaKind::Struct { fields } => fields.iter_mut().for_each(|f| f.ty = f.ty.without_nulls()),
            SchemaKind::Alias { ty } => *ty = ty.without_nulls(),
            SchemaKind::Union { variants, .. } => variants.iter_mut().for_each(|v| v.ty = v.ty.without_nulls()),
            SchemaKind::Enum { .. } | SchemaKind::Newtype { .. } => {}
        }
    }
}

/// Marks the struct fields that must be boxed: those whose type is a named type from which the
/// struct is reachable again by value (through struct fields, aliases and union variants; `Vec` and
/// `BTreeMap` hold their items on the heap and break the cycle).
fn mark_boxed(api: &mut Api) {
    let reaches = |from: &SchemaRef, target: &str| {
        let mut pending = vec![from];
        let mut seen: Vec<&SchemaRef> = Vec::new();
        while let Some(name) = pending.pop() {
            if *name == target {
                return true;
            }
            if !seen.contains(&name) {
                pending.extend(api.schema(name).map(Schema::by_value).unwrap_or_default());
                seen.push(name);
            }
        }
        false
    };
    let mut boxed: Vec<(usize, usize)> = Vec::new();
    for (i, schema) in api.schemas.iter().enumerate() {
        for (j, field) in schema.fields().iter().enumerate() {
            if field.ty.by_value().is_some_and(|n| reaches(n, &schema.rust_name)) {
                boxed.push((i, j));
            }
        }
    }
    for (i, j) in boxed {
        if let SchemaKind::Struct { fields } = &mut api.schemas[i].kind {
            fields[j].boxed = true;
        }
    }
}

/// Marks each named type with whether requests and/or responses carry it, following references, so
/// the emitter knows which types need request-side validation and which fields to leave out.
fn mark_directions(api: &mut Api) {
    let mut request: Vec<SchemaRef> = Vec::new();
    let mut response: Vec<SchemaRef> = Vec::new();
    for op in &api.operations {
        for p in &op.params {
            request.extend(p.ty.schema_refs().into_iter().cloned());
            request.extend(p.newtype.iter().cloned());
        }
        for ty in op.body.iter().flat_map(Body::types) {
            request.extend(ty.schema_refs().into_iter().cloned());
        }
        for ty in op.responses.iter().filter_map(|r| r.ty.as_ref()) {
            response.extend(ty.schema_refs().into_iter().cloned());
        }
    }
    let request = api.reachable(&request);
    let response = api.reachable(&response);
    for schema in &mut api.schemas {
        let key = SchemaRef::new(schema.rust_name.clone());
        schema.in_request = request.contains(&key);
        schema.in_response = response.contains(&key);
    }
}
