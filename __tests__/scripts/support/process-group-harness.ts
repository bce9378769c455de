/**
 * Stands in for `npm run test:aws` during its destroy, to test what a terminal's Ctrl-C or hang-up
 * reaches: it ignores SIGINT and SIGHUP (as runE2E does while destroying) and runs one child that
 * prints "ready", then "done" a moment later. The test sends the signal to this process's group,
 * which is what a terminal does to its foreground job.
 *
 *   own-group   the child runs through spawnRunner (its own process group and session)
 *   same-group  control: a plain spawn, the child shares this process's group
 *
 * Prints one JSON object on stdout: how the child ended and what it printed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnRunner } from "../../../scripts/aws-e2e";

const CHILD = 'process.stdout.write("ready\\n"); setTimeout(() => process.stdout.write("done\\n"), 1500);';

for (const sig of ["SIGINT", "SIGHUP"] as const) process.on(sig, () => process.stderr.write(`harness: ${sig} ignored\n`));

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === "own-group") {
    const log = join(mkdtempSync(join(tmpdir(), "globalapp-pgroup-")), "e2e.log");
    const r = await spawnRunner({ cwd: process.cwd(), log })(process.execPath, ["-e", CHILD], { env: process.env, capture: true });
    process.stdout.write(JSON.stringify({ code: r.code, stdout: r.stdout, log: readFileSync(log, "utf8") }));
    return;
  }
  const child = spawn(process.execPath, ["-e", CHILD], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d;
    process.stderr.write(d);
  });
  await new Promise<void>((resolve) =>
    child.on("close", (code, signal) => {
      process.stdout.write(JSON.stringify({ code, signal, stdout: out }));
      resolve();
    }),
  );
}

void main();
