import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";

/** One timed run of a command. */
export interface Sample {
  /** Wall time from spawn to exit, milliseconds. */
  readonly wallMs: number;
  /** Peak resident set size of the largest process in the command's tree, KiB (undefined when unknown). */
  readonly peakKib?: number;
  readonly code: number;
  readonly stderr: string;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Stops the command's whole process tree (SIGTERM to its group) when aborted. */
  readonly signal?: AbortSignal;
}

const GNU_TIME = "/usr/bin/time";

/** How peak memory is measured on this machine. */
export function memoryMethod(): string {
  if (hasGnuTime()) return "GNU time -v (max RSS of the largest process in the tree)";
  if (existsSync("/proc/self/status")) return "VmHWM polled from /proc every 20 ms (largest process in the tree)";
  return "not available";
}

let gnuTime: boolean | undefined;
function hasGnuTime(): boolean {
  // BSD/macOS time has no -v; only use it when it is GNU time.
  gnuTime ??= existsSync(GNU_TIME) && process.platform === "linux";
  return gnuTime;
}

/**
 * Runs `argv` once and measures wall time and peak memory. Peak memory comes from GNU time when
 * present (its `Maximum resident set size` is the largest single process, as getrusage reports
 * for children); otherwise from VmHWM in /proc for every process in the tree, polled.
 */
export function measure(argv: readonly string[], options: MeasureOptions): Promise<Sample> {
  const viaTime = hasGnuTime();
  const command = viaTime ? [GNU_TIME, "-v", ...argv] : [...argv];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // A group of its own, so a stop reaches the whole tree (npx → cdktf → node main.ts), not just npx.
    const child = spawn(command[0], command.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "ignore", "pipe"], detached: true });
    const stop = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    };
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener("abort", stop, { once: true });
    let stderr = "";
    let polledKib: number | undefined;
    const poll = viaTime || child.pid === undefined ? undefined : setInterval(() => {
      const kib = treePeakKib(child.pid as number);
      if (kib !== undefined) polledKib = Math.max(polledKib ?? 0, kib);
    }, 20);
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      options.signal?.removeEventListener("abort", stop);
      const wallMs = performance.now() - started;
      if (poll) clearInterval(poll);
      const timeKib = viaTime ? parseGnuTimeKib(stderr) : undefined;
      resolve({ wallMs, peakKib: timeKib ?? polledKib, code: code ?? -1, stderr: viaTime ? stripGnuTime(stderr) : stderr });
    });
  });
}

/** `Maximum resident set size (kbytes): 163204` from GNU time -v output. */
export function parseGnuTimeKib(stderr: string): number | undefined {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** The command's own stderr without GNU time's report (which starts at "\tCommand being timed:"). */
function stripGnuTime(stderr: string): string {
  const at = stderr.indexOf("\tCommand being timed:");
  return at < 0 ? stderr : stderr.slice(0, at);
}

/** Largest VmHWM (KiB) among `pid` and its descendants, from /proc; undefined off Linux. */
function treePeakKib(pid: number): number | undefined {
  let peak: number | undefined;
  const visit = (p: number) => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) peak = Math.max(peak ?? 0, Number(m[1]));
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${task}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(c));
      }
    } catch {
      // The process exited between polls.
    }
  };
  visit(pid);
  return peak;
}

/** The machine, for the report header: date, cores, Node, CPU model, load. */
export function machineDescription(): string {
  const cpuModel = cpus()[0]?.model ?? "unknown CPU";
  const load = existsSync("/proc/loadavg") ? readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : "n/a";
  return `${new Date().toISOString().replace(/\.\d+Z$/, "Z")} · ${availableParallelism()} cores (${cpuModel}) · Node ${process.version} · load average ${load}`;
}
