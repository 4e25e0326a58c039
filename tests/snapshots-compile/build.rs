//! Generates the snapshot fixture catalogs of eventsmith-codegen into OUT_DIR.

use std::path::Path;

fn main() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../codegen/tests/snapshots");
    for case in ["shapes", "versions"] {
        let result = eventsmith_codegen::Config::new()
            .schemas(fixtures.join(case).join("schemas"))
            .file_name(&format!("{case}.rs"))
            .compile();
        if let Err(e) = result {
            eprintln!("{case}: {e}");
            std::process::exit(1);
        }
    }
    // With the schemars derive, as a downstream crate that depends on
    // eventsmith but not on serde or schemars would generate it.
    let result = eventsmith_codegen::Config::new()
        .schemas(fixtures.join("shapes").join("schemas"))
        .json_schema(true)
        .file_name("shapes_json_schema.rs")
        .compile();
    if let Err(e) = result {
        eprintln!("shapes (json_schema): {e}");
        std::process::exit(1);
    }
    // Without the validators of decoded values: every payload through a Value.
    let result = eventsmith_codegen::Config::new()
        .schemas(fixtures.join("versions").join("schemas"))
        .one_pass(false)
        .file_name("versions_value_path.rs")
        .compile();
    if let Err(e) = result {
        eprintln!("versions (one_pass off): {e}");
        std::process::exit(1);
    }
}
