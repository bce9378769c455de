import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import type { App } from "cdktf";
import { acceleratorRecordName, type AppConfig, backendDescription, deletionProtection, latencyRecordName, overridePath, usesAccelerator } from "../../model/config";
import { changeImpact, type Impact, sameState, WHAT_IS_LOST } from "../../model/change-impact";
import type { SynthesizedStack } from "../../model/synthesized";
import { busiestCases, capacityCases, capacityInputOf, formatConcurrency, formatRate, formatShare } from "../../model/capacity";
import {
  ALB_ALIAS_TTL_SECONDS,
  GA_PROPAGATION_SECONDS,
  predictDnsFailover,
  predictDnsRecovery,
  predictFailover,
  predictRecovery,
  ROUTE53_PROPAGATION_SECONDS,
  type SecondsRange,
} from "../../model/failover";

/**
 * What `npm run synth` (main.ts) does around `app.synth()`:
 * - before: read the last synthesized `globalapp` configuration, to tell what the new one replaces;
 * - after: leave each stack folder with exactly one configuration (`cdktf synth --hcl` writes
 *   `cdk.tf` beside an earlier `cdk.tf.json`, and terraform would then load both and fail with
 *   duplicate definitions on the next `cdktf diff`), and print a summary with the warnings.
 */

/** The files cdktf writes a stack as, per form; a stack folder holds exactly one form's files. */
const STACK_FILES = { json: ["cdk.tf.json"], hcl: ["cdk.tf", "metadata.json"] } as const;

/**
 * cdktf 0.21 reads `SYNTH_HCL_OUTPUT` in two places that disagree: the App (file names, manifest)
 * accepts only "true", each stack's synthesizer (file contents) also "1" — so "1" would write HCL into
 * a file named cdk.tf.json. Call before `new App()`: "1" becomes "true" so both agree.
 */
export function normalizeHclRequest(env: NodeJS.ProcessEnv = process.env): void {
  if (env.SYNTH_HCL_OUTPUT === "1") env.SYNTH_HCL_OUTPUT = "true";
}

/** The synthesized configuration of `stack` in `outdir`, if any (JSON form only): call it before
 * `app.synth()` for the last synth, after it for the new one. */
export function readSynth(outdir: string, stack: string): SynthesizedStack | undefined {
  try {
    return JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as SynthesizedStack;
  } catch {
    return undefined; // first synth, HCL output, or an unreadable file: nothing to compare with
  }
}

/** One synthesized stack as the summary lists it. */
export interface StackSummary {
  readonly name: string;
  /** The configuration file, relative to the current directory. */
  readonly file: string;
  readonly resources: number;
  /** Warnings cdktf collected for the stack (annotations). */
  readonly warnings: readonly string[];
  /** The configuration as written, when it is JSON (read once, for the count and the comparison). */
  readonly configuration?: SynthesizedStack;
}

/**
 * Removes the configuration file a stack folder should no longer hold (the other form than the one
 * just written) and describes each stack. Returns them in the manifest's order.
 */
export function tidyStackFolders(app: App, cwd = process.cwd()): StackSummary[] {
  const stale = app.hclOutput ? STACK_FILES.json : STACK_FILES.hcl;
  return Object.values(app.manifest.stacks).map((stack) => {
    const dir = join(app.outdir, stack.workingDirectory);
    for (const file of stale) rmSync(join(dir, file), { force: true });
    const path = join(app.outdir, stack.synthesizedStackPath);
    const text = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    const configuration = text !== undefined && !app.hclOutput ? (JSON.parse(text) as SynthesizedStack) : undefined;
    const resources = configuration
      ? Object.values(configuration.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0)
      : [...(text ?? "").matchAll(/^resource\s+"/gm)].length;
    return {
      name: stack.name,
      file: relative(cwd, path) || path,
      resources,
      warnings: stack.annotations.filter((a) => a.level === "@cdktf/warn").map((a) => a.message),
      configuration,
    };
  });
}

/**
 * Warning lines for what the change since the last synth replaces or destroys: one per replacement
 * and per stateful resource; other destroyed resources in one line.
 */
export function impactWarnings(impacts: readonly Impact[], guarded: boolean): string[] {
  const since = "compared with the last synth, this";
  const verbs: Record<Impact["kind"], string> = { replace: "replaces", destroy: "destroys", "recreate-replica": "deletes and recreates", "delete-replica": "deletes" };
  const consequence = (i: Impact) => {
    if (i.kind === "delete-replica") return " — the other regions keep the data; prevent_destroy cannot stop this (an in-place update)";
    if (i.kind === "recreate-replica") return " — DynamoDB copies the data back from the other regions; prevent_destroy cannot stop this (an in-place update)";
    if (!i.stateful) return "";
    return guarded ? ' — refused in this environment by prevent_destroy (see docs/deploying.md, "What a change does")' : ` — ${WHAT_IS_LOST[i.address.split(".")[0]] ?? "it cannot be got back"}`;
  };
  const lines = impacts
    .filter((i) => i.kind !== "destroy" || i.stateful)
    .map((i) => `${since} ${verbs[i.kind]} ${i.address} (${i.reason})${consequence(i)}`);
  const destroyed = impacts.filter((i) => i.kind === "destroy" && !i.stateful).map((i) => i.address);
  if (destroyed.length > 0) {
    lines.push(`${since} destroys ${destroyed.length} resource(s) no longer in the configuration: ${destroyed.join(", ")}`);
  }
  return lines;
}

/**
 * Regions whose provider the last synth had and this one lacks: terraform cannot destroy what is
 * still deployed there without it ("Provider configuration not present"), so the plan would fail.
 */
export function droppedProviderWarnings(previous: SynthesizedStack, current: SynthesizedStack): string[] {
  const aliases = (tf: SynthesizedStack) => new Set((tf.provider?.aws ?? []).map((p) => p.alias));
  const now = aliases(current);
  return [...aliases(previous)]
    .filter((alias): alias is string => alias !== undefined && !now.has(alias))
    .map(
      (region) =>
        `the last synth had a provider for ${region} and this one has none: terraform cannot destroy what is deployed there without it. ` +
        `Keep "${region}" in retiredRegions until a deploy has removed it (docs/deploying.md, "What a change does").`,
    );
}

/** The summary `npm run synth` prints: stacks, regions, resources, predicted failover, warnings. */
export function synthSummary(
  config: AppConfig,
  stacks: readonly StackSummary[],
  extraWarnings: readonly string[] = [],
  overrideFile?: string,
): string[] {
  const hc = config.healthCheck;
  const width = Math.max(...stacks.map((s) => s.name.length));
  const range = (r: SecondsRange) => `${r.min}–${r.max} s`;
  const check = `health check every ${hc.intervalSeconds} s, ${hc.unhealthyThreshold}/${hc.healthyThreshold} checks, timeout ${hc.timeoutSeconds} s`;
  const lines = [
    `globalapp: synthesized ${stacks.length} stack(s) (${config.appName}-${config.environment})`,
    ...stacks.map((s) => `  ${s.name.padEnd(width)}  ${s.file}  (${s.resources} resources)`),
    `  config     cdktf.json context.globalapp${overrideFile ? ` + ${overrideFile} (GLOBALAPP_CONFIG)` : ""}`,
    `  regions    ${config.regions.map((r) => (r === config.homeRegion ? `${r} (table home)` : r)).join(", ")}`,
    `  state      ${backendDescription(config)}`,
  ];
  const acceleratorName = acceleratorRecordName(config);
  const latencyName = latencyRecordName(config);
  if (acceleratorName || latencyName) {
    const names = [acceleratorName && `${acceleratorName} → Global Accelerator`, latencyName && `${latencyName} → Route 53 latency records`];
    lines.push(`  names      ${names.filter(Boolean).join("; ")}`);
  }
  if (usesAccelerator(config)) {
    const failover = predictFailover(hc, GA_PROPAGATION_SECONDS);
    const recovery = predictRecovery(hc, GA_PROPAGATION_SECONDS);
    lines.push(`  failover   predicted ${range(failover)}, recovery ${range(recovery)} (${check}, + up to ${GA_PROPAGATION_SECONDS} s Global Accelerator propagation)`);
  }
  if (latencyName) {
    const failover = predictDnsFailover(hc, config.route53);
    const recovery = predictDnsRecovery(hc, config.route53);
    const detection =
      config.route53.healthChecks === "alias"
        ? check
        : `Route 53 checks every ${config.route53.requestIntervalSeconds} s, threshold ${config.route53.failureThreshold}`;
    lines.push(
      `  dns        predicted ${range(failover)}, recovery ${range(recovery)} (${detection}, + up to ${ROUTE53_PROPAGATION_SECONDS} s Route 53 propagation, ` +
        `+ the ${ALB_ALIAS_TTL_SECONDS} s TTL; clients that keep answers longer add that)`,
    );
  }
  const peak = config.capacity.peakRequestsPerSecond;
  if (peak !== undefined) {
    const input = capacityInputOf(config, peak);
    const top = busiestCases(capacityCases(input)).reduce((a, b) => (b.load.concurrency > a.load.concurrency ? b : a));
    const limit = config.function.reservedConcurrency === undefined ? "what the default quota leaves to reserve" : "function.reservedConcurrency";
    lines.push(
      `  capacity   ${formatRate(peak)} req/s × ${input.functionMilliseconds} ms: at most ${formatConcurrency(top.load.concurrency)} concurrent executions in a region ` +
        `(${top.load.region}${top.lost ? ` after losing ${top.lost}` : ""}, ${formatShare(top.load.throttledShare)} throttled); limit ${input.concurrencyLimit} (${limit})`,
    );
  }
  const warnings = [...new Set([...stacks.flatMap((s) => s.warnings), ...extraWarnings])];
  return [...lines, ...warnings.map((w) => `warning: ${w}`)];
}

/**
 * Tidies the stack folders and prints the summary, with what the change since `previous` (the last
 * synth of `stack`) replaces or destroys: on stderr for `npm run synth`; on stdout under the cdktf
 * CLI, which shows an app's stderr as errors and prints the stacks' annotations (warnings) itself.
 */
export function reportSynth(app: App, config: AppConfig, stack: string, previous: SynthesizedStack | undefined, env: NodeJS.ProcessEnv = process.env): void {
  const stacks = tidyStackFolders(app, env.INIT_CWD || process.cwd()); // paths as seen from where the command was started
  const current = stacks.find((s) => s.name === stack)?.configuration;
  // Only a synth for the same state says anything about this plan (not the last dev synth for a prod one).
  const comparable = previous !== undefined && current !== undefined && sameState(previous, current);
  const impacts = comparable ? [...droppedProviderWarnings(previous, current), ...impactWarnings(changeImpact(previous, current), deletionProtection(config))] : [];
  const underCli = env.CDKTF_CONTEXT_JSON !== undefined;
  const lines = synthSummary(config, underCli ? stacks.map((s) => ({ ...s, warnings: [] })) : stacks, impacts, overridePath(env));
  (underCli ? process.stdout : process.stderr).write(`${lines.join("\n")}\n`);
}
