use super::*;

#[test]
fn base64_is_sent_standard_with_padding() {
    let bytes = Base64Bytes::from(b"\x00\xfb\xffhi");
    assert_eq!(bytes.to_string(), "APv/aGk=");
    assert_eq!(serde_json::to_string(&bytes).unwrap(), r#""APv/aGk=""#);
}

#[test]
fn base64_is_read_standard_or_url_safe_with_or_without_padding() {
    for text in ["APv/aGk=", "APv/aGk", "APv_aGk=", "APv_aGk", " APv/aGk=\n"] {
        assert_eq!(Base64Bytes::decode(text).map(Vec::from), Ok(b"\x00\xfb\xffhi".to_vec()), "{text:?}");
    }
    let round: Base64Bytes = serde_json::from_str(r#""aGVsbG8=""#).unwrap();
    assert_eq!(&*round, b"hello");
}

#[test]
fn text_that_is_no_base64_is_an_error() {
    for text in ["not base64!", "a", "aGVsbG8=="] {
        assert!(Base64Bytes::decode(text).is_err(), "{text:?}");
    }
    let error = serde_json::from_str::<Base64Bytes>(r#""%%%""#).unwrap_err();
    assert!(error.to_string().contains("invalid base64"), "{error}");
}

#[test]
fn binary_strings_are_the_strings_own_bytes() {
    let decoded: BinaryString = serde_json::from_str(r#""h\u00e9llo""#).unwrap();
    assert_eq!(&*decoded, "héllo".as_bytes());
    assert_eq!(serde_json::to_string(&decoded).unwrap(), r#""héllo""#);
    assert_eq!(BinaryString::from(b"a\xffb").to_string(), "a\u{fffd}b");
}
