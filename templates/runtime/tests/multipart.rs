//! Unit tests of `multipart.rs` (the bytes on the wire are checked by the behaviour tests of the
//! `uploads` fixture, against a mock server).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

#[test]
fn a_file_takes_the_part_name_and_declared_type_unless_it_sets_its_own() {
    let form = Form::new()
        .file_part("photo".to_owned(), File::new(vec![1, 2]), "image/png")
        .file_part(
            "scan".to_owned(),
            File::new(vec![3]).file_name("a.pdf").content_type("application/pdf"),
            "image/png",
        )
        .file("raw", vec![4u8]);
    let described: Vec<(&str, Option<&str>, Option<&str>)> =
        form.parts.iter().map(|p| (p.name.as_str(), p.file_name.as_deref(), p.content_type.as_deref())).collect();
    assert_eq!(
        described,
        [
            ("photo", Some("photo"), Some("image/png")),
            ("scan", Some("a.pdf"), Some("application/pdf")),
            ("raw", Some("raw"), Some("application/octet-stream")),
        ]
    );
}

#[test]
fn text_and_json_parts_carry_their_values() {
    let form = Form::new().text("caption", "hi").json("upload", "meta", "application/json", &[1, 2]).unwrap();
    assert_eq!(form.parts[0].bytes, &b"hi"[..]);
    assert_eq!(form.parts[0].content_type, None);
    assert_eq!(form.parts[1].bytes, &b"[1,2]"[..]);
    assert_eq!(form.parts[1].content_type.as_deref(), Some("application/json"));
}

#[test]
fn a_content_type_that_is_not_a_media_type_is_refused_before_sending() {
    let form = Form::new().file("photo", File::new(vec![1]).content_type("not a type"));
    let error = form.into_body("upload").unwrap_err();
    assert!(matches!(error, Error::Encode { operation: "upload", .. }), "{error:?}");
    assert!(error.to_string().contains("photo"), "{error}");
    assert!(Form::new().file("photo", vec![1u8]).into_body("upload").is_ok());
}

#[test]
fn debug_shows_sizes_not_bytes() {
    let secret = b"secret-bytes".to_vec();
    let file = File::new(secret.clone()).file_name("key.pem");
    let form = Form::new().file("key", file.clone()).text("note", "private-note");
    let body = form.clone().into_body("upload").unwrap();
    for text in [format!("{file:?}"), format!("{form:?}"), format!("{body:?}")] {
        assert!(!text.contains("secret-bytes") && !text.contains("private-note"), "{text}");
        assert!(text.contains("bytes>"), "{text}");
    }
    assert!(format!("{body:?}").contains(&format!("<{} bytes>", secret.len() + "private-note".len())));
}
