// Generates TypeScript from every exported schema with json-schema-to-typescript,
// and one .ts file per catalog example (`const example: T = <json>;`), then
// writes a tsconfig so `tsc --strict --noEmit -p <dir>` checks them all.
//
// usage: node typescript.mjs <export dir> <work dir>
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(process.cwd(), "package.json"));
const { compile } = require("json-schema-to-typescript");
const { toSafeString } = require("json-schema-to-typescript/dist/src/utils");

const [exportDir, workDir] = process.argv.slice(2);
if (!exportDir || !workDir) {
  console.error("usage: node typescript.mjs <export dir> <work dir>");
  process.exit(2);
}

const catalog = JSON.parse(readFileSync(join(exportDir, "catalog.json"), "utf8"));
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

const files = [];
let schemas = 0;
let examples = 0;
const failures = [];
for (const source of catalog.sources) {
  for (const event of source.events) {
    for (const version of event.versions) {
      const schemaPath = join(exportDir, version.file);
      const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
      // The file exactly as exported: json-schema-to-typescript names the
      // root type after its title.
      const rootName = toSafeString(schema.title);
      let ts;
      try {
        ts = await compile(schema, rootName, {
          bannerComment: `/* Generated from ${version.file} by json-schema-to-typescript. */`,
          format: false,
          cwd: dirname(schemaPath),
        });
      } catch (e) {
        failures.push(`${version.file}: json-schema-to-typescript failed: ${e.message}`);
        continue;
      }
      if (!new RegExp(`export (interface|type) ${rootName}\\b`).test(ts)) {
        failures.push(`${version.file}: the generated code has no root type ${rootName}`);
        continue;
      }
      const base = join(workDir, "types", source.name, event.directory, version.version);
      mkdirSync(dirname(base), { recursive: true });
      writeFileSync(`${base}.ts`, ts);
      files.push(`${base}.ts`);
      schemas++;
      (schema.examples || []).forEach((example, i) => {
        const file = join(workDir, "examples", source.name, event.directory, `${version.version}-${i}.ts`);
        mkdirSync(dirname(file), { recursive: true });
        let from = relative(dirname(file), base);
        if (!from.startsWith(".")) from = `./${from}`;
        writeFileSync(
          file,
          `// Example ${i} of ${version.file}.\n` +
            `import type { ${rootName} } from ${JSON.stringify(from)};\n\n` +
            `export const example: ${rootName} = ${JSON.stringify(example, null, 2)};\n`,
        );
        files.push(file);
        examples++;
      });
    }
  }
}

writeFileSync(
  join(workDir, "tsconfig.json"),
  JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2022",
        module: "ES2022",
        moduleResolution: "Bundler",
        skipLibCheck: true,
        types: [],
      },
      files: files.map((f) => relative(workDir, f)),
    },
    null,
    2,
  ),
);

for (const f of failures) console.log(`FAIL ${f}`);
console.log(`typescript: ${schemas} schemas turned into types, ${examples} examples written, ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
