//! The runtime's `json_path` (the JSON path of a failed decode, read off serde_json's error position)
//! against `serde_path_to_error`, which the client used before: on thousands of generated bodies, each
//! with one value of the wrong type or one required key removed, compact or pretty-printed, both name
//! the same path.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The runtime's file itself, as the generated crate compiles it.
#[path = "../../../templates/runtime/json_path.rs"]
#[allow(dead_code, unreachable_pub)]
mod runtime_json_path;

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Key {
    id: String,
    roles: Vec<Role>,
    #[serde(default)]
    tags: BTreeMap<String, u8>,
    #[serde(default)]
    grid: Vec<Vec<u8>>,
    #[serde(default)]
    nested: Option<Box<Key>>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Role {
    #[serde(rename = "roleName")]
    role_name: String,
    #[serde(rename = "orgId", default)]
    org_id: Option<u32>,
    #[serde(default)]
    kind: Option<Kind>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Org,
    Project,
}

/// xorshift64: deterministic, so a failure names a case that fails again.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A valid `Key`, with strings that hold JSON punctuation and multi-byte text.
fn key(rng: &mut Rng, depth: u32) -> Value {
    let roles: Vec<Value> = (0..rng.below(4))
        .map(|_| {
            let mut role = json!({"roleName": "r\"x,{"});
            if rng.below(2) == 0 {
                role["orgId"] = json!(rng.below(100));
            }
            if rng.below(2) == 0 {
                role["kind"] = json!(if rng.below(2) == 0 { "org" } else { "project" });
            }
            role
        })
        .collect();
    let mut made = json!({"id": "é,[x", "roles": roles});
    if rng.below(2) == 0 {
        made["tags"] = (0..rng.below(3)).map(|i| (format!("k{i}"), json!(rng.below(200)))).collect();
    }
    if rng.below(2) == 0 {
        let grid: Vec<Vec<usize>> =
            (0..rng.below(3)).map(|_| (0..rng.below(3)).map(|_| rng.below(200)).collect()).collect();
        made["grid"] = json!(grid);
    }
    if depth < 2 && rng.below(2) == 0 {
        made["nested"] = key(rng, depth + 1);
    }
    made
}

/// Every key and index path inside `value`.
fn places(value: &Value, at: &[Place], out: &mut Vec<Vec<Place>>) {
    let children: Vec<(Place, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (Place::Key(k.clone()), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (Place::Index(i), v)).collect(),
        _ => Vec::new(),
    };
    for (place, child) in children {
        let mut path = at.to_vec();
        path.push(place);
        out.push(path.clone());
        places(child, &path, out);
    }
}

#[derive(Clone, Debug)]
enum Place {
    Key(String),
    Index(usize),
}

fn at<'v>(value: &'v mut Value, path: &[Place]) -> &'v mut Value {
    path.iter().fold(value, |v, place| match place {
        Place::Key(k) => &mut v[k.as_str()],
        Place::Index(i) => &mut v[*i],
    })
}

#[test]
fn names_the_same_path_as_serde_path_to_error() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut compared = 0;
    for _ in 0..3000 {
        let mut value = key(&mut rng, 0);
        let mut all = Vec::new();
        places(&value, &[], &mut all);
        let path = &all[rng.below(all.len())];
        match (rng.below(5), path.split_last()) {
            (4, Some((Place::Key(last), parent))) => {
                if let Value::Object(map) = at(&mut value, parent) {
                    map.remove(last);
                }
            }
            (choice, _) => {
                *at(&mut value, path) = [json!(true), json!("s"), json!(-5), json!([1]), json!({})][choice].clone()
            }
        }
        let text = if rng.below(2) == 0 {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let Err(error) = serde_json::from_str::<Key>(&text) else { continue };
        let theirs = serde_path_to_error::deserialize::<_, Key>(&mut serde_json::Deserializer::from_str(&text))
            .expect_err("fails as plain serde_json does")
            .path()
            .to_string();
        assert_eq!(runtime_json_path::of_error(text.as_bytes(), &error), theirs, "{error}: {text}");
        compared += 1;
    }
    assert!(compared > 2000, "most cases break the body: {compared}");
}
