use super::*;
use chrono::TimeZone;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> DateTime<Utc> {
    let Some(at) = Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single() else { unreachable!("a valid test date") };
    at + chrono::Duration::nanoseconds(i64::from(nanos))
}

#[test]
fn rfc_3339_and_each_accepted_deviation_read_as_the_same_instant() {
    let noon = utc(2024, 5, 1, 12, 30, 0, 0);
    for text in [
        "2024-05-01T12:30:00Z",
        "2024-05-01T14:30:00+02:00",
        // A space, or a lowercase `t`, between date and time.
        "2024-05-01 12:30:00Z",
        "2024-05-01t12:30:00Z",
        // A lowercase `z`.
        "2024-05-01T12:30:00z",
        // No offset: UTC.
        "2024-05-01T12:30:00",
        "2024-05-01 12:30:00",
        // An offset without its colon.
        "2024-05-01T12:30:00+0000",
        "2024-05-01T10:30:00.000-0200",
        // Surrounding whitespace.
        " 2024-05-01T12:30:00Z\n",
    ] {
        assert_eq!(Timestamp::parse(text), Timestamp::Valid(noon), "{text:?}");
    }
}

#[test]
fn any_fraction_precision_is_read() {
    for (text, nanos) in [
        ("2024-05-01T12:30:00.5Z", 500_000_000),
        ("2024-05-01T12:30:00.123Z", 123_000_000),
        ("2024-05-01T12:30:00.123456Z", 123_456_000),
        ("2024-05-01T12:30:00.123456789Z", 123_456_789),
        ("2024-05-01 12:30:00.123456", 123_456_000),
    ] {
        assert_eq!(Timestamp::parse(text).datetime(), Some(utc(2024, 5, 1, 12, 30, 0, nanos)), "{text:?}");
    }
}

#[test]
fn a_value_that_is_no_date_time_is_kept_as_received() {
    for text in ["", "yesterday", "2024-05-01", "2024-13-01T00:00:00Z", "1714566600", "01/05/2024 12:30"] {
        let value = Timestamp::parse(text);
        assert_eq!(value, Timestamp::Unreadable(text.to_owned()), "{text:?}");
        assert_eq!(value.unreadable(), Some(text));
        assert_eq!(value.datetime(), None);
        assert_eq!(value.to_string(), text, "sent back as received");
    }
}

#[test]
fn decoding_never_fails_on_a_string_and_encoding_is_rfc_3339() {
    let decoded: Vec<Timestamp> =
        serde_json::from_str(r#"["2024-05-01 12:30:00.250", "not a date"]"#).unwrap_or_default();
    assert_eq!(
        decoded,
        [Timestamp::Valid(utc(2024, 5, 1, 12, 30, 0, 250_000_000)), Timestamp::Unreadable("not a date".to_owned())]
    );
    let encoded = serde_json::to_string(&decoded).unwrap_or_default();
    assert_eq!(encoded, r#"["2024-05-01T12:30:00.250Z","not a date"]"#);
    // Another JSON type is still an error: the spec says string.
    assert!(serde_json::from_str::<Timestamp>("12").is_err());
}

#[test]
fn values_made_by_the_caller_are_sent_as_rfc_3339_in_utc() {
    let Some(offset) = FixedOffset::east_opt(2 * 3600) else { unreachable!("a valid offset") };
    let Some(local) = offset.with_ymd_and_hms(2024, 5, 1, 14, 30, 0).single() else { unreachable!("a valid date") };
    assert_eq!(Timestamp::from(local).to_string(), "2024-05-01T12:30:00Z");
    assert_eq!(Timestamp::from(utc(2024, 5, 1, 12, 30, 0, 1_000)).to_string(), "2024-05-01T12:30:00.000001Z");
}

#[test]
fn calendar_dates_read_plain_dates_and_the_date_of_a_date_time() {
    let Some(may_day) = NaiveDate::from_ymd_opt(2024, 5, 1) else { unreachable!("a valid date") };
    // chrono also reads unpadded months and days, which are unambiguous.
    for text in ["2024-05-01", "2024-5-1", "2024-05-01T23:30:00-05:00", "2024-05-01 12:30:00", " 2024-05-01 "] {
        assert_eq!(CalendarDate::parse(text), CalendarDate::Valid(may_day), "{text:?}");
    }
    for text in ["May 1st", "2024-05-01T", "2024-02-30", "01/05/2024", "20240501"] {
        assert_eq!(CalendarDate::parse(text), CalendarDate::Unreadable(text.to_owned()), "{text:?}");
    }
    assert_eq!(CalendarDate::from(may_day).to_string(), "2024-05-01");
    let decoded: Vec<CalendarDate> = serde_json::from_str(r#"["2024-05-01","soon"]"#).unwrap_or_default();
    assert_eq!(serde_json::to_string(&decoded).unwrap_or_default(), r#"["2024-05-01","soon"]"#);
}
