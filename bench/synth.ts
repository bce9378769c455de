/**
 * bench/synth: the same stacks synthesized every way people run cdktf, side by side in one run, so
 * that a busy machine slows all of them alike: our `npm run synth`, our runner without npm, the
 * runner it replaced (tsx), `npx cdktf synth`, the `cdktf init` template's way (ts-node
 * type-checking an app that imports the provider package barrel), and merely loading that barrel.
 * Runs go round-robin across the commands; each gets medians, min/max, a ratio to `npm run synth`
 * and its peak memory. Every synth writes to its own temp dir, never to cdktf.out/.
 *
 * Usage: node -r ./scripts/ts-register.cjs bench/synth.ts [--runs 5] [--slow-runs 3]
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineDescription, measure, memoryMethod, Sample } from "./lib/measure";
import { PROJECT_ROOT } from "../lib/project";
import { runCli, usage } from "../lib/cli";
import { BenchReport, formatMemory, formatRatio, formatReport, formatSeconds, median, ratio, renderTable } from "../lib/stats";


/** One way of synthesizing (or loading), run in the project root. */
interface Contender {
  readonly name: string;
  /** The command; `out` is a fresh output directory for this run. */
  readonly argv: (out: string) => string[];
  /** Slow ones run `--slow-runs` times and skip the warm-up. */
  readonly slow?: boolean;
  /** Whether it writes stacks/globalapp/cdk.tf.json (to check every synth produced the same stack). */
  readonly synthesizes: boolean;
}

const NPM_RUN_SYNTH = "npm run synth";
const BARREL_LOAD = "load the provider barrel only";

const CONTENDERS: readonly Contender[] = [
  { name: NPM_RUN_SYNTH, argv: () => ["npm", "run", "--silent", "synth"], synthesizes: true },
  { name: "node -r ./scripts/ts-register.cjs main.ts (no npm)", argv: () => ["node", "-r", "./scripts/ts-register.cjs", "main.ts"], synthesizes: true },
  { name: "node --import tsx main.ts (the runner before)", argv: () => ["node", "--import", "tsx", "main.ts"], synthesizes: true },
  { name: "npx cdktf synth", argv: (out) => ["npx", "cdktf", "synth", "--output", out], slow: true, synthesizes: true },
  {
    name: "npx ts-node + provider barrel (cdktf init way)",
    argv: () => ["npx", "ts-node", "bench/fixtures/barrel-app.ts"],
    slow: true,
    synthesizes: true,
  },
  { name: BARREL_LOAD, argv: () => ["node", "-e", "require('@cdktf/provider-aws')"], synthesizes: false },
];

/** Parses `--runs N --slow-runs M`. */
export function parseArgs(argv: readonly string[]): { runs: number; slowRuns: number } {
  const get = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${argv[i + 1]}`);
    return n;
  };
  return { runs: get("--runs", 5), slowRuns: get("--slow-runs", 3) };
}

async function runOnce(c: Contender, signal?: AbortSignal): Promise<{ sample: Sample; stackJson?: string }> {
  if (signal?.aborted) throw signal.reason;
  const out = join(mkdtempSync(join(tmpdir(), "globalapp-bench-")), "out");
  const env = { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1", GLOBALAPP_CONFIG: "" };
  const sample = await measure(c.argv(out), { cwd: PROJECT_ROOT, env, signal });
  if (sample.code !== 0) throw new Error(`"${c.name}" exited with ${sample.code}:\n${sample.stderr}`);
  const stackFile = join(out, "stacks", "globalapp", "cdk.tf.json");
  if (!c.synthesizes) return { sample };
  if (!existsSync(stackFile)) throw new Error(`"${c.name}" did not write ${stackFile}`);
  return { sample, stackJson: readFileSync(stackFile, "utf8") };
}

/** Runs every contender round-robin and returns the comparison. */
export async function synthReport(options: { runs: number; slowRuns: number; log?: (line: string) => void; signal?: AbortSignal }): Promise<BenchReport> {
  const log = options.log ?? (() => undefined);
  const samples = new Map<string, Sample[]>(CONTENDERS.map((c) => [c.name, []]));
  const stacks = new Set<string>();
  for (const c of CONTENDERS.filter((c) => !c.slow)) {
    log(`warm-up: ${c.name}`);
    await runOnce(c, options.signal);
  }
  const rounds = Math.max(options.runs, options.slowRuns);
  for (let round = 0; round < rounds; round++) {
    for (const c of CONTENDERS) {
      if (round >= (c.slow ? options.slowRuns : options.runs)) continue;
      const { sample, stackJson } = await runOnce(c, options.signal);
      if (stackJson !== undefined) stacks.add(stackJson);
      samples.get(c.name)?.push(sample);
      log(`round ${round + 1}/${rounds}: ${c.name}: ${formatSeconds(sample.wallMs)}`);
    }
  }

  const medianOf = (name: string) => median((samples.get(name) ?? []).map((s) => s.wallMs));
  const base = medianOf(NPM_RUN_SYNTH);
  const rows = CONTENDERS.map((c) => {
    const list = samples.get(c.name) ?? [];
    const walls = list.map((s) => s.wallMs);
    const peaks = list.map((s) => s.peakKib).filter((k): k is number => k !== undefined);
    return [
      c.name,
      String(list.length),
      formatSeconds(median(walls)),
      formatSeconds(Math.min(...walls)),
      formatSeconds(Math.max(...walls)),
      formatRatio(ratio(median(walls), base)),
      formatMemory(peaks.length ? median(peaks) : undefined),
    ];
  });
  const table = renderTable(["command (same stacks)", "runs", "median", "min", "max", "vs npm run synth", "peak memory"], rows);
  const goal = ratio(base, medianOf(BARREL_LOAD));
  return {
    title: "bench/synth: synthesizing the same stacks, side by side",
    table,
    notes: [
      `npm run synth takes ${formatRatio(goal)} the time of merely loading the provider barrel (goal: well under 0.5×): ${goal < 0.5 ? "met" : "NOT met"}.`,
      `every synth wrote the same globalapp stack: ${stacks.size === 1 ? "yes" : `NO (${stacks.size} different outputs)`}.`,
      `${options.runs} run(s) of each fast command after one unmeasured warm-up (warm OS cache, .build/ts-cache and .build/bundle-cache); ${options.slowRuns} run(s) of the slow ones (npx cdktf synth, ts-node), no warm-up.`,
      `peak memory: ${memoryMethod()}; median over the runs.`,
      `machine: ${machineDescription()}.`,
    ],
  };
}

if (require.main === module) {
  runCli("bench/synth", async (run) => {
    run.onStop("stopping the command being measured");
    console.log(formatReport(await synthReport({ ...usage(() => parseArgs(process.argv.slice(2))), log: (l) => process.stderr.write(`${l}\n`), signal: run.signal })));
    return 0;
  });
}
