/**
 * The config the stack is synthesized from, loaded exactly as main.ts does (model/config.ts
 * loadConfigFromProject), for the local system and the drill.
 */
import { type AppConfig, loadConfigFromProject } from "../model/config";
import { PROJECT_ROOT } from "../constructs/lib/bundle";

/** Loads and validates the project's config. @throws ConfigError naming every bad key. */
export function loadProjectConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfigFromProject(PROJECT_ROOT, env);
}
