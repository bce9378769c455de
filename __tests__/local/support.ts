/** Helpers for the local-system and drill tests: config over the project's, waiting on a condition. */

// Node 20 here, nodejs22.x in Lambda: keep the SDK's Node-version notice out of the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { type AppConfig, deepMerge, parseConfig } from "../../model/config";
import { loadProjectConfig } from "../../lib/project";
import type { AdminOptions } from "../../local/admin/admin";
import { type RunningLocal, startLocal } from "../../local/start";
import type { LocalSystemOptions } from "../../local/system";

/** The project's config (cdktf.json, no GLOBALAPP_CONFIG) with `override` deep-merged over it. */
export function localConfig(override: unknown = {}): AppConfig {
  return parseConfig(deepMerge(loadProjectConfig({}), override));
}

/** Polls `check` every 10 ms until it returns true; fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const limit = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > limit) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A local system with its admin API for a test: the project's config, free ports, silent
 * functions; `options` override (time scale, propagation, seed, limits, the admin's dashboard, …).
 * Close it in afterAll.
 */
export function startTestSystem(options: Partial<LocalSystemOptions> & { readonly admin?: AdminOptions } = {}): Promise<RunningLocal> {
  return startLocal({ config: localConfig(), port: 0, logLevel: "SILENT", ...options, admin: { port: 0, ...options.admin } });
}
