//! Valid sample values, computed from the IR at codegen time: what the conformance harness
//! (`emit::conformance`) sends as parameters and bodies.
//!
//! Strings satisfy their pattern (a deterministic walk of the regex, [`matching`]) and lengths, numbers
//! their bounds, arrays their item counts, enums take their first value; objects get their required
//! fields only. Everything is deterministic: the same IR gives the same values.

use crate::ir::{Api, Constraints, Field, Schema, SchemaKind, TypeRef, UnionTag, UnionVariant};
use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{Map, Value};

/// How deep objects may nest before a sample gives up on optional depth (recursive schemas).
const MAX_DEPTH: usize = 12;

/// A value of `ty` that satisfies `constraints` (the place's own, such as a parameter's or a field's).
pub fn value(api: &Api, ty: &TypeRef, constraints: &Constraints) -> Value {
    Sampler { api }.value(ty, constraints, 0)
}

/// A string that satisfies `constraints`: the pattern, if any, and the length bounds.
pub fn string(constraints: &Constraints) -> String {
    let min = constraints.min_length.unwrap_or(0) as usize;
    let max = constraints.max_length.map(|m| m as usize);
    let fits = |s: &str| {
        let n = s.chars().count();
        n >= min && max.is_none_or(|max| n <= max)
    };
    let Some(pattern) = &constraints.pattern else {
        let n = min.max(1).min(max.unwrap_or(usize::MAX));
        return "a".repeat(n);
    };
    // The walk ignores look-around, so each candidate is checked against the whole pattern; other
    // alternatives and longer repetitions are tried until one matches within the length bounds.
    let full = fancy_regex::Regex::new(pattern).ok();
    let matches = |s: &str| full.as_ref().is_none_or(|re| re.is_match(s).unwrap_or(false));
    for choice in 0..4 {
        for extra in 0..=32 {
            if let Some(s) = matching(pattern, extra, choice) {
                if fits(&s) && matches(&s) {
                    return s;
                }
            }
        }
    }
    matching(pattern, 0, 0).unwrap_or_else(|| "a".repeat(min.max(1)))
}

/// A string the regex `pattern` matches (unanchored patterns are matched as anchored, which only
/// narrows them), repeating each `*`/`+`/`{m,n}` `extra` times beyond its minimum where allowed and
/// taking alternative `choice` (modulo their number) of each `|`. Look-around is left out of the
/// walk (the caller checks the result); `None` for a pattern that does not parse even then.
pub fn matching(pattern: &str, extra: u32, choice: usize) -> Option<String> {
    let stripped = without_look_around(pattern);
    let hir = regex_syntax::ParserBuilder::new().build().parse(&stripped).ok()?;
    let mut out = String::new();
    walk(&hir, extra, choice, &mut out);
    Some(out)
}

/// `pattern` without its `(?=..)`, `(?!..)`, `(?<=..)` and `(?<!..)` groups, which consume nothing.
fn without_look_around(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
        let look = ["(?<=", "(?<!", "(?=", "(?!"].iter().find(|p| rest.starts_with(*p));
        if let Some(prefix) = look {
            // Skip to the matching `)`, minding escapes and nested groups.
            let mut depth = 1;
            let mut j = i + prefix.len();
            while j < chars.len() {
                match chars[j] {
                    '\\' => j += 1,
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        if chars[i] == '\\' && i + 1 < chars.len() {
            out.push(chars[i]);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn walk(hir: &Hir, extra: u32, choice: usize, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(class) => {
            if let Some(c) = pick(class) {
                out.push(c);
            }
        }
        HirKind::Repetition(rep) => {
            let wanted = rep.min.saturating_add(extra);
            let times = rep.max.map_or(wanted, |max| wanted.min(max)).max(rep.min);
            for _ in 0..times {
                walk(&rep.sub, extra, choice, out);
            }
        }
        HirKind::Capture(capture) => walk(&capture.sub, extra, choice, out),
        HirKind::Concat(parts) => parts.iter().for_each(|part| walk(part, extra, choice, out)),
        HirKind::Alternation(alternatives) => {
            if let Some(one) = alternatives.get(choice % alternatives.len().max(1)) {
                walk(one, extra, choice, out);
            }
        }
    }
}

/// A character of `class`: a letter or digit when it has one (they survive URLs and every
/// string rule), else its first character.
fn pick(class: &Class) -> Option<char> {
    let ranges: Vec<(char, char)> = match class {
        Class::Unicode(class) => class.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        Class::Bytes(class) => class.ranges().iter().map(|r| (char::from(r.start()), char::from(r.end()))).collect(),
    };
    for wanted in ['a', 'A', '0'] {
        let probe = |(start, end): &(char, char)| (*start..=*end).contains(&wanted);
        if ranges.iter().any(probe) {
            return Some(wanted);
        }
    }
    let alnum = ranges.iter().find_map(|(start, end)| (*start..=*end).find(|c| c.is_ascii_alphanumeric()));
    alnum.or_else(|| ranges.first().map(|(start, _)| *start))
}

/// A valid string of a `format` that validators check (Prism does), when it is one.
pub fn formatted(format: &str) -> Option<&'static str> {
    Some(match format {
        "date" => "2024-01-01",
        "date-time" => "2024-01-01T00:00:00Z",
        "email" => "user@example.com",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "uri" | "url" => "https://example.com/",
        "ipv4" => "192.0.2.1",
        "hostname" => "example.com",
        _ => return None,
    })
}

/// The sample of a typed format ([`TypeRef::is_typed_format`]), in the form the client sends it.
fn typed_format(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::DateTime => "2024-01-01T00:00:00Z",
        TypeRef::Date => "2024-01-01",
        TypeRef::Uuid => "00000000-0000-4000-8000-000000000000",
        // The bytes of "sample", base64-encoded.
        TypeRef::Base64 => "c2FtcGxl",
        _ => "sample",
    }
}

/// A number within `constraints`' bounds, as close to 1 as they allow; whole when `integer`.
pub fn number(constraints: &Constraints, integer: bool) -> f64 {
    let step = if integer { 1.0 } else { 0.5 };
    let mut n: f64 = 1.0;
    if let Some(min) = constraints.minimum {
        let low = if constraints.exclusive_minimum { min + step } else { min };
        if n < low {
            n = if integer { low.ceil() } else { low };
        }
    }
    if let Some(max) = constraints.maximum {
        let high = if constraints.exclusive_maximum { max - step } else { max };
        if n > high {
            n = if integer { high.floor() } else { high };
        }
    }
    n
}

/// An integer within `constraints`: the first of its `enum` values inside the bounds (else the first
/// value), or [`number`]'s choice when it has none.
pub fn integer(constraints: &Constraints) -> i64 {
    let within = |v: &&i64| number_fits(constraints, **v as f64);
    let values = &constraints.integer_values;
    match values.iter().find(within).or(values.first()) {
        Some(v) => *v,
        None => number(constraints, true) as i64,
    }
}

struct Sampler<'a> {
    api: &'a Api,
}

impl Sampler<'_> {
    fn value(&self, ty: &TypeRef, constraints: &Constraints, depth: usize) -> Value {
        match ty {
            TypeRef::String | TypeRef::Secret => Value::String(string(constraints)),
            // A typed format has no string checks (lowering drops them): its one valid form.
            TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid | TypeRef::Base64 | TypeRef::Binary => {
                Value::String(typed_format(ty).to_owned())
            }
            TypeRef::I32 | TypeRef::I64 => Value::from(integer(constraints)),
            TypeRef::F64 => Value::from(number(constraints, false)),
            TypeRef::Bool => Value::Bool(true),
            TypeRef::Any | TypeRef::Map(_) => Value::Object(Map::new()),
            // A user's type (`[replace]`): its wire form is theirs to know.
            TypeRef::External(_) => Value::Null,
            // A value where `null` is also allowed: the value, which exercises more of the type.
            TypeRef::Nullable(inner) => self.value(inner, constraints, depth),
            TypeRef::Array(item) => {
                let count = constraints.min_items.unwrap_or(0) as usize;
                // Distinct items (for `uniqueItems`) come from enum values where there are several.
                let items = (0..count).map(|i| self.nth(item, i, depth)).collect();
                Value::Array(items)
            }
            TypeRef::Named(name) => {
                let Some(schema) = self.api.schema(name) else { return Value::Null };
                match &schema.kind {
                    SchemaKind::Enum { values } => {
                        values.first().map_or(Value::Null, |v| Value::String(v.name.clone()))
                    }
                    SchemaKind::Newtype { constraints: own } => Value::String(string(&merge(own, constraints))),
                    SchemaKind::Alias { ty } => self.value(ty, constraints, depth),
                    SchemaKind::Struct { fields } => {
                        let mut object = Map::new();
                        if depth < MAX_DEPTH {
                            for field in fields.iter().filter(|f| f.required && schema.keeps(f)) {
                                let value = match (&field.ty, field.format.as_deref().and_then(formatted)) {
                                    (TypeRef::String, Some(text)) if field.constraints.pattern.is_none() => {
                                        Value::String(text.to_owned())
                                    }
                                    _ => self.field_value(field, depth + 1),
                                };
                                object.insert(field.name.clone(), value);
                            }
                        }
                        Value::Object(object)
                    }
                    SchemaKind::Union { tag, variants } => self.union(tag, variants, constraints, depth),
                }
            }
        }
    }

    /// A value of one variant. Validators (Prism) check a `oneOf` as "exactly one variant matches",
    /// ignoring any discriminator, so for those the variants are tried in order, each with its
    /// minimal value and then with one field changed (another enum value, an optional field added),
    /// until a value matches no other variant; failing that, the first variant's minimal value.
    fn union(&self, tag: &UnionTag, variants: &[UnionVariant], constraints: &Constraints, depth: usize) -> Value {
        let tagged = |variant: &UnionVariant, mut value: Value| {
            if let (UnionTag::Discriminator { property }, Value::Object(object), Some(tag)) =
                (tag, &mut value, variant.tags.first())
            {
                object.insert(property.clone(), Value::String(tag.clone()));
            }
            value
        };
        let Some(first) = variants.first() else { return Value::Null };
        let fallback = tagged(first, self.value(&first.ty, constraints, depth + 1));
        if matches!(tag, UnionTag::AnyOf) || depth >= MAX_DEPTH {
            return fallback;
        }
        for variant in variants {
            for candidate in self.candidates(&variant.ty, constraints, depth + 1) {
                let candidate = tagged(variant, candidate);
                let matching = variants.iter().filter(|v| self.matches(&v.ty, constraints, &candidate, 0)).count();
                if matching == 1 && self.matches(&variant.ty, constraints, &candidate, 0) {
                    return candidate;
                }
            }
        }
        fallback
    }

    /// Values of `ty` to try for a union variant: the minimal one first, then (for a struct) the
    /// minimal one with one field set to each of its enum values, or an optional field added.
    fn candidates(&self, ty: &TypeRef, constraints: &Constraints, depth: usize) -> Vec<Value> {
        let base = self.value(ty, constraints, depth);
        let mut out = vec![base.clone()];
        let (Value::Object(object), Some((schema, fields))) = (&base, self.structure(ty)) else { return out };
        for field in fields.iter().filter(|f| schema.keeps(f)) {
            let mut values = self.enum_values(&field.ty);
            if values.is_empty() && !field.required {
                values.push(self.field_value(field, depth + 1));
            }
            for value in values {
                let mut changed = object.clone();
                changed.insert(field.name.clone(), value);
                out.push(Value::Object(changed));
            }
        }
        out
    }

    /// The struct `ty` names, through aliases.
    fn structure(&self, ty: &TypeRef) -> Option<(&Schema, &[Field])> {
        let TypeRef::Named(name) = ty else { return None };
        let schema = self.api.schema(name)?;
        match &schema.kind {
            SchemaKind::Struct { fields } => Some((schema, fields)),
            SchemaKind::Alias { ty } => self.structure(ty),
            _ => None,
        }
    }

    /// Every value of the string enum `ty` names (through aliases), none for other types.
    fn enum_values(&self, ty: &TypeRef) -> Vec<Value> {
        let TypeRef::Named(name) = ty else { return Vec::new() };
        match self.api.schema(name).map(|s| &s.kind) {
            Some(SchemaKind::Enum { values }) => values.iter().map(|v| Value::String(v.name.clone())).collect(),
            Some(SchemaKind::Alias { ty }) => self.enum_values(ty),
            _ => Vec::new(),
        }
    }

    /// Whether `value` is valid for `ty` as a JSON Schema validator sees it: properties a struct does
    /// not declare are allowed, a `oneOf` (tagged or not) needs exactly one matching variant. Formats
    /// are not checked.
    fn matches(&self, ty: &TypeRef, constraints: &Constraints, value: &Value, depth: usize) -> bool {
        if depth > 4 * MAX_DEPTH {
            return true;
        }
        let none = Constraints::default();
        match ty {
            TypeRef::String | TypeRef::Secret => value.as_str().is_some_and(|s| string_fits(constraints, s)),
            TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid | TypeRef::Base64 | TypeRef::Binary => value.is_string(),
            TypeRef::I32 | TypeRef::I64 => value.as_i64().is_some_and(|n| {
                let values = &constraints.integer_values;
                number_fits(constraints, n as f64) && (values.is_empty() || values.contains(&n))
            }),
            TypeRef::F64 => value.as_f64().is_some_and(|n| number_fits(constraints, n)),
            TypeRef::Bool => value.is_boolean(),
            TypeRef::Any | TypeRef::External(_) => true,
            TypeRef::Nullable(inner) => value.is_null() || self.matches(inner, constraints, value, depth + 1),
            TypeRef::Map(inner) => {
                value.as_object().is_some_and(|o| o.values().all(|v| self.matches(inner, &none, v, depth + 1)))
            }
            TypeRef::Array(item) => value.as_array().is_some_and(|items| {
                let n = items.len() as u64;
                constraints.min_items.is_none_or(|m| n >= m)
                    && constraints.max_items.is_none_or(|m| n <= m)
                    && items.iter().all(|v| self.matches(item, &none, v, depth + 1))
            }),
            TypeRef::Named(name) => {
                let Some(schema) = self.api.schema(name) else { return true };
                if schema.unsatisfiable.is_some() {
                    return false;
                }
                match &schema.kind {
                    SchemaKind::Enum { values } => value.as_str().is_some_and(|s| values.iter().any(|v| v.name == s)),
                    SchemaKind::Newtype { constraints: own } => {
                        value.as_str().is_some_and(|s| string_fits(&merge(own, constraints), s))
                    }
                    SchemaKind::Alias { ty } => self.matches(ty, constraints, value, depth + 1),
                    SchemaKind::Struct { fields } => value.as_object().is_some_and(|object| {
                        fields.iter().all(|field| match object.get(&field.name) {
                            None => !(field.required && schema.keeps(field)),
                            Some(Value::Null) if field.nullable => true,
                            Some(v) => self.matches(&field.ty, &field.constraints, v, depth + 1),
                        })
                    }),
                    SchemaKind::Union { tag, variants } => {
                        let n = variants.iter().filter(|v| self.matches(&v.ty, &none, value, depth + 1)).count();
                        if matches!(tag, UnionTag::AnyOf) {
                            n >= 1
                        } else {
                            n == 1
                        }
                    }
                }
            }
        }
    }

    /// The `index`th sample of `ty`: the enum's `index`th value when it has that many, else the
    /// plain sample.
    /// A field's value: its type within its own constraints, the items of an array within the
    /// field's item constraints (a map is sampled empty, so its value constraints have nothing to meet).
    fn field_value(&self, field: &Field, depth: usize) -> Value {
        let value = self.value(&field.ty, &field.constraints, depth);
        match (&field.ty, value) {
            (TypeRef::Array(item), Value::Array(items)) if !field.item_constraints.is_empty() => {
                Value::Array(items.iter().map(|_| self.value(item, &field.item_constraints, depth + 1)).collect())
            }
            (_, value) => value,
        }
    }

    fn nth(&self, ty: &TypeRef, index: usize, depth: usize) -> Value {
        if let TypeRef::Named(name) = ty.non_null() {
            if let Some(SchemaKind::Enum { values }) = self.api.schema(name).map(|s| &s.kind) {
                if let Some(v) = values.get(index) {
                    return Value::String(v.name.clone());
                }
            }
        }
        self.value(ty, &Constraints::default(), depth + 1)
    }
}

/// Whether `s` meets the lengths and pattern of `constraints`.
fn string_fits(constraints: &Constraints, s: &str) -> bool {
    let n = s.chars().count() as u64;
    let pattern = constraints
        .pattern
        .as_ref()
        .is_none_or(|p| fancy_regex::Regex::new(p).map_or(true, |re| re.is_match(s).unwrap_or(true)));
    constraints.min_length.is_none_or(|m| n >= m) && constraints.max_length.is_none_or(|m| n <= m) && pattern
}

/// Whether `n` is within the bounds of `constraints`.
fn number_fits(constraints: &Constraints, n: f64) -> bool {
    let low = constraints.minimum.is_none_or(|m| if constraints.exclusive_minimum { n > m } else { n >= m });
    let high = constraints.maximum.is_none_or(|m| if constraints.exclusive_maximum { n < m } else { n <= m });
    low && high
}

/// The tighter of two sets of string constraints (a newtype's own and its place's).
fn merge(own: &Constraints, place: &Constraints) -> Constraints {
    let mut merged = own.clone();
    if merged.pattern.is_none() {
        merged.pattern.clone_from(&place.pattern);
    }
    merged.min_length = own.min_length.max(place.min_length);
    merged.max_length = match (own.max_length, place.max_length) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraints(pattern: &str) -> Constraints {
        Constraints { pattern: Some(pattern.to_owned()), ..Constraints::default() }
    }

    #[test]
    fn strings_match_their_patterns() {
        for pattern in [
            "^([a-f0-9]{24})$",
            "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
            "^(\\d{1,3}\\.){3}\\d{1,3}(/\\d{1,2})?$",
            "^([\\w-]+\\.)+[\\w-]{2,}$",
            "^mdb_sa_id_[a-f0-9]{24}$",
            // Look-ahead, from the official spec's `routeTableCidrBlock`.
            "^((25[0-5]|(2[0-4]|1\\d|[1-9]|)\\d)(\\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$",
            "^(?!-)[a-z0-9-]+(?<!-)$",
        ] {
            let s = string(&constraints(pattern));
            let re = fancy_regex::Regex::new(pattern).unwrap();
            assert!(re.is_match(&s).unwrap(), "{s:?} does not match {pattern}");
        }
    }

    #[test]
    fn strings_meet_length_bounds_with_a_pattern() {
        let c = Constraints { min_length: Some(5), max_length: Some(8), ..constraints("^[a-z]+$") };
        let s = string(&c);
        assert!((5..=8).contains(&s.len()), "{s:?}");
        let plain = Constraints { min_length: Some(3), ..Constraints::default() };
        assert_eq!(string(&plain), "aaa");
    }

    #[test]
    fn numbers_meet_their_bounds() {
        let c = Constraints { minimum: Some(5.0), exclusive_minimum: true, ..Constraints::default() };
        assert_eq!(number(&c, true), 6.0);
        let c = Constraints { maximum: Some(0.0), ..Constraints::default() };
        assert_eq!(number(&c, true), 0.0);
        assert_eq!(number(&Constraints::default(), true), 1.0);
    }

    /// The body sample of a spec whose one operation posts `#/components/schemas/Body`.
    fn body_sample(schemas: &str) -> Value {
        let spec = format!(
            r##"
openapi: 3.0.3
info: {{title: t, version: "1"}}
servers: [{{url: "https://example.com"}}]
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: "#/components/schemas/Body"}}
      responses:
        "204": {{description: done}}
components:
  schemas:
{schemas}"##
        );
        let (api, _) = crate::lower_spec("t.yaml", &spec).unwrap();
        let body = api.operations[0].body.as_ref().unwrap();
        value(&api, &body.ty, &body.constraints)
    }

    #[test]
    fn a_one_of_sample_matches_exactly_one_variant() {
        // `{name}` alone matches both variants; a `kind` only `Cat` allows tells them apart.
        let value = body_sample(
            r##"    Body:
      oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
    Cat:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kind: {type: string, enum: [tabby, stray]}
    Dog:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kind: {type: string, enum: [stray, hound]}
"##,
        );
        assert_eq!(value, serde_json::json!({"name": "a", "kind": "tabby"}));
    }

    #[test]
    fn a_one_of_sample_avoids_a_variant_no_value_satisfies() {
        // Atlas' `DefaultAlertConfigViewForNdsGroup.eventTypeName`: `type: object` beside string enums.
        let value = body_sample(
            r##"    Body:
      oneOf: [{$ref: "#/components/schemas/Default"}, {$ref: "#/components/schemas/Billing"}]
    Default:
      type: object
      required: [eventTypeName]
      properties:
        eventTypeName:
          type: object
          oneOf: [{type: string, enum: [CREDIT_CARD_ABOUT_TO_EXPIRE]}, {type: string, enum: [HOST_DOWN]}]
    Billing:
      type: object
      required: [eventTypeName]
      properties:
        eventTypeName: {type: string, enum: [PENDING_INVOICE_OVER_THRESHOLD]}
"##,
        );
        assert_eq!(value, serde_json::json!({"eventTypeName": "PENDING_INVOICE_OVER_THRESHOLD"}));
    }

    #[test]
    fn integers_take_an_enum_value_within_their_bounds() {
        let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://example.com"}]
paths:
  /schedule:
    patch:
      operationId: updateSchedule
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [intervalMin, retentionDays]
              properties:
                intervalMin: {type: integer, format: int32, enum: [15, 30, 60]}
                retentionDays: {type: integer, enum: [0, 3, 7], minimum: 1}
      responses:
        "204": {description: done}
"##;
        let (api, _) = crate::lower_spec("t.yaml", spec).unwrap();
        let body = api.operations[0].body.as_ref().unwrap();
        let value = value(&api, &body.ty, &body.constraints);
        assert_eq!(value, serde_json::json!({"intervalMin": 15, "retentionDays": 3}));
    }

    #[test]
    fn objects_get_their_required_fields_with_valid_formats_and_item_counts() {
        let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://example.com"}]
paths:
  /users:
    post:
      operationId: createUser
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/User"}
      responses:
        "204": {description: done}
components:
  schemas:
    User:
      type: object
      required: [username, born, hosts, id]
      properties:
        username: {type: string, format: email}
        born: {type: string, format: date}
        hosts: {type: array, minItems: 2, items: {type: string}}
        id: {type: string, pattern: "^([a-f0-9]{24})$"}
        nickname: {type: string}
"##;
        let (api, _) = crate::lower_spec("t.yaml", spec).unwrap();
        let body = api.operations[0].body.as_ref().unwrap();
        let value = value(&api, &body.ty, &body.constraints);
        assert_eq!(
            value,
            serde_json::json!({
                "username": "user@example.com",
                "born": "2024-01-01",
                "hosts": ["a", "a"],
                "id": "aaaaaaaaaaaaaaaaaaaaaaaa",
            })
        );
    }
}
