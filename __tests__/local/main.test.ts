/** `npm run local` as a user runs it (the script from package.json, in a child process): its help and the --traffic usage error. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT, runCli } from "../support/cli";

// The script package.json runs, so the test breaks if `npm run local` stops running local/main.ts.
const script = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.local.split(" ").pop()!;
const local = (args: string[]) => runCli(script, args, { ...process.env, GLOBALAPP_CONFIG: "" });

describe("npm run local", () => {
  it("--help names the dashboard and --traffic", async () => {
    const r = await local(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Dashboard: open http:\/\/127\.0\.0\.1:8081\/ in a browser/);
    expect(r.stdout).toMatch(/--traffic R +demo traffic for the dashboard: R requests per model second \(0-50\)/);
  });

  it.each([["99"], ["x"], [""]])("--traffic %s is a usage error (exit 2) naming the option, before anything starts", async (rate) => {
    const r = await local(["--traffic", rate, "--port", "0", "--admin-port", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`local: --traffic must be 0-50 requests per model second, got "${rate}"`);
  });

  it.each([
    ["exports no handler", "export const other = 1;\n", /: exports no function named handler/],
    ["does not bundle", "export async function handler( {\n", /: does not bundle: .*api\.ts:\d+:\d+: /],
  ])("refuses a function.entry that %s as a config error (exit 2) in one line naming it, before anything starts", async (_what, source, message) => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-local-"));
    writeFileSync(join(dir, "api.ts"), source);
    writeFileSync(join(dir, "config.json"), JSON.stringify({ function: { entry: "api.ts" } }));
    const r = await runCli(script, ["--port", "0", "--admin-port", "0"], { ...process.env, GLOBALAPP_CONFIG: join(dir, "config.json") });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^local: function\\.entry = ${JSON.stringify(join(dir, "api.ts")).replace(/[.]/g, "\\.")}: `));
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  it("any argument parse error is a usage error (exit 2) in one line, not a stack trace", async () => {
    const r = await local(["--traffic", "-1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^local: --traffic needs a value; one that starts with "-" is written --traffic=-… \(npm run local -- --help\)\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
