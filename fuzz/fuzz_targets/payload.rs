//! Payload bytes → `Event::from_slice` of each shipped source (parse under the
//! default limits, dispatch, validate, decode). Nothing may panic; the bytes
//! and the same payload as a `serde_json::Value` get the same result (the
//! same event, or the same errors as a set: bytes report them in payload
//! order, a `Value` in its map's); and when the bytes are JSON the CLI's
//! validator must agree with the bindings on whether the event is valid.
//! The CLI's validator is strict about payloads newer than their schema, so
//! the comparison reads them with `NewerVersions::Strict`.
#![no_main]

use std::sync::OnceLock;

use eventsmith::{EventError, Limits, NewerVersions, Options};
use eventsmith_codegen::validate::CatalogValidator;
use eventsmith_codegen::{Compiled, Diagnostics};
use libfuzzer_sys::fuzz_target;

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let mut diags = Diagnostics::default();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
        let compiled = Compiled::load(&dir, &mut diags);
        assert!(!diags.has_errors(), "{}", diags.render());
        compiled
    })
}

thread_local! {
    static VALIDATOR: CatalogValidator<'static> = CatalogValidator::new(compiled());
}

fuzz_target!(|data: &[u8]| {
    // The defaults (newer versions tolerated) must not panic either.
    let _ = eventsmith::impact_stack::Event::from_slice(data);
    let _ = eventsmith::gigs::Event::from_slice(data);
    let strict = Options {
        newer_versions: NewerVersions::Strict,
        ..Options::default()
    };
    let results = [
        eventsmith::impact_stack::Event::from_slice_with(data, &strict).map(drop),
        eventsmith::gigs::Event::from_slice_with(data, &strict).map(drop),
    ];
    macro_rules! bytes_and_value_agree {
        ($event:ty) => {
            for options in [Options::default(), strict] {
                let by_value = match eventsmith::json::parse_slice(data, options.limits) {
                    Ok(value) => <$event>::from_value_with(value, &options),
                    Err(e) => Err(EventError::Parse(e)),
                };
                let by_bytes = <$event>::from_slice_with(data, &options);
                match (&by_bytes, &by_value) {
                    (
                        Err(EventError::Invalid { errors: a, .. }),
                        Err(EventError::Invalid { errors: b, .. }),
                    ) => {
                        let sorted = |e: &eventsmith::Errors| {
                            let mut v: Vec<String> = e.iter().map(ToString::to_string).collect();
                            v.sort();
                            v
                        };
                        assert_eq!(sorted(a), sorted(b));
                    }
                    _ => assert_eq!(by_bytes, by_value),
                }
            }
        };
    }
    bytes_and_value_agree!(eventsmith::impact_stack::Event);
    bytes_and_value_agree!(eventsmith::gigs::Event);
    let value = match eventsmith::json::parse_slice(data, Limits::DEFAULT) {
        Ok(v) => v,
        Err(_) => {
            assert!(
                results
                    .iter()
                    .all(|r| matches!(r, Err(EventError::Parse(_)))),
                "{results:?}"
            );
            return;
        }
    };
    let outcome = VALIDATOR.with(|v| v.validate(&value));
    // The source whose type the payload names decides.
    match results
        .iter()
        .find(|r| !matches!(r, Err(EventError::UnknownType { .. })))
    {
        Some(Ok(()) | Err(EventError::Decode { .. })) => {
            assert!(
                outcome.valid,
                "bindings accept, interpreter rejects: {:?}",
                outcome.errors
            );
        }
        Some(Err(e)) => assert!(!outcome.valid, "bindings reject ({e}), interpreter accepts"),
        None => assert!(
            !outcome.valid,
            "no source knows the type, interpreter accepts"
        ),
    }
});
