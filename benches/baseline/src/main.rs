//! What a user without eventsmith's validator writes to check an NDJSON
//! stream of events: one `jsonschema` validator per exported schema (built
//! once), a `serde_json::Value` per line, dispatch on type and version,
//! `is_valid` first and every error of the invalid ones, printed as
//! `eventsmith validate` prints them. Usage: `eventsmith-baseline EXPORT_DIR FILE`.
use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};

use eventsmith_core::formats::Format;
use eventsmith_core::version::{Scheme, select};
use serde_json::Value;

type Versions = (Vec<String>, Vec<jsonschema::Validator>);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, path) = (std::path::Path::new(&args[1]), &args[2]);
    let read = |p: &std::path::Path| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    let catalog = read(&dir.join("catalog.json"));
    let mut sources: Vec<(String, String, Scheme, HashMap<String, Versions>)> = Vec::new();
    for s in catalog["sources"].as_array().unwrap() {
        let scheme = if s["versioning"] == "semver" { Scheme::Semver } else { Scheme::Calendar };
        let mut types = HashMap::new();
        for e in s["events"].as_array().unwrap() {
            let (mut keys, mut validators) = (Vec::new(), Vec::new());
            for v in e["versions"].as_array().unwrap() {
                let mut options = jsonschema::options().should_validate_formats(true);
                for f in Format::ALL.iter().copied().filter(|f| f.is_custom()) {
                    options = options.with_format(f.name(), move |s: &str| f.check(s));
                }
                validators.push(options.build(&read(&dir.join(v["file"].as_str().unwrap()))).unwrap());
                keys.push(v["version"].as_str().unwrap().to_owned());
            }
            types.insert(e["type"].as_str().unwrap().to_owned(), (keys, validators));
        }
        let field = |k: &str| s[k].as_str().unwrap().to_owned();
        sources.push((field("type_field"), field("version_field"), scheme, types));
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let (mut valid, mut invalid) = (0usize, 0usize);
    for (n, line) in BufReader::new(std::fs::File::open(path).unwrap()).split(b'\n').enumerate() {
        let line = line.unwrap();
        let value: Value = match serde_json::from_slice(&line) {
            Ok(v) => v,
            Err(e) => { invalid += 1; writeln!(out, "{path}:{}: ?@?: /: {e}", n + 1).unwrap(); continue; }
        };
        let found = sources.iter().find_map(|(tf, vf, scheme, types)| {
            let (t, v) = (value.get(tf)?.as_str()?, value.get(vf)?.as_str()?);
            let (keys, validators) = types.get(t)?;
            let known: Vec<&str> = keys.iter().map(String::as_str).collect();
            Some((t, v, &validators[select(*scheme, &known, v).ok()?]))
        });
        let Some((t, v, validator)) = found else {
            invalid += 1; writeln!(out, "{path}:{}: ?@?: /: unknown event type or version", n + 1).unwrap(); continue;
        };
        if validator.is_valid(&value) { valid += 1; continue; }
        invalid += 1;
        for err in validator.iter_errors(&value) {
            let ptr = err.instance_path().as_str().to_owned();
            writeln!(out, "{path}:{}: {t}@{v}: {}: {err}", n + 1, if ptr.is_empty() { "/" } else { &ptr }).unwrap();
        }
    }
    writeln!(out, "{valid} valid, {invalid} invalid").unwrap();
}
