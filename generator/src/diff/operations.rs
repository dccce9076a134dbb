//! Operations: matched by `operationId`; path, method, media types, parameters, body and responses.

use std::collections::BTreeSet;

use super::constraints::{capitalize, constraint_changes, rejected};
use super::{ChangeKind, Differ, ParamKey, Subject, Verdict};
use crate::ir::{FormPart, MultipartForm, Operation, Param, ParamEncoding, PartKind, Status};

impl Differ {
    pub(super) fn operation(&mut self, id: &str, before: Option<&Operation>, after: Option<&Operation>) {
        let subject = Subject::Operation(id.to_owned());
        let s = &subject;
        let (old, new) = match (before, after) {
            (None, Some(new)) => {
                let kind = ChangeKind::OperationAdded { method: new.method, path: new.path.clone() };
                let note = format!("New method `Client::{}`.", new.rust_name);
                return self.push(s, kind, Verdict::Compatible, note);
            }
            (Some(old), None) => {
                let kind = ChangeKind::OperationRemoved { method: old.method, path: old.path.clone() };
                let note = format!("`Client::{}` and its builder `{}` disappear.", old.rust_name, old.builder_name);
                return self.push(s, kind, Verdict::Breaking, note);
            }
            (Some(old), Some(new)) => (old, new),
            (None, None) => return,
        };
        self.renamed(s, "method", &old.rust_name, &new.rust_name);
        self.renamed(s, "builder", &old.builder_name, &new.builder_name);
        if old.method != new.method {
            let kind = ChangeKind::MethodChanged { before: old.method, after: new.method };
            self.push(
                s,
                kind,
                Verdict::Breaking,
                "The client sends another HTTP method; the old one no longer reaches this operation.",
            );
        }
        if old.path != new.path {
            let kind = ChangeKind::PathChanged { before: old.path.clone(), after: new.path.clone() };
            self.push(
                s,
                kind,
                Verdict::Breaking,
                "The client sends requests to another URL; the old one no longer reaches this operation.",
            );
        }
        if old.deprecated != new.deprecated {
            let note = if new.deprecated {
                "The method is marked deprecated; callers get a warning, not an error."
            } else {
                "The deprecation mark is gone."
            };
            self.push(
                s,
                ChangeKind::OperationDeprecatedChanged { deprecated: new.deprecated },
                Verdict::Compatible,
                note,
            );
        }
        if old.accept != new.accept {
            let kind = ChangeKind::AcceptChanged { before: old.accept.clone(), after: new.accept.clone() };
            self.push(
                s,
                kind,
                Verdict::Breaking,
                "The versioned media type selects another API version, which changes what Atlas sends back.",
            );
        }
        self.body(s, old, new);
        self.params(s, old, new);
        self.responses(s, old, new);
        match (&old.pagination, &new.pagination) {
            (None, Some(_)) => self.push(
                s,
                ChangeKind::PaginationAdded,
                Verdict::Compatible,
                "The builder gains a stream over every page.",
            ),
            (Some(_), None) => self.push(
                s,
                ChangeKind::PaginationRemoved,
                Verdict::Breaking,
                "The builder loses its stream over every page.",
            ),
            _ => {}
        }
    }

    fn body(&mut self, s: &Subject, old: &Operation, new: &Operation) {
        match (&old.body, &new.body) {
            (None, Some(b)) => {
                let (verdict, note) = if b.required {
                    (Verdict::Breaking, format!("`Client::{}` takes the body as a new argument.", new.rust_name))
                } else {
                    (Verdict::Compatible, "The builder gains a setter for the optional body.".to_owned())
                };
                self.push(s, ChangeKind::BodyAdded { required: b.required, ty: b.ty.clone() }, verdict, note);
            }
            (Some(b), None) => {
                let note = if b.required {
                    format!("`Client::{}` loses its body argument.", new.rust_name)
                } else {
                    "The builder loses its body setter.".to_owned()
                };
                self.push(s, ChangeKind::BodyRemoved { ty: b.ty.clone() }, Verdict::Breaking, note);
            }
            (Some(a), Some(b)) => {
                if a.media_type != b.media_type {
                    let kind =
                        ChangeKind::ContentTypeChanged { before: a.media_type.clone(), after: b.media_type.clone() };
                    self.push(s, kind, Verdict::Breaking, "The versioned media type of the body selects another API version, which changes how Atlas reads it.");
                }
                if a.required != b.required {
                    let note = "The body moves between a method argument and a builder setter, so calls change.";
                    self.push(s, ChangeKind::BodyRequiredChanged { required: b.required }, Verdict::Breaking, note);
                }
                if a.ty != b.ty {
                    let kind = ChangeKind::BodyTypeChanged { before: a.ty.clone(), after: b.ty.clone() };
                    self.push(s, kind, Verdict::Breaking, "Callers must build another type for the body.");
                }
                if let (Some(before), Some(after)) = (&a.form, &b.form) {
                    self.form(s, before, after);
                }
            }
            (None, None) => {}
        }
    }

    /// The parts of a typed multipart form (its type is `any` in [`Body::ty`], so the parts are the
    /// form's API).
    fn form(&mut self, s: &Subject, old: &MultipartForm, new: &MultipartForm) {
        let names: BTreeSet<&str> = old.parts.iter().chain(&new.parts).map(|p| p.name.as_str()).collect();
        for name in names {
            let part = name.to_owned();
            let a = old.parts.iter().find(|p| p.name == name);
            let b = new.parts.iter().find(|p| p.name == name);
            match (a, b) {
                (None, Some(b)) => {
                    let (verdict, note) = if b.required {
                        (Verdict::Breaking, format!("`{}::new` takes a new argument `{}`.", new.rust_name, b.rust_name))
                    } else {
                        (Verdict::Compatible, format!("`{}` gains a setter for `{}`.", new.rust_name, b.rust_name))
                    };
                    self.push(s, ChangeKind::FormPartAdded { part, required: b.required }, verdict, note);
                }
                (Some(a), None) => {
                    let note = format!("`{}` no longer has `{}`.", new.rust_name, a.rust_name);
                    self.push(s, ChangeKind::FormPartRemoved { part }, Verdict::Breaking, note);
                }
                (Some(a), Some(b)) => {
                    if a.required != b.required {
                        let note = format!(
                            "`{}` moves between an argument of `{}::new` and a setter.",
                            b.rust_name, new.rust_name
                        );
                        let kind = ChangeKind::FormPartRequiredChanged { part: part.clone(), required: b.required };
                        self.push(s, kind, Verdict::Breaking, note);
                    }
                    let (before, after) = (part_shape(a), part_shape(b));
                    if before != after {
                        let note = format!("Callers must give `{}` another value.", b.rust_name);
                        self.push(s, ChangeKind::FormPartTypeChanged { part, before, after }, Verdict::Breaking, note);
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn params(&mut self, s: &Subject, old: &Operation, new: &Operation) {
        let key = |p: &Param| ParamKey { location: p.location, name: p.name.clone() };
        let keys: BTreeSet<ParamKey> = old.params.iter().chain(&new.params).map(key).collect();
        for k in keys {
            let a = old.params.iter().find(|p| key(p) == k);
            let b = new.params.iter().find(|p| key(p) == k);
            match (a, b) {
                (None, Some(b)) => {
                    let (verdict, note) = if b.required {
                        (
                            Verdict::Breaking,
                            format!("`Client::{}` takes a new argument `{}`.", new.rust_name, b.rust_name),
                        )
                    } else {
                        (Verdict::Compatible, format!("The builder gains a setter `{}`.", b.rust_name))
                    };
                    self.push(s, ChangeKind::ParamAdded { param: k, required: b.required }, verdict, note);
                }
                (Some(a), None) => {
                    let note = if a.required {
                        format!("`Client::{}` loses its argument `{}`.", old.rust_name, a.rust_name)
                    } else {
                        format!("The builder loses its setter `{}`.", a.rust_name)
                    };
                    self.push(s, ChangeKind::ParamRemoved { param: k, required: a.required }, Verdict::Breaking, note);
                }
                (Some(a), Some(b)) => self.param(s, k, a, b),
                (None, None) => {}
            }
        }
    }

    fn param(&mut self, s: &Subject, k: ParamKey, a: &Param, b: &Param) {
        self.renamed(s, k.to_string(), &a.rust_name, &b.rust_name);
        if a.required != b.required {
            let note = if b.required {
                format!("The setter `{}` becomes a required argument of the client method.", b.rust_name)
            } else {
                format!("The argument `{}` becomes an optional builder setter.", b.rust_name)
            };
            let kind = ChangeKind::ParamRequiredChanged { param: k.clone(), required: b.required };
            self.push(s, kind, Verdict::Breaking, note);
        }
        if a.ty != b.ty {
            let kind = ChangeKind::ParamTypeChanged { param: k.clone(), before: a.ty.clone(), after: b.ty.clone() };
            self.push(s, kind, Verdict::Breaking, format!("Callers must pass another type for `{}`.", b.rust_name));
        }
        for change in constraint_changes(&a.constraints, &b.constraints) {
            let (verdict, note) = if change.tightened {
                (
                    Verdict::Breaking,
                    format!("{} for `{}` are now rejected before sending.", capitalize(&rejected(&change)), k.name),
                )
            } else {
                (
                    Verdict::Compatible,
                    format!("`{}` accepts values it used to reject; existing calls keep working.", k.name),
                )
            };
            self.push(s, ChangeKind::ParamConstraintChanged { param: k.clone(), change }, verdict, note);
        }
        let (before, after) = (wire_form(a), wire_form(b));
        if before != after {
            let note = format!("Calls compile unchanged; the client now sends `{}` {after}.", b.name);
            self.push(s, ChangeKind::ParamWireChanged { param: k.clone(), before, after }, Verdict::Compatible, note);
        }
        if a.default != b.default {
            let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
            let kind =
                ChangeKind::ParamDefaultChanged { param: k.clone(), before: json(&a.default), after: json(&b.default) };
            let note = format!(
                "Calls that leave `{}` unset get the server's new default; the client sends nothing either way.",
                b.rust_name
            );
            self.push(s, kind, Verdict::Compatible, note);
        }
        if a.deprecated != b.deprecated {
            let note = if b.deprecated {
                "Its argument or setter is marked deprecated; callers get a warning, not an error."
            } else {
                "The deprecation mark is gone."
            };
            self.push(
                s,
                ChangeKind::ParamDeprecatedChanged { param: k, deprecated: b.deprecated },
                Verdict::Compatible,
                note,
            );
        }
    }

    fn responses(&mut self, s: &Subject, old: &Operation, new: &Operation) {
        let statuses: BTreeSet<Status> = old.responses.iter().chain(&new.responses).map(|r| r.status).collect();
        let old_success = old.success().map(|r| r.status);
        let new_success = new.success().map(|r| r.status);
        for st in statuses {
            let a = old.responses.iter().find(|r| r.status == st);
            let b = new.responses.iter().find(|r| r.status == st);
            match (a, b) {
                (None, Some(_)) => {
                    let note = if Some(st) == new_success {
                        "It is now the success response `send()` decodes."
                    } else if st.is_success() {
                        "`send()` now returns one variant per success status, this one included."
                    } else {
                        "Documentation only: error responses reach callers as `Error`, with the body read as `AtlasError`."
                    };
                    self.push(s, ChangeKind::ResponseAdded { status: st }, Verdict::Compatible, note);
                }
                (Some(_), None) => {
                    let success = Some(st) == old_success;
                    let note = if success {
                        "Atlas no longer documents the success status `send()` relied on; the new success response decides what it returns."
                    } else {
                        "Documentation only: if Atlas still sends it, it reaches callers as before."
                    };
                    self.push(s, ChangeKind::ResponseRemoved { status: st, success }, Verdict::Compatible, note);
                }
                (Some(a), Some(b)) => {
                    let is_success = Some(st) == old_success || Some(st) == new_success;
                    if a.ty != b.ty && !is_success {
                        let kind =
                            ChangeKind::ResponseTypeChanged { status: st, before: a.ty.clone(), after: b.ty.clone() };
                        self.push(
                            s,
                            kind,
                            Verdict::Compatible,
                            "The client reads every error body as `AtlasError`, whatever the spec documents.",
                        );
                    }
                }
                (None, None) => {}
            }
        }
        let old_ty = old.success().and_then(|r| r.ty.clone());
        let new_ty = new.success().and_then(|r| r.ty.clone());
        if old_ty != new_ty {
            let kind = ChangeKind::SuccessTypeChanged { before: old_ty, after: new_ty };
            self.push(s, kind, Verdict::Breaking, "`send()` returns another type.");
        }
    }
}

/// How a parameter's value travels, in words, for [`ChangeKind::ParamWireChanged`].
fn wire_form(p: &Param) -> String {
    if let Some(array) = &p.array {
        return if array.explode {
            "one pair per item".to_owned()
        } else {
            format!("items joined by `{}`", array.separator)
        };
    }
    match &p.encoding {
        None => "its text".to_owned(),
        Some(ParamEncoding::Json) => "its JSON text".to_owned(),
        Some(ParamEncoding::FormExploded) => "one pair per property".to_owned(),
        Some(ParamEncoding::Joined { separator }) => format!("keys and values joined by `{separator}`"),
        Some(ParamEncoding::DeepObject) => "`name[key]=value` pairs (deepObject)".to_owned(),
        Some(ParamEncoding::Simple) => "`k1,v1,k2,v2`".to_owned(),
        Some(ParamEncoding::SimpleExploded) => "`k1=v1,k2=v2`".to_owned(),
    }
}

/// What a multipart part carries, in words, for [`ChangeKind::FormPartTypeChanged`].
fn part_shape(p: &FormPart) -> String {
    let what = match p.kind {
        PartKind::Text => format!("text `{}`", p.ty),
        PartKind::File => "a file".to_owned(),
        PartKind::Json => format!("JSON `{}`", p.ty),
    };
    if p.repeated {
        format!("one part per item, each {what}")
    } else {
        what
    }
}
