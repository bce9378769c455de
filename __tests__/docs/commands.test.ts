/**
 * Every command the docs show runs as shown: each `npm run …`, `npm test`, `npx cdktf …` and
 * `GLOBALAPP_CONFIG=… npm run synth` of an `sh`/`console` block in README.md and docs/ names a script
 * that exists, with options its program's own parser accepts (parse only), and config files that
 * the page writes with `echo '…' > file` (or the project has, such as examples/notes/globalapp.json) and load. The quick ones run in full —
 * every `--help`, `npm run cost`, `npm run iam`, and the verbatim `npm run synth` samples (one real
 * synth) — and a sample marked verbatim must be exactly what its command prints.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadConfigFromProject } from "../../model/config";
import { type CliRun, runProcess } from "../support/cli";
import { type DocCommand, docCommands, docs, ROOT } from "./support/markdown";
import { PROGRAMS, SCRIPTS, scriptFile } from "./support/programs";

/** A command of the docs, resolved: which program it runs and with what. */
interface Resolved {
  readonly command: DocCommand;
  readonly kind: "npm" | "cdktf";
  /** npm: the script; cdktf: the subcommand. */
  readonly name: string;
  readonly args: readonly string[];
  /** The page's files (from its `echo '…' > file` lines), in a directory of their own. */
  readonly dir: string;
}

const QUICK = new Set(["cost", "iam"]);

/** Every npm/npx cdktf command of every page, with the files its page writes, in page order. */
function resolveAll(): Resolved[] {
  const out: Resolved[] = [];
  for (const doc of docs()) {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-docs-"));
    for (const command of docCommands(doc)) {
      if (command.writes) writeFileSync(join(dir, command.writes.file), command.writes.content);
      const [tool, ...rest] = command.words;
      if (tool === "npm" && rest[0] === "test") out.push({ command, kind: "npm", name: "test", args: rest.slice(1), dir });
      if (tool === "npm" && rest[0] === "run") {
        const words = rest.slice(1).filter((w) => w !== "-s" && w !== "--silent");
        const [script, ...after] = words;
        const args = after[0] === "--" ? after.slice(1) : after;
        out.push({ command, kind: "npm", name: script ?? "", args: after.length > 0 && after[0] !== "--" ? ["(before --)", ...after] : args, dir });
      }
      if (tool === "npx" && rest[0] === "cdktf") out.push({ command, kind: "cdktf", name: rest[1] ?? "", args: rest.slice(2), dir });
    }
  }
  return out;
}

const COMMANDS = resolveAll();
const where = (r: Resolved) => `${r.command.file}:${r.command.line}: ${r.command.source.trim()}`;
/** A command's GLOBALAPP_CONFIG: the file its page writes, else the project's own (examples/…), as run from the project root. */
const configFile = (r: Resolved) => {
  const name = r.command.env.GLOBALAPP_CONFIG;
  if (name === undefined) return undefined;
  return existsSync(join(r.dir, name)) ? join(r.dir, name) : join(ROOT, name);
};
const runsInFull = (r: Resolved) =>
  r.kind === "npm" && (r.args.includes("--help") || r.args.includes("-h") || QUICK.has(r.name) || (r.name === "synth" && r.command.verbatim !== undefined));

describe("the docs' commands", () => {
  it("finds the commands of every page", () => {
    expect(COMMANDS.length).toBeGreaterThan(40);
    for (const script of ["synth", "local", "drill", "shift", "cost", "iam", "test:aws", "bench", "docs", "screenshots"]) {
      expect(COMMANDS.some((c) => c.kind === "npm" && c.name === script)).toBe(true);
    }
  });

  it.each(COMMANDS.filter((c) => c.kind === "npm").map((c) => [where(c), c] as const))("%s: the script exists and accepts these options", (_, c) => {
    expect(Object.keys(SCRIPTS)).toContain(c.name);
    expect(PROGRAMS[c.name]).toBeDefined();
    expect({ command: where(c), refused: PROGRAMS[c.name].reject(c.args) }).toEqual({ command: where(c), refused: undefined });
  });

  it.each(COMMANDS.filter((c) => configFile(c) !== undefined && !(c.command.verbatim && c.name === "synth")).map((c) => [where(c), c] as const))(
    "%s: its GLOBALAPP_CONFIG file is written on the page and loads",
    (_, c) => {
      expect(() => loadConfigFromProject(ROOT, { GLOBALAPP_CONFIG: configFile(c) })).not.toThrow();
    },
  );
});

/** `node -r ./scripts/ts-register.cjs <file> …` as its npm script runs it, with the command's env; synth writes into `outdir`. */
function run(r: Resolved, outdir: string): Promise<CliRun> {
  const file = scriptFile(r.name);
  if (!file) throw new Error(`${where(r)}: npm run ${r.name} does not run a TypeScript file`);
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir, INIT_CWD: r.dir };
  delete env.GLOBALAPP_CONFIG;
  delete env.CDKTF_CONTEXT_JSON;
  delete env.SYNTH_HCL_OUTPUT;
  Object.assign(env, r.command.env);
  return runProcess(process.execPath, ["-r", "./scripts/ts-register.cjs", file, ...r.args], { cwd: ROOT, env });
}

/** Runs `tasks` at most `limit` at a time (the machine has two cores). */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]);
      }
    }),
  );
  return results;
}

/** The quick commands' runs, started once for both describe blocks below (they share the one synth). */
let started: Promise<Map<Resolved, CliRun & { outdir: string }>> | undefined;
function fullRuns(): Promise<Map<Resolved, CliRun & { outdir: string }>> {
  started ??= pool(COMMANDS.filter(runsInFull), 3, async (r) => {
    const outdir = join(mkdtempSync(join(tmpdir(), "globalapp-docs-synth-")), "out");
    return [r, { ...(await run(r, outdir)), outdir }] as const;
  }).then((done) => new Map(done));
  return started;
}

describe("the quick commands, run in full", () => {
  const full = COMMANDS.filter(runsInFull);
  let results = new Map<Resolved, CliRun & { outdir: string }>();

  beforeAll(async () => {
    results = await fullRuns();
  }, 180_000);

  it("runs one real synth at most, and every --help, cost and iam command", () => {
    const synths = full.filter((r) => r.name === "synth" && !r.command.env.GLOBALAPP_CONFIG);
    expect(synths.length).toBe(1);
    expect(full.filter((r) => r.args.includes("--help")).length).toBeGreaterThanOrEqual(9);
  });

  it.each(full.map((r) => [where(r), r] as const))("%s", (_, r) => {
    const result = results.get(r)!;
    const expected = r.command.verbatim;
    if (!expected) {
      expect({ command: where(r), code: result.code, stderr: result.code === 0 ? "" : result.stderr }).toEqual({ command: where(r), code: 0, stderr: "" });
      return;
    }
    // synth names the stacks' files relative to where it was started: the docs show the default, cdktf.out.
    const printed = (expected.stream === "stdout" ? result.stdout : result.stderr).split(relative(r.dir, result.outdir)).join("cdktf.out");
    expect(printed).toBe(expected.output);
  });
});

describe("npx cdktf commands", () => {
  const cdktf = COMMANDS.filter((c) => c.kind === "cdktf");
  /** Each subcommand's options (name → takes a value) from the cdktf CLI's own --help. */
  const options = new Map<string, Map<string, boolean>>();
  let stacks: string[] = [];

  beforeAll(async () => {
    const subs = [...new Set(cdktf.map((c) => c.name))];
    const cli = join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");
    const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
    await pool(subs, 2, async (sub) => {
      const help = await runProcess(process.execPath, [cli, sub, "--help"], { cwd: ROOT, env });
      const found = new Map<string, boolean>();
      for (const line of help.stdout.split("\n")) {
        const m = /^ {2,}(?:-(\w), )?--([a-z][a-z0-9-]*)\s/.exec(line);
        if (!m) continue;
        const takesValue = !line.includes("[boolean]");
        found.set(`--${m[2]}`, takesValue);
        if (m[1]) found.set(`-${m[1]}`, takesValue);
      }
      options.set(sub, found);
    });
    // The stacks the verbatim `npm run synth` wrote: what `npx cdktf <sub> <stack>` may name.
    const synth = [...(await fullRuns())].find(([r]) => r.name === "synth" && !r.command.env.GLOBALAPP_CONFIG)?.[1];
    if (!synth || synth.code !== 0) throw new Error(`the docs' verbatim npm run synth failed: ${synth?.stderr}`);
    stacks = readdirSync(join(synth.outdir, "stacks"));
  }, 240_000);

  it("knows the CLI's subcommands and the app's stacks", () => {
    expect([...options.keys()].sort()).toEqual(expect.arrayContaining(["deploy", "destroy", "diff", "synth"]));
    for (const [sub, found] of options) expect({ sub, options: found.size }).toEqual({ sub, options: expect.any(Number) });
    expect(options.get("deploy")?.get("--auto-approve")).toBe(false);
    expect(stacks.sort()).toEqual(["globalapp", "globalapp-state"]);
  });

  it.each(cdktf.map((c) => [where(c), c] as const))("%s: options the CLI lists, stacks the app has", (_, c) => {
    const known = options.get(c.name)!;
    const problems: string[] = [];
    for (let i = 0; i < c.args.length; i++) {
      const a = c.args[i];
      if (a.startsWith("-")) {
        if (!known.has(a)) problems.push(`cdktf ${c.name} has no option ${a}`);
        else if (known.get(a)) i++;
      } else if (c.name === "synth" || !stacks.includes(a)) {
        problems.push(`${a} is not a stack (${stacks.join(", ")})`);
      }
    }
    expect(problems).toEqual([]);
  });
});
