/**
 * `npm run docs [-- --check]`: writes the generated reference docs from the code, the way
 * terraform-docs writes a module's inputs: the key tables of docs/configuration.md and
 * globalapp.schema.json, both from the config schema (model/config/schema.ts).
 * Exit status: 0 written (or current with --check), 1 stale with --check, 2 bad usage.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { configJsonSchemaText, configReferenceMarkdown, DOCS_COMMAND, JSON_SCHEMA_FILE, REFERENCE_FILE, withGeneratedPart } from "./docs/config-reference";
import { runCli } from "./lib/cli";

const ROOT = resolve(__dirname, "..");

export const USAGE = `Usage: npm run docs -- [--check]

Writes the reference docs generated from the code: the key tables of ${REFERENCE_FILE} and
${JSON_SCHEMA_FILE}, both from the config schema (model/config/schema.ts).

Options:
  --check      write nothing; exit 1 naming each file that is not current
  -h, --help   this text
`;

/** The options `npm run docs` accepts (node:util parseArgs). */
export const OPTIONS = {
  check: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Each generated file and what it must hold, given the project root. */
export function generatedFiles(root: string): { readonly file: string; readonly text: string }[] {
  const page = readFileSync(join(root, REFERENCE_FILE), "utf8");
  return [
    { file: REFERENCE_FILE, text: withGeneratedPart(page, configReferenceMarkdown()) },
    { file: JSON_SCHEMA_FILE, text: configJsonSchemaText() },
  ];
}

/** The generated files that differ from what the code generates now (missing ones included). */
export function staleFiles(root: string): string[] {
  const current = (file: string) => {
    try {
      return readFileSync(join(root, file), "utf8");
    } catch {
      return undefined;
    }
  };
  return generatedFiles(root)
    .filter((g) => current(g.file) !== g.text)
    .map((g) => g.file);
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.check) {
    const stale = staleFiles(ROOT);
    for (const file of stale) process.stderr.write(`docs: ${file} is not current: run ${DOCS_COMMAND}\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const g of generatedFiles(ROOT)) {
    writeFileSync(join(ROOT, g.file), g.text);
    process.stderr.write(`docs: wrote ${g.file}\n`);
  }
  return 0;
}

if (require.main === module) runCli("docs", () => main(process.argv.slice(2)));
