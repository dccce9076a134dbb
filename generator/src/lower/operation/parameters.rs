//! An operation's parameters: path-level and operation-level merged, typed, constrained, and ordered
//! as the generated method takes them.

use super::OpSite;
use crate::diag::child;
use crate::ir::{
    ArrayParam, Constraints, Location, OmittedParam, Param, ParamEncoding, PathSegment, SchemaKind, SchemaRef, TypeRef,
};
use crate::load::resolve;
use crate::lower::Lowerer;
use crate::naming::{self, Case};
use openapiv3::{ParameterSchemaOrContent, PathItem, ReferenceOr};

impl Lowerer<'_> {
    pub(super) fn lower_params(
        &mut self,
        site: &OpSite<'_>,
        item: &PathItem,
        op: &openapiv3::Operation,
    ) -> (Vec<Param>, Vec<OmittedParam>) {
        let OpSite { id: op_id, builder_name, path, pointer: op_pointer, segments } = *site;
        // Operation-level parameters override path-level ones with the same name and location.
        let path_pointer = op_pointer.rsplit_once('/').map(|(p, _)| p.to_owned()).unwrap_or_default();
        // Each parameter with the pointer of its use in this operation and the pointer where it is
        // defined (a shared `components/parameters` entry is reported once, at its definition).
        let mut raw: Vec<(&openapiv3::Parameter, String, String)> = Vec::new();
        let level_params =
            [(&item.parameters, child(&path_pointer, "parameters")), (&op.parameters, child(op_pointer, "parameters"))];
        for (list, base) in level_params {
            for (i, p) in list.iter().enumerate() {
                let at = child(&base, i.to_string());
                let Some((param, defined_at)) = resolve(self.doc, p, &at, &mut self.diags) else { continue };
                let data = param.parameter_data_ref();
                raw.retain(|(q, _, _)| !(q.parameter_data_ref().name == data.name && same_location(q, param)));
                raw.push((param, at, defined_at));
            }
        }
        let declared: Vec<(&str, &str)> = raw
            .iter()
            .filter(|(p, _, _)| matches!(p, openapiv3::Parameter::Path { .. }))
            .map(|(p, at, _)| (p.parameter_data_ref().name.as_str(), at.as_str()))
            .collect();
        crate::lower::check::path_params(op_id, path, op_pointer, segments, &declared, &mut self.diags);
        let mut names = self.argument_names(op_id, &raw).into_iter();
        let mut params = Vec::new();
        let mut omitted = Vec::new();
        for (param, at, defined_at) in raw {
            let data = param.parameter_data_ref();
            // `x-codegen-omit: <reason>` keeps a documented parameter out of the client, for parameters
            // a typed client must not send (Atlas' `envelope=true` reshapes every response body).
            if let Some(reason) = data.extensions.get("x-codegen-omit") {
                if let (true, Some(text)) = (optional_query(param), reason.as_str().filter(|r| !r.trim().is_empty())) {
                    omitted.push(OmittedParam { name: data.name.clone(), reason: text.trim().to_owned() });
                } else {
                    self.diags
                        .error(
                            child(&at, "x-codegen-omit"),
                            format!(
                                "`x-codegen-omit` on `{}` needs an optional query parameter and a reason string",
                                data.name
                            ),
                        )
                        .with_hint("write `x-codegen-omit: <why the client must not send it>`");
                }
                continue;
            }
            let location = match param {
                openapiv3::Parameter::Path { .. } => Location::Path,
                openapiv3::Parameter::Query { .. } => Location::Query,
                openapiv3::Parameter::Header { .. } => Location::Header,
                openapiv3::Parameter::Cookie { .. } => {
                    self.diags
                        .error(&at, format!("parameter `{}` of `{op_id}` is a cookie (`in: cookie`), which atlas-codegen does not support", data.name))
                        .with_hint("the generated client sends path, query and header parameters only; set cookies through a custom reqwest client");
                    continue;
                }
            };
            let rust_name = names.next().unwrap_or_else(|| naming::argument_name(&data.name));
            // The schema: `schema`, or the one media type of `content` (JSON there means the value's
            // JSON text; any other media type its text, as with `schema`).
            let Some(described) = self.param_schema(data, &at, &defined_at) else { continue };
            let (schema, schema_pointer, json) = (described.schema, described.pointer.clone(), described.json);
            let required = data.required || location == Location::Path;
            let hint = format!("{builder_name}{}", naming::sanitize(&data.name, Case::Pascal));
            let ty = match schema {
                Some(schema) => match self.schema_type(schema, &schema_pointer, &hint) {
                    Some(ty) => ty,
                    None => continue,
                },
                // `content` without a schema: any JSON value, or a text.
                None if json => TypeRef::Any,
                None => TypeRef::String,
            };
            // A query string, path or header has no spelling for `null`: the parameter is unset
            // instead. Said out loud, since the spec asks for something the client cannot send.
            let ty = if ty.without_nulls() != ty {
                let at = match schema {
                    Some(ReferenceOr::Item(s)) if s.schema_data.nullable => child(&schema_pointer, "nullable"),
                    Some(ReferenceOr::Item(_)) => child(&schema_pointer, "items"),
                    _ => schema_pointer.clone(),
                };
                self.diags
                    .warning(
                        at,
                        format!(
                            "`nullable` on {} parameter `{}` is ignored: a parameter cannot carry `null` on the wire",
                            location.as_str(),
                            data.name
                        ),
                    )
                    .with_hint(if required {
                        "remove `nullable: true`; a required parameter always has a value"
                    } else {
                        "remove `nullable: true`; leave the parameter unset to send nothing"
                    });
                ty.without_nulls()
            } else {
                ty
            };
            let (constraints, default) = match schema {
                Some(ReferenceOr::Item(s)) => (self.constraints(s, &schema_pointer), s.schema_data.default.clone()),
                _ => (Constraints::default(), None),
            };
            if let Some(default) = &default {
                crate::lower::check::default_in_bounds(
                    &data.name,
                    default,
                    &constraints,
                    &schema_pointer,
                    &mut self.diags,
                );
            }
            if location == Location::Path && !data.required {
                self.diags.warning(
                    child(&at, "required"),
                    format!("path parameter `{}` must be `required: true`; treating it as required", data.name),
                );
            }
            let mut name = data.name.clone();
            let shape = self.shape(&ty);
            let (array, encoding) = match shape {
                Shape::Text if json => (None, Some(ParamEncoding::Json)),
                Shape::Array(_) | Shape::Object | Shape::Nested if json => (None, Some(ParamEncoding::Json)),
                Shape::Text => (None, None),
                Shape::Array(ref item) if location != Location::Path => {
                    let Some(array) = self.array_param(param, &defined_at, builder_name, &described, item, &mut name)
                    else {
                        continue;
                    };
                    (Some(array), None)
                }
                Shape::Object | Shape::Nested if location != Location::Path => {
                    let encoding = self.object_encoding(param, &defined_at);
                    if encoding != ParamEncoding::DeepObject {
                        self.warn_json_texts(&data.name, &ty, &schema_pointer);
                    }
                    (None, Some(encoding))
                }
                Shape::Array(_) | Shape::Object | Shape::Nested | Shape::Other => {
                    self.diags
                        .error(
                            &schema_pointer,
                            format!(
                                "parameter `{}` has a type that cannot be sent in the {}",
                                data.name,
                                location.as_str()
                            ),
                        )
                        .with_hint(if location == Location::Path {
                            "use a string, integer, number, boolean or string enum"
                        } else {
                            "a `format: password` or `x-sensitive` value cannot be a parameter: drop the marker, or describe the credential as a security scheme"
                        });
                    continue;
                }
            };
            // An object's own constraints do not apply to its text; a struct checks its fields itself. A
            // string enum's length and pattern (NetBox's `face: {enum: [front, rear], minLength: 1}`) are
            // settled by its values, which its type already fixes.
            let constraints = match shape {
                Shape::Object | Shape::Nested => Constraints::default(),
                _ if matches!(ty, TypeRef::Named(_)) => Constraints {
                    pattern: None,
                    backtracking: false,
                    ascii_classes: false,
                    min_length: None,
                    max_length: None,
                    ..constraints
                },
                _ => constraints,
            };
            let newtype = if ty == TypeRef::String && constraints.constrains_string() {
                self.param_newtype(&data.name, builder_name, &constraints, &at)
            } else {
                None
            };
            params.push(Param {
                name,
                rust_name,
                pointer: defined_at,
                location,
                required,
                description: data.description.clone(),
                ty,
                default,
                constraints,
                newtype,
                deprecated: data.deprecated == Some(true),
                array,
                encoding,
            });
        }
        // Path parameters first, in template order; the rest keep spec order.
        let order = |p: &Param| match p.location {
            Location::Path => segments
                .iter()
                .filter_map(|s| match s {
                    PathSegment::Param(n) => Some(n),
                    PathSegment::Literal(_) => None,
                })
                .position(|n| *n == p.name)
                .unwrap_or(usize::MAX),
            Location::Query => usize::MAX,
            Location::Header => usize::MAX,
        };
        params.sort_by_key(|p| (p.location, order(p)));
        (params, omitted)
    }

    /// How an array parameter travels (`style`/`explode`) and what its items must satisfy; `None`
    /// (with an error) for a style no client can send unambiguously.
    fn array_param(
        &mut self,
        param: &openapiv3::Parameter,
        defined_at: &str,
        builder_name: &str,
        described: &ParamSchema<'_>,
        item: &TypeRef,
        wire_name: &mut String,
    ) -> Option<ArrayParam> {
        use openapiv3::{HeaderStyle, QueryStyle};
        let data = param.parameter_data_ref();
        let (explode, separator) = match param {
            openapiv3::Parameter::Query { style, .. } => match style {
                QueryStyle::Form => (data.explode.unwrap_or(true), ","),
                QueryStyle::SpaceDelimited => (data.explode.unwrap_or(false), " "),
                QueryStyle::PipeDelimited => (data.explode.unwrap_or(false), "|"),
                // Defined for objects only; APIs that write it on an array (Stripe's `expand[]`) read
                // the bracket form, one `name[]=item` pair per item.
                QueryStyle::DeepObject => {
                    if !wire_name.ends_with("[]") {
                        wire_name.push_str("[]");
                    }
                    self.diags
                        .warning(
                            child(defined_at, "style"),
                            format!(
                                "array parameter `{}` has `style: deepObject`, which OpenAPI defines for objects only; it is sent as `{wire_name}=a&{wire_name}=b`",
                                data.name
                            ),
                        )
                        .with_hint(format!(
                            "name the parameter `{wire_name}` with `style: form` to say so, or drop `style` if the server reads `{}=a&{}=b`",
                            data.name, data.name
                        ));
                    (true, ",")
                }
            },
            // Headers are `simple`: items joined by commas, whatever `explode` says.
            openapiv3::Parameter::Header { style: HeaderStyle::Simple, .. } => (false, ","),
            _ => (false, ","),
        };
        let ParamSchema { schema, pointer: schema_pointer, .. } = described;
        let items = match schema {
            Some(ReferenceOr::Item(s)) => match &s.schema_kind {
                openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) => a.items.as_ref(),
                _ => None,
            },
            _ => None,
        };
        let item_pointer = child(schema_pointer, "items");
        let item_constraints = match items {
            Some(ReferenceOr::Item(s)) => self.constraints(s, &item_pointer),
            _ => Constraints::default(),
        };
        let item_newtype = if *item == TypeRef::String && item_constraints.constrains_string() {
            self.param_newtype(&format!("{}Item", data.name), builder_name, &item_constraints, &item_pointer)
        } else {
            None
        };
        Some(ArrayParam { explode, separator: separator.to_owned(), item_constraints, item_newtype })
    }

    /// The validated newtype of a constrained string parameter (`orgId` -> `OrgId`). Parameters with
    /// the same name and constraints share one type; the same name with other constraints is an error.
    fn param_newtype(
        &mut self,
        name: &str,
        builder_name: &str,
        constraints: &Constraints,
        at: &str,
    ) -> Option<SchemaRef> {
        // Identical constraints share one type: a parameter of this name already has one.
        let shared = self.schemas.iter().find(|s| s.name == name && s.newtype_constraints() == Some(constraints));
        if let Some(existing) = shared {
            return Some(SchemaRef::new(existing.rust_name.clone()));
        }
        // Otherwise the parameter's own name (`OrgId`) while it is free, else the operation's
        // (`ListClustersName`), else numbered: distinct, deterministic (spec order) and readable.
        let plain = naming::type_name(name);
        let scoped = naming::type_name(&format!("{builder_name}_{name}"));
        let mut candidates = vec![plain.clone(), scoped.clone()];
        candidates.extend((2..100).map(|n| format!("{scoped}{n}")));
        let rust_name = candidates.into_iter().find(|c| self.types.claim(at, c).is_ok())?;
        let kind = SchemaKind::Newtype { constraints: constraints.clone() };
        self.push_schema(name, rust_name.clone(), at, None, kind);
        Some(SchemaRef::new(rust_name))
    }
}

impl Lowerer<'_> {
    /// The Rust arguments of the parameters that become arguments (not omitted, not cookies), as one
    /// naming scope: a clash is settled by [`crate::naming::clash`], a path parameter first, then
    /// query, then header, and the location is the word that sets equal spellings apart (`id_query`).
    fn argument_names(&mut self, op_id: &str, raw: &[(&openapiv3::Parameter, String, String)]) -> Vec<String> {
        let claimants: Vec<crate::naming::clash::Claimant<'_>> = raw
            .iter()
            .filter(|(p, _, _)| !p.parameter_data_ref().extensions.contains_key("x-codegen-omit"))
            .filter_map(|(p, at, _)| {
                let (priority, location) = match p {
                    openapiv3::Parameter::Path { .. } => (0, "path"),
                    openapiv3::Parameter::Query { .. } => (1, "query"),
                    openapiv3::Parameter::Header { .. } => (2, "header"),
                    openapiv3::Parameter::Cookie { .. } => return None,
                };
                let spelling = p.parameter_data_ref().name.as_str();
                Some(crate::naming::clash::Claimant { spelling, pointer: at, priority, qualifier: Some(location) })
            })
            .collect();
        self.scope_names(
            &claimants,
            crate::naming::argument_name,
            ("parameters", &format!(" of `{op_id}`")),
            "the Rust argument",
            "",
        )
    }
}

/// What a parameter's type is on the wire, which decides how it can travel.
enum Shape {
    /// One text: a string, number, boolean, string enum, constrained string, or a union (its JSON
    /// text).
    Text,
    /// An array of texts, with its item type.
    Array(TypeRef),
    /// An object: a struct, a map, or any JSON value.
    Object,
    /// An array whose items are not texts (objects, arrays): spelled by `deepObject`, sent as JSON
    /// texts by the other styles.
    Nested,
    /// Nothing a parameter can carry (a secret).
    Other,
}

/// A parameter's schema and whether its value travels as JSON text (`content: application/json`).
struct ParamSchema<'s> {
    /// The schema, absent for a `content` media type without one.
    schema: Option<&'s ReferenceOr<openapiv3::Schema>>,
    /// Where the schema is (or would be).
    pointer: String,
    /// Whether the value is sent as its JSON text.
    json: bool,
}

impl Lowerer<'_> {
    /// The schema of a parameter: its `schema`, or the schema of its one `content` media type.
    fn param_schema<'s>(
        &mut self,
        data: &'s openapiv3::ParameterData,
        at: &str,
        defined_at: &str,
    ) -> Option<ParamSchema<'s>> {
        match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                Some(ParamSchema { schema: Some(s), pointer: child(defined_at, "schema"), json: false })
            }
            ParameterSchemaOrContent::Content(content) => {
                let Some((media_type, media)) = content.first() else {
                    self.diags
                        .error(child(at, "content"), format!("parameter `{}` has an empty `content`", data.name))
                        .with_hint("give `content` one media type with its schema (`application/json: {schema: ...}`), or use `schema`");
                    return None;
                };
                if content.len() > 1 {
                    self.diags
                        .warning(
                            child(at, "content"),
                            format!(
                                "parameter `{}` lists {} media types in `content`, where OpenAPI allows one; the first, `{media_type}`, is used",
                                data.name,
                                content.len()
                            ),
                        )
                        .with_hint("keep only the media type the server reads");
                }
                let pointer = child(&child(defined_at, "content"), media_type);
                let json = super::bodies::is_json(media_type);
                Some(ParamSchema { schema: media.schema.as_ref(), pointer: child(&pointer, "schema"), json })
            }
        }
    }

    /// What a parameter's type is on the wire, following named types to their kind (the schemas a
    /// parameter names are lowered before it).
    fn shape(&self, ty: &TypeRef) -> Shape {
        match ty {
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => Shape::Text,
            // A user's type (`[replace]`) in a parameter is written with its `Display`.
            TypeRef::External(_) => Shape::Text,
            // Formatted as the spec's string form (RFC 3339, a hyphenated uuid, base64).
            TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid | TypeRef::Base64 | TypeRef::Binary => Shape::Text,
            TypeRef::Map(_) | TypeRef::Any => Shape::Object,
            TypeRef::Secret => Shape::Other,
            TypeRef::Nullable(inner) => self.shape(inner),
            TypeRef::Array(item) => match self.shape(item) {
                Shape::Text => Shape::Array((**item).clone()),
                Shape::Other => Shape::Other,
                Shape::Array(_) | Shape::Object | Shape::Nested => Shape::Nested,
            },
            TypeRef::Named(name) => {
                let kind = self.schemas.iter().find(|s| s.rust_name == name.as_str()).map(|s| &s.kind);
                match kind {
                    Some(SchemaKind::Struct { .. }) => Shape::Object,
                    // An alias takes the shape of what it names (an alias cycle is reported elsewhere).
                    Some(SchemaKind::Alias { ty }) if ty != &TypeRef::Named(name.clone()) => self.shape(ty),
                    _ => Shape::Text,
                }
            }
        }
    }

    /// Warns that the objects inside a `form` or `simple` parameter (an array's items, a property or
    /// map value that is itself an object) travel as their JSON text: those styles have no spelling
    /// for nesting, only `deepObject` does.
    fn warn_json_texts(&mut self, name: &str, ty: &TypeRef, schema_pointer: &str) {
        let (what, at) = match ty {
            TypeRef::Array(_) => ("its items are objects".to_owned(), child(schema_pointer, "items")),
            TypeRef::Map(value) if !matches!(self.shape(value), Shape::Text | Shape::Array(_)) => {
                ("its values are objects".to_owned(), child(schema_pointer, "additionalProperties"))
            }
            _ => {
                let Some(fields) = self.struct_fields(ty) else { return };
                let nested: Vec<&crate::ir::Field> =
                    fields.iter().filter(|f| !matches!(self.shape(&f.ty), Shape::Text | Shape::Array(_))).collect();
                let Some(first) = nested.first() else { return };
                let names: Vec<String> = nested.iter().map(|f| format!("`{}`", f.name)).collect();
                (format!("its properties {} are objects", names.join(", ")), first.pointer.clone())
            }
        };
        self.diags
            .warning(
                at,
                format!("parameter `{name}` is sent with `style: form` or `simple`, but {what}; each is sent as its JSON text, since those styles define no nesting"),
            )
            .with_hint("use `style: deepObject` for `name[key][sub]=value`, or `content: {application/json: ...}` for the whole value as JSON");
    }

    /// The fields of a struct type (through aliases).
    fn struct_fields(&self, ty: &TypeRef) -> Option<Vec<crate::ir::Field>> {
        let TypeRef::Named(name) = ty else { return None };
        match &self.schemas.iter().find(|s| s.rust_name == name.as_str())?.kind {
            SchemaKind::Struct { fields } => Some(fields.clone()),
            SchemaKind::Alias { ty: target } if target != ty => self.struct_fields(target),
            _ => None,
        }
    }

    /// How an object in the query or a header travels, by its `style` and `explode`.
    fn object_encoding(&mut self, param: &openapiv3::Parameter, defined_at: &str) -> ParamEncoding {
        use openapiv3::QueryStyle;
        let data = param.parameter_data_ref();
        match param {
            openapiv3::Parameter::Query { style: QueryStyle::DeepObject, .. } => {
                if data.explode == Some(false) {
                    self.diags
                        .warning(
                            child(defined_at, "explode"),
                            format!("`explode: false` on `{}` is undefined for `style: deepObject`; it is sent exploded, as `{}[key]=value`", data.name, data.name),
                        )
                        .with_hint("remove `explode: false`");
                }
                ParamEncoding::DeepObject
            }
            openapiv3::Parameter::Query { style, .. } => {
                let separator = match style {
                    QueryStyle::SpaceDelimited => " ",
                    QueryStyle::PipeDelimited => "|",
                    _ => ",",
                };
                // `form` explodes by default; the delimited styles are defined unexploded only.
                let explode = data.explode.unwrap_or(matches!(style, QueryStyle::Form));
                if explode {
                    ParamEncoding::FormExploded
                } else {
                    ParamEncoding::Joined { separator: separator.to_owned() }
                }
            }
            _ if data.explode == Some(true) => ParamEncoding::SimpleExploded,
            _ => ParamEncoding::Simple,
        }
    }
}

/// Whether a parameter is an optional query parameter (the only kind a client may leave out).
fn optional_query(param: &openapiv3::Parameter) -> bool {
    matches!(param, openapiv3::Parameter::Query { parameter_data, .. } if !parameter_data.required)
}

fn same_location(a: &openapiv3::Parameter, b: &openapiv3::Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}
