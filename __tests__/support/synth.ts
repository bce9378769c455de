import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppConfig, BUILTIN_DEFAULTS, deepMerge, parseConfig } from "../../model/config";
import { GlobalAppStack, STACK_NAME } from "../../constructs/global-app-stack";
import { inventoryOf, missingTypes } from "../../model/iam";

/** cdktf.json's `context.globalapp`, the embedded default config. */
export function cdktfContext(): unknown {
  const cdktf = JSON.parse(readFileSync(join(__dirname, "..", "..", "cdktf.json"), "utf8"));
  return cdktf.context.globalapp;
}

/** The default config (built-ins ← cdktf.json) with `override` deep-merged on top, validated. */
export function configWith(override: unknown = {}): AppConfig {
  return parseConfig(deepMerge(deepMerge(BUILTIN_DEFAULTS, cdktfContext()), override));
}

/** A synthesized GlobalApp stack: the construct, its Terraform JSON string and the parsed object. */
export interface SynthResult {
  readonly stack: GlobalAppStack;
  readonly json: string;
  readonly tf: TerraformJson;
  readonly config: AppConfig;
}

/** The parts of the synthesized Terraform JSON the tests read. */
export interface TerraformJson {
  readonly terraform: { backend?: Record<string, Record<string, unknown>>; cloud?: Record<string, unknown> };
  readonly provider: { aws: Array<Record<string, unknown>> };
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, { value: unknown }>;
}

/**
 * Builds the stack the way main.ts does (without main.ts's side effects) and synthesizes it. Every
 * config variant any test synthesizes is also checked against the IAM action table: a resource type
 * without an entry (model/iam/provider-calls.ts) fails the test that synthesized it, because the
 * deploy and plan policies would silently lack its permissions.
 */
export function synthGlobalApp(override: unknown = {}): SynthResult {
  const config = configWith(override);
  const app = Testing.app();
  const stack = new GlobalAppStack(app, STACK_NAME, { config });
  const json = Testing.synth(stack);
  const tf = JSON.parse(json) as TerraformJson;
  const missing = missingTypes(inventoryOf(tf));
  if (missing.length > 0) {
    throw new Error(`the IAM action table (model/iam/provider-calls.ts) has no entry for ${missing.join(", ")}: npm run iam would print an incomplete policy`);
  }
  return { stack, json, tf, config };
}

/** All resources of one type, as [logical id, body] pairs. */
export function resourcesOf(tf: TerraformJson, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(tf.resource[type] ?? {});
}

/** Writes the full synthesized app (stack JSON + assets) to a temp dir; returns the stack directory. */
export function fullSynthDir(stack: GlobalAppStack): string {
  return join(Testing.fullSynth(stack), "stacks", STACK_NAME);
}

/** The item API's functions (`<app>-<env>-get`), not the tear-down function beside them. */
export function itemFunctions(tf: TerraformJson): Array<[string, Record<string, unknown>]> {
  return resourcesOf(tf, "aws_lambda_function").filter(([, f]) => String(f.function_name).endsWith("-get"));
}
