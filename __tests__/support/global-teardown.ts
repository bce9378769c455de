import type { ChildProcess } from "node:child_process";

/** Jest's global teardown: stops the run's aws provider process (global-setup.ts), and waits until it has. */
export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { globalappProviderServer?: ChildProcess }).globalappProviderServer;
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    // Referenced again (global-setup.ts let it go), or the run could end before it is gone.
    server.ref();
    server.once("exit", () => resolve());
    server.kill("SIGTERM");
  });
}
