/**
 * The composition step of `npm run local`: the system, then its admin API on it. Real sockets on
 * 127.0.0.1.
 */
import { createServer, type Server } from "node:net";
import { probe } from "../../lib/probe";
import { timeScale } from "../../lib/time-scale";
import { startLocal } from "../../local/start";
import { localConfig } from "./support";

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const portOf = (server: Server) => (server.address() as { port: number }).port;

/** A port free on 127.0.0.1 just now. */
async function freePort(): Promise<number> {
  const server = await listen(0);
  const port = portOf(server);
  await close(server);
  return port;
}

describe("startLocal", () => {
  it("starts the system and its admin API on it; close stops both", async () => {
    const local = await startLocal({ config: localConfig(), timeScale: timeScale(0.1), port: 0, logLevel: "SILENT", admin: { port: 0 } });
    const accelerator = local.system.acceleratorUrl;
    const admin = local.admin.url;
    try {
      const state = (await (await fetch(`${admin}/`)).json()) as { acceleratorUrl: string; regions: { region: string }[] };
      expect(state.acceleratorUrl).toBe(accelerator);
      expect(state.regions.map((r) => r.region)).toEqual(local.system.config.regions);
    } finally {
      await local.close();
    }
    expect((await probe(`${admin}/`, { timeoutMs: 2000 })).error).toBe("ECONNREFUSED");
    expect((await probe(`${accelerator}/get/foobar`, { timeoutMs: 2000 })).error).toBe("ECONNREFUSED");
  });

  it("stops the system it started when the admin port is taken, and rethrows", async () => {
    const taken = await listen(0);
    const acceleratorPort = await freePort();
    try {
      await expect(
        startLocal({ config: localConfig(), timeScale: timeScale(0.1), port: acceleratorPort, logLevel: "SILENT", admin: { port: portOf(taken) } }),
      ).rejects.toMatchObject({ code: "EADDRINUSE" });
      // The accelerator's port is free again: the system is gone, not left running.
      await close(await listen(acceleratorPort));
    } finally {
      await close(taken);
    }
  });
});
