//! Generates the snapshot fixture catalogs of eventsmith-codegen into OUT_DIR.

use std::path::Path;

use eventsmith_codegen::Config;

/// What a build sets beyond the defaults.
type Configure = fn(&mut Config) -> &mut Config;

fn main() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../codegen/tests/snapshots");
    // `(output, fixture, configure)`.
    let builds: [(&str, &str, Configure); 4] = [
        ("shapes", "shapes", |c| c),
        ("versions", "versions", |c| c),
        ("vendor", "vendor", |c| c),
        // With the schemars derive, as a downstream crate that depends on
        // eventsmith but not on serde or schemars would generate it.
        ("shapes_json_schema", "shapes", |c| c.json_schema(true)),
    ];
    for (out, fixture, configure) in builds {
        let mut config = Config::new();
        configure(&mut config)
            .schemas(fixtures.join(fixture).join("schemas"))
            .file_name(format!("{out}.rs"));
        if let Err(e) = config.compile() {
            eprintln!("{out}: {e}");
            std::process::exit(1);
        }
    }
}
