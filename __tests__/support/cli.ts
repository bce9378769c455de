import { spawn } from "node:child_process";
import { PROJECT_ROOT } from "../../lib/project";

/** The project root: the CLIs run from there, as `npm run` does. */
export { PROJECT_ROOT };

/** How a command ended: its exit code and everything it printed. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command asynchronously (several can run side by side) and collects its output. */
export function runProcess(cmd: string, args: readonly string[], options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Runs one of the project's TypeScript CLIs the way its npm script does
 * (`node -r ./scripts/ts-register.cjs <script> …`), in the project root, with exactly `env`.
 */
export function runCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runProcess(process.execPath, ["-r", "./scripts/ts-register.cjs", script, ...args], { cwd: PROJECT_ROOT, env });
}
