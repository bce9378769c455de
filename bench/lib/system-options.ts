/**
 * The options of a benchmark that starts a local system (bench/local.ts, bench/dashboard.ts), as
 * `npm run bench` passes them on: `--quick`, and the system's ports (default: free ones, printed).
 */
import { type CliRun, parseOptions, portOption } from "../../lib/cli";

/** What `npm run bench` passes to a benchmark that starts a local system. */
export const BENCH_SYSTEM_OPTIONS = {
  quick: { type: "boolean" },
  port: { type: "string" },
  "admin-port": { type: "string" },
  "dns-port": { type: "string" },
} as const;

/** The ports of a system a benchmark starts: 0 (any free port) when not given. */
export interface BenchPorts {
  readonly port: number;
  readonly adminPort: number;
  readonly dnsPort: number;
}

/** Parses a benchmark's arguments. @throws UsageError */
export function benchSystemArgs(argv: readonly string[] = process.argv.slice(2)): { readonly quick: boolean; readonly ports: BenchPorts } {
  const values = parseOptions(BENCH_SYSTEM_OPTIONS, argv);
  return {
    quick: values.quick ?? false,
    ports: {
      port: portOption("port", values.port) ?? 0,
      adminPort: portOption("admin-port", values["admin-port"]) ?? 0,
      dnsPort: portOption("dns-port", values["dns-port"]) ?? 0,
    },
  };
}

/** A benchmark has nothing to undo: stopped, it ends at once (its system's threads and ports go with the process). */
export function endAtOnce(run: CliRun): void {
  run.onStop("stopping", 0);
}
