//! Dates and times of the API (`format: date-time`, `format: date`), as chrono values.
//!
//! A server does not always write what its description promises: a space instead of `T`, no UTC
//! offset, a lowercase `z`, nine digits of fraction, `+0000` without its colon. One such value must
//! not make a whole response (a page of a hundred results) undecodable, and it must not be lost. So,
//! like the open enums that keep a value the spec does not list, [`Timestamp`] and [`CalendarDate`]
//! decode leniently:
//!
//! - RFC 3339 and the common deviations above decode as [`Timestamp::Valid`] (a value without an
//!   offset is read as UTC);
//! - anything else decodes as [`Timestamp::Unreadable`], keeping the text exactly as received, and
//!   logs a `tracing` warning naming it. Serialized again, it is sent back exactly as received, so a
//!   read-modify-write never alters a value the client could not read.
//!
//! What the client sends is always RFC 3339 (`2024-05-01T12:30:00Z`) for a value it made or read
//! (`YYYY-MM-DD` for a date), in bodies, query strings, paths and headers alike.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant (`format: date-time`): a UTC date and time, or the server's text when it could not be
/// read as one (see the [module documentation](self)).
///
/// Build one from a chrono value (`Timestamp::from(Utc::now())`, or pass a `DateTime<Utc>` where a
/// setter takes `impl Into<Timestamp>`); read it with [`Timestamp::datetime`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Timestamp {
    /// A date and time the client could read.
    Valid(DateTime<Utc>),
    /// A value in a form the client could not read as a date and time, kept as received.
    Unreadable(String),
}

impl Timestamp {
    /// Reads `text` as RFC 3339 or one of the common deviations from it (space or lowercase `t`
    /// between date and time, lowercase `z`, no offset (read as UTC), an offset without its colon,
    /// any number of fraction digits); [`Timestamp::Unreadable`] otherwise.
    pub fn parse(text: &str) -> Self {
        match parse_instant(text) {
            Some(instant) => Self::Valid(instant),
            None => Self::Unreadable(text.to_owned()),
        }
    }

    /// The date and time, or `None` when the server's text could not be read.
    pub fn datetime(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Valid(instant) => Some(*instant),
            Self::Unreadable(_) => None,
        }
    }

    /// The server's text, when it could not be read as a date and time.
    pub fn unreadable(&self) -> Option<&str> {
        match self {
            Self::Valid(_) => None,
            Self::Unreadable(text) => Some(text),
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(instant: DateTime<Utc>) -> Self {
        Self::Valid(instant)
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(instant: DateTime<FixedOffset>) -> Self {
        Self::Valid(instant.with_timezone(&Utc))
    }
}

/// RFC 3339 in UTC with `Z`, fraction digits only as many as needed (`2024-05-01T12:30:00Z`,
/// `2024-05-01T12:30:00.250Z`); an unreadable value as received.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid(instant) => f.write_str(&instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Self::Unreadable(text) => f.write_str(text),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let value = Self::parse(&text);
        if let Self::Unreadable(text) = &value {
            tracing::warn!(value = %text, "a date-time the server sent is not RFC 3339; kept as its text");
        }
        Ok(value)
    }
}

/// A calendar date (`format: date`, `2024-05-01`), or the server's text when it could not be read as
/// one (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CalendarDate {
    /// A date the client could read.
    Valid(NaiveDate),
    /// A value in a form the client could not read as a date, kept as received.
    Unreadable(String),
}

impl CalendarDate {
    /// Reads `text` as `YYYY-MM-DD`, or as a date and time (RFC 3339 or a deviation
    /// [`Timestamp::parse`] reads), whose date as written is taken; [`CalendarDate::Unreadable`]
    /// otherwise.
    pub fn parse(text: &str) -> Self {
        let trimmed = text.trim();
        let date = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").ok().or_else(|| {
            // A date and time: its own date (not the UTC one), as the server wrote it.
            let (date, rest) = trimmed.split_at_checked(10)?;
            parse_instant(trimmed)?;
            rest.starts_with(['T', 't', ' ']).then(|| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())?
        });
        match date {
            Some(date) => Self::Valid(date),
            None => Self::Unreadable(text.to_owned()),
        }
    }

    /// The date, or `None` when the server's text could not be read.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Self::Valid(date) => Some(*date),
            Self::Unreadable(_) => None,
        }
    }

    /// The server's text, when it could not be read as a date.
    pub fn unreadable(&self) -> Option<&str> {
        match self {
            Self::Valid(_) => None,
            Self::Unreadable(text) => Some(text),
        }
    }
}

impl From<NaiveDate> for CalendarDate {
    fn from(date: NaiveDate) -> Self {
        Self::Valid(date)
    }
}

/// `YYYY-MM-DD`; an unreadable value as received.
impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            Self::Unreadable(text) => f.write_str(text),
        }
    }
}

impl Serialize for CalendarDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CalendarDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let value = Self::parse(&text);
        if let Self::Unreadable(text) = &value {
            tracing::warn!(value = %text, "a date the server sent is not YYYY-MM-DD; kept as its text");
        }
        Ok(value)
    }
}

/// RFC 3339, or one of the deviations [`Timestamp::parse`] names, as a UTC instant.
fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    // The separator (`T`, `t` or a space) is the 11th character of every form read here; a lowercase
    // `z` is the only other case difference RFC 3339 allows.
    let mut normal = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        normal.push(match c {
            't' | ' ' if i == 10 => 'T',
            'z' => 'Z',
            other => other,
        });
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(&normal) {
        return Some(instant.with_timezone(&Utc));
    }
    // An offset without its colon (`+0000`, Java's default).
    if let Ok(instant) = DateTime::parse_from_str(&normal, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(instant.with_timezone(&Utc));
    }
    // No offset at all: UTC, which is what such servers mean (Atlas's times are all UTC).
    NaiveDateTime::parse_from_str(&normal, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|naive| naive.and_utc())
}

#[cfg(test)]
#[path = "tests/datetime.rs"]
mod tests;
