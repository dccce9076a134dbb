//! Atlas API versions: which version an operation uses (`--api-version`, `--preview`), which of a
//! body's media types carries it, and the warnings for the versions and formats left out.

use super::methods_of;
use crate::ir::{ApiVersion, ChosenVersion, Operation};
use crate::load::resolve;
use crate::lower::Lowerer;
use openapiv3::ReferenceOr;

impl Lowerer<'_> {
    /// Every media type of an operation's request body and responses (through `$ref`s), unordered.
    fn media_types(&self, op: &openapiv3::Operation) -> Vec<String> {
        let mut scratch = crate::diag::Diagnostics::new("");
        let mut out = Vec::new();
        if let Some(body) = &op.request_body {
            if let Some((body, _)) = resolve(self.doc, body, "", &mut scratch) {
                out.extend(body.content.keys().cloned());
            }
        }
        for response in op.responses.responses.values().chain(op.responses.default.as_ref()) {
            if let Some((response, _)) = resolve(self.doc, response, "", &mut scratch) {
                out.extend(response.content.keys().cloned());
            }
        }
        out
    }

    /// The newest dated API version any operation offers.
    pub(in crate::lower) fn newest_version(&self) -> Option<String> {
        let mut newest: Option<String> = None;
        for item in self.doc.paths.paths.values() {
            let ReferenceOr::Item(item) = item else { continue };
            for (_, op) in methods_of(item) {
                for mt in self.media_types(op) {
                    if let Some(ApiVersion::Dated(date)) = api_version(&mt) {
                        if newest.as_ref().is_none_or(|n| date > *n) {
                            newest = Some(date);
                        }
                    }
                }
            }
        }
        newest
    }

    /// The API version an operation uses: `preview` when asked for and offered; else the newest
    /// dated version (at or before the pinned date, when there is one). `Ok(None)` for an operation
    /// without versioned media types; `Err` (with a warning) when a pin leaves it no version.
    pub(super) fn choose_version(
        &mut self,
        id: &str,
        op: &openapiv3::Operation,
        op_pointer: &str,
    ) -> Result<Option<ApiVersion>, ()> {
        let versions: Vec<ApiVersion> = self.media_types(op).iter().filter_map(|mt| api_version(mt)).collect();
        if versions.is_empty() {
            return Ok(None);
        }
        if self.options.preview && versions.contains(&ApiVersion::Preview) {
            return Ok(Some(ApiVersion::Preview));
        }
        let pin = self.options.api_version.clone();
        let newest = versions
            .iter()
            .filter_map(|v| match v {
                ApiVersion::Dated(d) if pin.as_ref().is_none_or(|p| d <= p) => Some(d.clone()),
                _ => None,
            })
            .max();
        match (newest, pin) {
            (Some(date), _) => Ok(Some(ApiVersion::Dated(date))),
            (None, Some(pin)) => {
                let offered: Vec<String> = versions.iter().map(version_text).collect();
                self.diags
                    .warning(
                        op_pointer,
                        format!(
                            "operation `{id}` is left out: it has no API version at or before `{pin}` (it offers {})",
                            offered.join(", ")
                        ),
                    )
                    .with_hint("pin a later `--api-version` to include it");
                Err(())
            }
            (None, None) => {
                self.diags
                    .warning(
                        op_pointer,
                        format!("operation `{id}` is left out: it offers only the `preview` API version"),
                    )
                    .with_hint("generate with `--preview` to include preview versions");
                Err(())
            }
        }
    }

    /// The chosen version with the `x-sunset` of the media types that carry it; a sunset on or
    /// before the reference date is a warning.
    pub(super) fn chosen_version(&mut self, op: &Operation, version: ApiVersion) -> ChosenVersion {
        let contents = op.body.iter().flat_map(|b| &b.content).chain(op.responses.iter().flat_map(|r| &r.content));
        let sunset = contents.filter(|c| c.version.as_ref() == Some(&version)).find_map(|c| c.sunset.clone());
        if let (Some(sunset), Some(reference)) = (&sunset, &self.sunset_reference) {
            if sunset.as_str() <= reference.as_str() {
                self.diags
                    .warning(&op.pointer, format!("operation `{}` uses API version `{}`, whose sunset date `{sunset}` is not after `{reference}`", op.id, version_text(&version)))
                    .with_hint("Atlas stops serving a version after its sunset: pin a later `--api-version`");
            }
        }
        ChosenVersion { version: version_text(&version), sunset }
    }
}

/// The warning for a media type the client leaves out, and its hint. Most are other API versions of
/// the same operation (Atlas keeps each version's media type in the spec), which the user should know
/// lose nothing: the client speaks one version per operation, chosen by `--api-version`/`--preview`.
pub(super) fn unused_media_type(media_type: &str, chosen: &str) -> (String, String) {
    let generic_hint = "the IR lists it among the body's `content`; emitting a method per version is not supported yet";
    match (api_version(media_type), api_version(chosen)) {
        (Some(ApiVersion::Dated(other)), Some(ApiVersion::Dated(used))) if other != used => (
            format!(
                "media type `{media_type}` is another API version ({other}) of this operation; this client uses {used} (`{chosen}`)"
            ),
            format!("nothing is lost: both versions are the same operation; `--api-version {other}` pins the client to that date instead"),
        ),
        (Some(ApiVersion::Preview), Some(ApiVersion::Dated(used))) => (
            format!("media type `{media_type}` is the preview version of this operation; this client uses {used} (`{chosen}`)"),
            "nothing is lost for the stable API; `--preview` uses preview versions where an operation has one".to_owned(),
        ),
        (Some(other), Some(used)) if other == used => (
            format!(
                "media type `{media_type}` is another format of the same API version; the generated client sends and accepts only `{chosen}` here"
            ),
            generic_hint.to_owned(),
        ),
        _ => (
            format!("media type `{media_type}` is not used by the generated client, which sends and accepts only `{chosen}` here"),
            generic_hint.to_owned(),
        ),
    }
}

/// The API version of a versioned Atlas media type: `application/vnd.atlas.2023-01-01+json` is
/// `2023-01-01`, `application/vnd.atlas.preview+json` is the preview.
pub(super) fn api_version(media_type: &str) -> Option<ApiVersion> {
    let essence = media_type.split(';').next()?.trim().to_ascii_lowercase();
    let rest = essence.strip_prefix("application/vnd.atlas.")?;
    let (version, _format) = rest.split_once('+')?;
    if version == "preview" {
        return Some(ApiVersion::Preview);
    }
    let dated = version.len() == 10
        && version.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    dated.then(|| ApiVersion::Dated(version.to_owned()))
}

/// How a version is written in media types and docs (`2023-01-01`, `preview`).
fn version_text(version: &ApiVersion) -> String {
    match version {
        ApiVersion::Dated(d) => d.clone(),
        ApiVersion::Preview => "preview".to_owned(),
    }
}

/// Of a body's media types (in spec order), the one of the chosen API version; when the body does not
/// offer that version, its newest dated version before it (a body that did not change in the chosen
/// version keeps its earlier one), else an unversioned one, else the first.
pub(super) fn pick_version<'a>(media_types: &[&'a str], version: Option<&ApiVersion>) -> Option<&'a str> {
    let Some(version) = version else { return media_types.first().copied() };
    if let Some(exact) = media_types.iter().find(|mt| api_version(mt).as_ref() == Some(version)) {
        return Some(exact);
    }
    let earlier = media_types
        .iter()
        .filter_map(|mt| match api_version(mt) {
            Some(v @ ApiVersion::Dated(_)) if matches!(version, ApiVersion::Preview) || &v < version => Some((v, *mt)),
            _ => None,
        })
        .max();
    earlier
        .map(|(_, mt)| mt)
        .or_else(|| media_types.iter().find(|mt| api_version(mt).is_none()).copied())
        .or_else(|| media_types.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_api_versions_are_named_as_such() {
        let v = |date: &str| format!("application/vnd.atlas.{date}+json");
        let (message, hint) = unused_media_type(&v("2023-01-01"), &v("2024-08-05"));
        assert_eq!(
            message,
            "media type `application/vnd.atlas.2023-01-01+json` is another API version (2023-01-01) of this \
             operation; this client uses 2024-08-05 (`application/vnd.atlas.2024-08-05+json`)"
        );
        assert!(hint.contains("nothing is lost") && hint.contains("--api-version 2023-01-01"), "{hint}");
        let (message, hint) = unused_media_type(&v("preview"), &v("2024-08-05"));
        assert!(message.contains("is the preview version of this operation; this client uses 2024-08-05"), "{message}");
        assert!(hint.contains("--preview"), "{hint}");
        let (message, _) = unused_media_type("application/vnd.atlas.2024-08-05+csv", &v("2024-08-05"));
        assert!(message.contains("another format of the same API version"), "{message}");
        let (message, _) = unused_media_type("text/plain", "application/json");
        assert!(message.contains("is not used by the generated client"), "{message}");
    }

    #[test]
    fn the_warning_keeps_the_pointer_of_the_media_type() {
        let text = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://example.com"}]
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/vnd.atlas.2023-01-01+json: {schema: {type: string}}
            application/vnd.atlas.2024-08-05+json: {schema: {type: string}}
"#;
        let (_, diags) = crate::lower_spec("t.yaml", text).unwrap();
        let warning = diags.items().iter().find(|d| d.message.contains("another API version")).unwrap();
        assert_eq!(warning.pointer, "/paths/~1a/get/responses/200/content/application~1vnd.atlas.2023-01-01+json");
        assert!(warning.message.contains("this client uses 2024-08-05"), "{}", warning.message);
    }
}
