import { Testing } from "cdktf";
import { GlobalAppStack, STACK_NAME } from "../../constructs/global-app-stack";
import { stateBucketStackFor } from "../../constructs/state-bucket-stack";
import { backendSettings } from "../../constructs/lib/backend";
import { deepMerge } from "../../model/config";
import { echoedConfigs, recipe } from "./support/recipes";
import { configWith, synthGlobalApp, type TerraformJson } from "../support/synth";

/**
 * The deploy recipes synthesize into what their text says. Each recipe's code is read from the docs
 * by its marker (__tests__/docs/support/recipes.ts), and each claim is read from the prose beside it, so neither the
 * config nor the expectation is a copy kept in this file.
 */
const EMPTY_ACCOUNT = recipe("empty-account");
/** Step 1's fragment of `cdktf.json` → `context.globalapp`. */
const STEP1 = JSON.parse(`{${EMPTY_ACCOUNT.code}}`) as { state: { backend: string; bucket: string; region: string; key?: string } };

/** The backticked names in the first match of `pattern`'s group 1, e.g. "`a`, `b` and `c`" → [a, b, c]. */
function names(text: string, pattern: RegExp): string[] {
  const m = pattern.exec(text);
  if (!m) throw new Error(`the recipe no longer says ${pattern}`);
  return [...m[1].matchAll(/`([^`]+)`/g)].map((n) => n[1]);
}

/** Both stacks for a config, the way main.ts builds them. */
function synthBoth(override: unknown): { system: TerraformJson; state: TerraformJson } {
  const config = configWith(override);
  const app = Testing.app();
  const system = new GlobalAppStack(app, STACK_NAME, { config });
  const state = stateBucketStackFor(app, config, system);
  if (!state) throw new Error("the recipe's state is not in S3: there is no bootstrap stack");
  return { system: JSON.parse(Testing.synth(system)) as TerraformJson, state: JSON.parse(Testing.synth(state)) as TerraformJson };
}

describe(`"From an empty AWS account to a drilled system" (${EMPTY_ACCOUNT.file})`, () => {
  const { system, state } = synthBoth(STEP1);
  const count = (tf: TerraformJson) => Object.values(tf.resource).reduce((n, r) => n + Object.keys(r).length, 0);

  it("step 1: state in S3 in the named bucket and region, the key left to its per-environment default, as the text says", () => {
    expect(EMPTY_ACCOUNT.lang).toBe("json");
    expect(STEP1.state).not.toHaveProperty("key");
    const [claimedKey] = names(EMPTY_ACCOUNT.section, /\(here\s+(`[^`]+`)\)/);
    expect(system.terraform.backend?.s3).toEqual(expect.objectContaining({ bucket: STEP1.state.bucket, region: STEP1.state.region, key: claimedKey }));
    expect(claimedKey).toBe("globalapp/dev/terraform.tfstate");
  });
  it("step 3: the bootstrap plan adds the number of resources it names, with the outputs and the local state file it names", () => {
    const [, planned] = /Plan: (\d+) to add, 0 to change, 0 to destroy\./.exec(EMPTY_ACCOUNT.section) ?? [];
    expect(count(state)).toBe(Number(planned));
    expect(Object.keys(state.resource.aws_s3_bucket).map((id) => state.resource.aws_s3_bucket[id].bucket)).toEqual([STEP1.state.bucket]);
    expect(Object.keys(state.output).sort()).toEqual(names(EMPTY_ACCOUNT.section, /then the outputs ((?:`\w+`(?:,\s*|\s+and\s+)?)+)/).sort());
    const [stateFile] = names(EMPTY_ACCOUNT.section, /Keep (`terraform\.globalapp-state\.<bucket>\.tfstate`)/);
    expect(String(state.terraform.backend?.local?.path)).toMatch(new RegExp(`/${stateFile.replace("<bucket>", STEP1.state.bucket).replace(/\./g, "\\.")}$`));
  });
  it("step 5: the system's deploy ends with exactly the outputs it lists", () => {
    expect(Object.keys(system.output).sort()).toEqual(names(EMPTY_ACCOUNT.section, /It ends with the outputs ((?:`\w+`(?:,\s*)?)+)/).sort());
  });
  it("step 5: the table carries the timeouts the text names", () => {
    const [create, update, del] = /create (\d+m), update (\d+m), delete (\d+m)/.exec(EMPTY_ACCOUNT.section)?.slice(1) ?? [];
    expect(Object.values(system.resource.aws_dynamodb_table)[0].timeouts).toEqual({ create, update, delete: del });
  });
});

const DEV_PROD = recipe("dev-prod");
const FILES = echoedConfigs(DEV_PROD);
/** Each `GLOBALAPP_CONFIG=<file> npx cdktf deploy globalapp  # state: <key>` line. */
const DEPLOYS = [...DEV_PROD.code.matchAll(/^GLOBALAPP_CONFIG=(\S+)\s+npx cdktf deploy globalapp\s+# state: (\S+)$/gm)].map(([, file, key]) => ({ file, key }));

describe(`"dev and prod in one account", after the empty-account recipe's step 1 (${DEV_PROD.file})`, () => {
  it("has a config file for every deploy, and at least dev and prod", () => {
    expect(DEV_PROD.lang).toBe("sh");
    expect(DEPLOYS.map((d) => d.file).sort()).toEqual(Object.keys(FILES).sort());
    expect(DEPLOYS.length).toBeGreaterThanOrEqual(2);
  });
  it.each(DEPLOYS.map((d) => [d.file, d.key] as const))("%s deploys with its state at %s, in step 1's bucket", (file, key) => {
    // cdktf.json holds step 1's state; the GLOBALAPP_CONFIG file is merged over it.
    const b = backendSettings(configWith(deepMerge(STEP1, FILES[file])));
    expect(b).toEqual({ backend: "s3", bucket: STEP1.state.bucket, region: STEP1.state.region, key });
  });
  it("gives every environment its own state", () => {
    expect(new Set(DEPLOYS.map((d) => d.key)).size).toBe(DEPLOYS.length);
  });
  it("synthesizes each config", () => {
    for (const file of Object.keys(FILES)) expect(Object.keys(synthGlobalApp(deepMerge(STEP1, FILES[file])).tf.resource).length).toBeGreaterThan(10);
  });
});
