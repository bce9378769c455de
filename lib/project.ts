/**
 * The project on disk: its root, and the config the stack is synthesized from, loaded exactly as
 * main.ts does (model/config.ts loadConfigFromProject), for the local system, the drill, the shift,
 * the benchmarks and the tools.
 */
import { resolve } from "node:path";
import { type AppConfig, loadConfigFromProject } from "../model/config";

/** The repository root (where package.json, cdktf.json and functions/ live). */
export const PROJECT_ROOT = resolve(__dirname, "..");

/** Loads and validates the project's config. @throws ConfigError naming every bad key. */
export function loadProjectConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfigFromProject(PROJECT_ROOT, env);
}
