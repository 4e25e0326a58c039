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
}
