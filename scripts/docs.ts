/**
 * `npm run docs [-- --check]`: writes the reference docs generated from the code, the way
 * terraform-docs writes a module's inputs (scripts/docs/generated.ts lists them).
 * Exit status: 0 written (or current with --check), 1 not current with --check, 2 bad usage.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DOCS_COMMAND, GENERATED_DOCS, generatedFiles, staleFiles } from "./docs/generated";
import { parseOptions, runCli } from "../lib/cli";

const ROOT = resolve(__dirname, "..");

export const USAGE = `Usage: npm run docs -- [--check]

Writes the reference docs generated from the code:
${GENERATED_DOCS.map((d) => `  ${d.file.padEnd(24)} ${d.part ? "a part, " : ""}from ${d.source}`).join("\n")}

Options:
  --check      write nothing; exit 1 naming each file that is not current
  -h, --help   this text
`;

/** The options `npm run docs` accepts (node:util parseArgs). */
export const OPTIONS = {
  check: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

async function main(argv: readonly string[]): Promise<number> {
  const values = parseOptions(OPTIONS, argv);
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
