"use strict";
/**
 * One aws provider process for the whole test run (started by global-setup.ts, stopped by
 * global-teardown.ts): `terraform-provider-aws -debug` serves on a unix socket, and every terraform
 * command of the suite attaches to it through TF_REATTACH_PROVIDERS instead of starting its own.
 * Terraform otherwise starts the provider (a 700 MB binary) once per provider configuration per
 * phase of each command — a dozen times for one `terraform test` of a two-region stack — and each
 * start costs about half a second of CPU.
 *
 *   node terraform-provider-server.cjs <provider binary> <file> <owner pid>
 *
 * Writes `{"reattach": "<TF_REATTACH_PROVIDERS value>"}` to <file> once the provider listens (or
 * `{"error": "…"}` when it cannot start), atomically. Stops the provider on SIGTERM/SIGINT and when
 * the owner (the jest process) is gone, so it never outlives the run, even after a kill -9.
 *
 * Plain CommonJS: it runs before and outside anything that loads TypeScript.
 */
const { spawn } = require("node:child_process");
const { renameSync, writeFileSync } = require("node:fs");

const [binary, file, owner] = process.argv.slice(2);
let written = false;
const report = (body) => {
  if (written) return;
  written = true;
  writeFileSync(`${file}.tmp`, JSON.stringify(body));
  renameSync(`${file}.tmp`, file);
};

const provider = spawn(binary, ["-debug"], { stdio: ["ignore", "pipe", "pipe"] });
let banner = "";
provider.stdout.on("data", (d) => {
  if (written) return;
  banner += d.toString("utf8");
  const m = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(banner);
  if (m) report({ reattach: m[1] });
});
// Its logs go nowhere, but the pipe must be drained or the provider would block on a full one.
provider.stderr.resume();
provider.on("error", (err) => {
  report({ error: `${binary}: ${err.message}` });
  process.exit(1);
});
provider.on("exit", (code, signal) => {
  report({ error: `${binary} -debug exited (${signal ?? code}) before it listened` });
  process.exit(0);
});

const stop = () => {
  // SIGINT: the provider's debug server stops cleanly and removes its socket.
  provider.kill("SIGINT");
  setTimeout(() => {
    provider.kill("SIGKILL");
    process.exit(0);
  }, 5000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setInterval(() => {
  try {
    process.kill(Number(owner), 0);
  } catch {
    stop();
  }
}, 1000);
