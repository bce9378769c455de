/** `npm run shift`'s usage: `--help` as docs/failover.md has it, and exit status 2 for bad usage before anything runs. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/project";

const cli = (...args: string[]) => cliWith("", ...args);
const cliWith = (config: string, ...args: string[]) =>
  spawnSync(process.execPath, ["-r", "./scripts/ts-register.cjs", "shift/main.ts", ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    // stdin is a pipe here, not a terminal: what CI sees.
    env: { ...process.env, GLOBALAPP_CONFIG: config },
  });

describe("npm run shift usage", () => {
  it("--help lists the options docs/failover.md's section on the shift documents", () => {
    const r = cli("--help");
    expect(r.status).toBe(0);
    const guide = readFileSync(join(PROJECT_ROOT, "docs", "failover.md"), "utf8");
    const start = guide.indexOf("## The shift");
    expect(start).toBeGreaterThan(0);
    const end = guide.indexOf("\n## ", start + 1);
    const section = guide.slice(start, end < 0 ? undefined : end);
    const options = [...r.stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(options).toEqual(expect.arrayContaining(["--target", "--region", "--dial", "--weight", "--step", "--hold", "--max-error-rate", "--json", "--yes"]));
    for (const option of options) expect(section).toContain(`\`${option}`);
  });

  it.each([
    [["--target", "gcp", "--region", "us-west-2", "--dial", "0"], /--target must be local or aws, got "gcp"/],
    [["--target", "local", "--dial", "0"], /--region is required/],
    [["--target", "local", "--region", "us-west-2", "--dial", "0", "--weight", "0"], /give exactly one of --dial P \(0-100\) and --weight W \(0-255\)/],
    [["--target", "local", "--region", "us-west-2", "--dial", "150"], /--dial must be an integer 0-100, got "150"/],
    [["--target", "local", "--region", "us-west-2", "--dial", "0", "--max-error-rate", "5"], /--max-error-rate must be a fraction 0-1 \(0.01\) or a percentage 0-100 % \(1%\), got "5"/],
    [["--target", "aws", "--region", "us-west-2", "--dial", "0", "--time-scale", "0.1"], /--time-scale applies to --target local only/],
    [["--target", "aws", "--region", "ap-south-1", "--dial", "0", "--yes"], /--region must be one of us-west-2, eu-central-1, got "ap-south-1"/],
    [["--target", "aws", "--region", "us-west-2", "--dial", "0"], /changes your accelerator's endpoint groups; pass --yes to run it without a terminal/],
  ])("%j exits 2: %s", (args, message) => {
    const r = cli(...args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it("refuses --target aws when routing is route53: no accelerator, no dial", () => {
    const file = join(mkdtempSync(join(tmpdir(), "shift-")), "route53.json");
    writeFileSync(file, JSON.stringify({ routing: "route53", domain: { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" } }));
    const r = cliWith(file, "--target", "aws", "--region", "us-west-2", "--dial", "0", "--yes");
    expect(r.stderr).toMatch(/routing is "route53": the stack has no Global Accelerator, so no traffic dial to shift/);
    expect(r.status).toBe(2);
  });
});
