//! Non-Rust files of the generated crate (`Cargo.toml`, `README.md`, `API.md`, ...): the
//! [`Maker::Template`] artefacts of the [crate plan](crate::plan), rendered with minijinja from
//! templates in `templates/`, fed the IR and the plan. Undefined variables are errors, so a template
//! cannot silently print nothing.

use crate::files::GeneratedFile;
use crate::ir::{Api, TypeRef};
use crate::options::Options;
use crate::plan::artefacts::{Maker, Template, MULTIPART};
use crate::plan::CratePlan;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{context, Environment, UndefinedBehavior};

/// The templated files of the crate planned for `api` with the default options (see
/// [`render_planned`]).
pub fn render(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    render_planned(&CratePlan::new(api, &Options::default()))
}

/// Renders every templated file of `plan`.
pub fn render_planned(plan: &CratePlan<'_>) -> Result<Vec<GeneratedFile>, String> {
    let api = plan.api;
    let templates: Vec<&Template> = plan
        .artefacts
        .iter()
        .filter_map(|a| match a.maker {
            Maker::Template(template) => Some(template),
            Maker::Rust(_) | Maker::Copy(_) => None,
        })
        .collect();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true).build();
    env.set_syntax(syntax.map_err(|e| format!("template syntax: {e}"))?);
    env.add_filter("constraints", constraints_filter);
    // `{{ text | prose }}`: spec prose made safe for Markdown that rustdoc renders (the generated
    // README is the crate's front page), exactly as the emitter does for doc comments.
    env.add_filter("prose", |text: String| crate::emit::docs::spec(&text));
    for Template { name, source, .. } in &templates {
        env.add_template(name, source).map_err(|e| format!("template {name}: {e}"))?;
    }
    let ctx = context! {
        // minijinja 3's `context!` takes `Value::from` types only; the IR goes in through serde.
        api => Value::from(Serde(api)),
        crate_name => plan.name,
        crate_version => plan.version,
        crate_ident => plan.ident(),
        fancy_regex => api.backtracking_patterns(),
        multipart => plan.ships(MULTIPART[0].0),
        // Each typed format's crate, only when the API uses the format: a dependency, never a cargo
        // feature (a feature that changed a field's type would not be additive).
        chrono => api.uses_format(&TypeRef::DateTime) || api.uses_format(&TypeRef::Date),
        uuid => api.uses_format(&TypeRef::Uuid),
        base64 => api.uses_format(&TypeRef::Base64) || api.uses_format(&TypeRef::Binary),
        features => Value::from(Serde(&plan.features)),
        // Crates the customisation adds (skipped in the IR's serialization when there are none).
        dependencies => Value::from(Serde(&api.dependencies)),
    };
    let mut out = Vec::new();
    for Template { path, name, .. } in templates {
        let template = env.get_template(name).map_err(|e| format!("template {name}: {e}"))?;
        let contents = template.render(&ctx).map_err(|e| format!("template {name}: {e}"))?;
        out.push(GeneratedFile { path: (*path).to_owned(), contents });
    }
    Ok(out)
}

/// `{{ x.constraints | constraints }}`: a serialized `ir::Constraints` as one line in JSON Schema's own
/// words (`minLength 24, pattern `^...$``), with whole numbers printed without `.0`.
fn constraints_filter(value: minijinja::Value) -> Result<String, minijinja::Error> {
    let mut parts = Vec::new();
    for key in value.try_iter()? {
        let item = value.get_item(&key)?;
        let name = key.as_str().map(heck::ToLowerCamelCase::to_lower_camel_case).unwrap_or_default();
        if item.kind() == minijinja::value::ValueKind::Bool {
            // Flags such as `uniqueItems` are only serialized when set.
            parts.push(name);
            continue;
        }
        let shown = match item.as_str() {
            // The filter fills Markdown table cells: a `|` in a pattern would end the cell (GFM takes
            // `\|` as a literal pipe, inside code spans too).
            Some(s) => format!("`{}`", s.replace('|', "\\|")),
            None => match f64::try_from(item.clone()) {
                Ok(n) => crate::ir::number(n),
                // A list (`enum [1, 2]`) as code: in the crate docs the README becomes, rustdoc would
                // read `[1]` as an intra-doc link.
                Err(_) => format!("`{}`", item.to_string().replace('|', "\\|")),
            },
        };
        parts.push(format!("{name} {shown}"));
    }
    Ok(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_read_as_json_schema_words_and_lists_are_code() {
        let value = minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
            "pattern": "^a|b$", "min_length": 2, "maximum": 10.0, "enum": [1], "unique_items": true
        })));
        assert_eq!(
            constraints_filter(value).unwrap_or_default(),
            "enum `[1]`, maximum 10, minLength 2, pattern `^a\\|b$`, uniqueItems"
        );
    }
}
