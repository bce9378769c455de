/**
 * `--report FILE`: where the HTML report goes, checked before the drill changes anything, and
 * written once the drill has a result (OK or not).
 */
import { accessSync, constants, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { renderReport, reportOf, type ReportSource } from "./report-page";

/**
 * The report's absolute path. A relative path is taken from the directory the command was started
 * in (npm's INIT_CWD: npm runs scripts in the project root). Throws a RangeError naming the path
 * when its directory does not exist or the path is a directory, so a long drill never ends unable
 * to write its report.
 */
export function resolveReportPath(file: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (file.trim() === "") throw new RangeError("--report needs a file name, e.g. --report drill.html");
  const path = resolve(env.INIT_CWD || cwd, file);
  const dir = dirname(path);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new RangeError(`--report ${file}: directory ${dir} does not exist`);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new RangeError(`--report ${file}: ${path} is a directory; name a file, e.g. ${path}/drill.html`);
  try {
    accessSync(dir, constants.W_OK); // the drill then runs for minutes: find out now that it could not write
  } catch {
    throw new RangeError(`--report ${file}: cannot write into ${dir}`);
  }
  return path;
}

/** Writes the report of `source` to `path`; returns its size in bytes. */
export function writeReport(path: string, source: ReportSource, generatedAt = new Date()): number {
  const html = renderReport(reportOf(source, generatedAt));
  writeFileSync(path, html);
  return Buffer.byteLength(html);
}
