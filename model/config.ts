/**
 * GlobalApp configuration: types, built-in defaults, loading and validation. No resources here.
 *
 * Precedence (later wins, objects deep-merged, arrays replaced):
 *   built-in defaults (./config/defaults.ts) ← cdktf.json `context.globalapp` ← the JSON file named
 *   by GLOBALAPP_CONFIG.
 *
 *   ./config/schema.ts    every key's value space (zod) and the types
 *   ./config/rules.ts     rules relating keys to each other; CONFIG_SCHEMA, the keys with their rules
 *   ./config/function.ts  your own function: its entry, environment and role statements
 *   ./config/defaults.ts  built-in defaults
 *   ./config/load.ts      merging, validation, ConfigError
 *   ./config/suggest.ts   "did you mean" for misspelt keys and values
 *   ./config/resolve.ts   settings derived from a valid config (prod/dev defaults, per region)
 *   ./config/warnings.ts  what a valid config still deserves a warning for
 */
export * from "./config/schema";
export { CONFIG_SCHEMA } from "./config/rules";
export * from "./config/defaults";
export * from "./config/load";
export { closestKey } from "./config/suggest";
export * from "./config/resolve";
export * from "./config/warnings";
export * from "./config/function";
export { ACM_ARN } from "./config/patterns";
