/**
 * The config the stack is synthesized from, loaded exactly as main.ts does: cdktf.json's
 * `context.globalapp`, then the JSON file named by GLOBALAPP_CONFIG deep-merged over it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type AppConfig, loadConfig } from "../constructs/config";
import { PROJECT_ROOT } from "../constructs/lib/bundle";

/** Loads and validates the project's config. @throws ConfigError naming every bad key. */
export function loadProjectConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cdktfJson = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { context?: { globalapp?: unknown } };
  return loadConfig({ context: cdktfJson.context?.globalapp, overridePath: env.GLOBALAPP_CONFIG || undefined });
}
