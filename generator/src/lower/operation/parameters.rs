//! An operation's parameters: path-level and operation-level merged, typed, constrained, and ordered
//! as the generated method takes them.

use super::OpSite;
use crate::diag::child;
use crate::ir::{ArrayParam, Constraints, Location, OmittedParam, Param, PathSegment, SchemaKind, SchemaRef, TypeRef};
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
            let rust_name = names.next().unwrap_or_else(|| naming::field_name(&data.name));
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => s,
                ParameterSchemaOrContent::Content(_) => {
                    self.diags.error(
                        child(&at, "content"),
                        format!("parameter `{}` uses `content`; only `schema` is supported", data.name),
                    );
                    continue;
                }
            };
            let schema_pointer = child(&defined_at, "schema");
            let required = data.required || location == Location::Path;
            let hint = format!("{builder_name}{}", naming::sanitize(&data.name, Case::Pascal));
            let Some(ty) = self.schema_type(schema, &schema_pointer, &hint) else { continue };
            // A query string, path or header has no spelling for `null`: the parameter is unset
            // instead. Said out loud, since the spec asks for something the client cannot send.
            let ty = if ty.without_nulls() != ty {
                let at = match schema {
                    ReferenceOr::Item(s) if s.schema_data.nullable => child(&schema_pointer, "nullable"),
                    ReferenceOr::Item(_) => child(&schema_pointer, "items"),
                    ReferenceOr::Reference { .. } => schema_pointer.clone(),
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
                ReferenceOr::Item(s) => (self.constraints(s, &schema_pointer), s.schema_data.default.clone()),
                ReferenceOr::Reference { .. } => (Constraints::default(), None),
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
            let array = match &ty {
                TypeRef::Array(item) if location != Location::Path && is_scalar(item) => {
                    let Some(array) = self.array_param(param, builder_name, schema, &schema_pointer, item) else {
                        continue;
                    };
                    Some(array)
                }
                _ => None,
            };
            if array.is_none() && !is_scalar(&ty) {
                self.diags
                    .error(
                        &schema_pointer,
                        format!(
                            "parameter `{}` has a type that cannot be sent in the {}",
                            data.name,
                            location.as_str()
                        ),
                    )
                    .with_hint("use a string, integer, number, boolean or string enum, or (in the query or a header) an array of them");
                continue;
            }
            let newtype = if ty == TypeRef::String && constraints.constrains_string() {
                self.param_newtype(&data.name, builder_name, &constraints, &at)
            } else {
                None
            };
            params.push(Param {
                name: data.name.clone(),
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
        builder_name: &str,
        schema: &ReferenceOr<openapiv3::Schema>,
        schema_pointer: &str,
        item: &TypeRef,
    ) -> Option<ArrayParam> {
        use openapiv3::{HeaderStyle, QueryStyle};
        let data = param.parameter_data_ref();
        let (explode, separator) = match param {
            openapiv3::Parameter::Query { style, .. } => match style {
                QueryStyle::Form => (data.explode.unwrap_or(true), ","),
                QueryStyle::SpaceDelimited => (data.explode.unwrap_or(false), " "),
                QueryStyle::PipeDelimited => (data.explode.unwrap_or(false), "|"),
                QueryStyle::DeepObject => {
                    self.diags
                        .error(
                            schema_pointer,
                            format!(
                                "array parameter `{}` has `style: deepObject`, which is defined for objects only",
                                data.name
                            ),
                        )
                        .with_hint("use `style: form` (the default)");
                    return None;
                }
            },
            // Headers are `simple`: items joined by commas, whatever `explode` says.
            openapiv3::Parameter::Header { style: HeaderStyle::Simple, .. } => (false, ","),
            _ => (false, ","),
        };
        let items = match schema {
            ReferenceOr::Item(s) => match &s.schema_kind {
                openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) => a.items.as_ref(),
                _ => None,
            },
            ReferenceOr::Reference { .. } => None,
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
        self.scope_names(&claimants, ("parameters", &format!(" of `{op_id}`")), "the Rust argument", "")
    }
}

/// Whether a type travels as one text value: a string, number, boolean or a (string enum) named type.
fn is_scalar(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool | TypeRef::Named(_))
}

/// Whether a parameter is an optional query parameter (the only kind a client may leave out).
fn optional_query(param: &openapiv3::Parameter) -> bool {
    matches!(param, openapiv3::Parameter::Query { parameter_data, .. } if !parameter_data.required)
}

fn same_location(a: &openapiv3::Parameter, b: &openapiv3::Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}
