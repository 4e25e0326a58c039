// Validates asyncapi.json with @asyncapi/parser: fails on any diagnostic of
// severity error, prints warnings.
//
// usage: node asyncapi.mjs <asyncapi.json>
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(process.cwd(), "package.json"));
const { Parser, DiagnosticSeverity } = require("@asyncapi/parser");

const [file] = process.argv.slice(2);
if (!file) {
  console.error("usage: node asyncapi.mjs <asyncapi.json>");
  process.exit(2);
}

const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"), { source: file });
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning);
const where = (d) => (d.path && d.path.length ? `/${d.path.join("/")}` : "/");
for (const d of errors) console.log(`FAIL ${where(d)}: ${d.message} [${d.code}]`);
for (const d of warnings) console.log(`warning ${where(d)}: ${d.message} [${d.code}]`);
if (!document) {
  console.log("asyncapi: the parser produced no document");
  process.exit(1);
}
const channels = document.channels().length;
const messages = document.messages().length;
const operations = document.operations().length;
console.log(
  `asyncapi: ${channels} channels, ${messages} messages, ${operations} operations; ${errors.length} errors, ${warnings.length} warnings`,
);
process.exit(errors.length ? 1 : 0);
