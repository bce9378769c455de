import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { awsProviderBinary } from "./terraform";

/**
 * Jest's global setup: starts the run's one aws provider process (terraform-provider-server.cjs),
 * which every terraform command of the tests attaches to (support/terraform.ts). It does not wait
 * for it: the tests start at once, and the first terraform command waits until the provider listens.
 * The file that names it is passed to the workers in GLOBALAPP_TF_PROVIDER_SERVER.
 */
export default function globalSetup(): void {
  if (process.env.GLOBALAPP_TF_SHARED_PROVIDER === "0") return;
  const binary = awsProviderBinary();
  if (!binary) return;
  const file = join(mkdtempSync(join(tmpdir(), "globalapp-tf-provider-")), "reattach.json");
  const server = spawn(process.execPath, [join(__dirname, "terraform-provider-server.cjs"), binary, file, String(process.pid)], { stdio: "ignore" });
  // The run does not wait for it to end; global-teardown.ts stops it.
  server.unref();
  process.env.GLOBALAPP_TF_PROVIDER_SERVER = file;
  (globalThis as { globalappProviderServer?: ChildProcess }).globalappProviderServer = server;
}
