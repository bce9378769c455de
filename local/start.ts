/**
 * The local system as `npm run local` runs it: the system (./system.ts), then the admin API and
 * dashboard on it (./admin/admin.ts). The composition step of everything that wants both: the CLI,
 * the drill's and shift's local target, the benchmarks and the screenshots.
 */
import { type AdminOptions, type AdminServer, startAdminServer } from "./admin/admin";
import { type LocalSystemOptions, startLocalSystem } from "./system";
import type { LocalSystem } from "./types";

/** A running system and its admin server. */
export interface RunningLocal {
  readonly system: LocalSystem;
  readonly admin: AdminServer;
  /** Stops the admin server, then the system. */
  close(): Promise<void>;
}

/** Starts the system, then its admin server; when the admin server cannot start, stops the system and rethrows. */
export async function startLocal(options: LocalSystemOptions & { readonly admin?: AdminOptions }): Promise<RunningLocal> {
  const system = await startLocalSystem(options);
  let admin: AdminServer;
  try {
    admin = await startAdminServer(system, options.admin);
  } catch (err) {
    await system.close();
    throw err;
  }
  return {
    system,
    admin,
    async close() {
      await admin.close();
      await system.close();
    },
  };
}
