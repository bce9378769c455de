/** `npm run local` as a user runs it (the script from package.json, in a child process): its help and the --traffic usage error. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.local;
const [command, ...scriptArgs] = script.split(" ");

function local(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command === "node" ? process.execPath : command, [...scriptArgs, ...args], { cwd: ROOT, env: { ...process.env, GLOBALAPP_CONFIG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("npm run local", () => {
  it("--help names the dashboard and --traffic", async () => {
    const r = await local(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Dashboard: open http:\/\/127\.0\.0\.1:8081\/ in a browser/);
    expect(r.stdout).toMatch(/--traffic R +demo traffic for the dashboard: R requests per model second \(0-50\)/);
  });

  it.each([["99"], ["x"], [""]])("--traffic %s is a usage error (exit 2) naming the option, before anything starts", async (rate) => {
    const r = await local(["--traffic", rate, "--port", "0", "--admin-port", "0"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`local: --traffic must be 0-50 requests per model second, got "${rate}"`);
  });

  it("any argument parse error is a usage error (exit 2) in one line, not a stack trace", async () => {
    const r = await local(["--traffic", "-1"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^local: Option '--traffic' argument is ambiguous/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
