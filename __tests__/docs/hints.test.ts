/**
 * Every hint names the stack. With S3 state (the default) the app has two stacks, and
 * `npx cdktf deploy|diff|destroy` without a stack name fails ("Found more than one stack"): so
 * every such command the programs print, the docs show or `help` lists names one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./support/markdown";

/** Source files whose strings the programs print, and the docs. */
function files(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith(".") || ["node_modules", "cdktf.out", "__tests__", "coverage"].includes(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.(ts|md)$/.test(e.name) || (dir === ROOT && e.name === "help") ? [relative(ROOT, path)] : [];
  });
}

/** `npx cdktf deploy` and its kind, without a stack after it (`… alone` is the docs saying why not). */
const UNNAMED = /npx cdktf (deploy|diff|destroy)(?! (globalapp\b|globalapp-state\b|\$\{|<stack>)|`? alone\b)/g;

describe("hints name the stack", () => {
  const all = files();

  it("reads the programs, the docs and help", () => {
    expect(all).toEqual(expect.arrayContaining(["help", "README.md", "docs/deploying.md", "targets/aws.ts", "shift/aws-target.ts", "drill/main.ts"]));
  });

  it("every `npx cdktf deploy|diff|destroy` names its stack", () => {
    const found = all.flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, i) => [...line.matchAll(UNNAMED)].map(() => `${file}:${i + 1}: ${line.trim()}`)),
    );
    expect(found).toEqual([]);
  });

  it("the drill's and the shift's hint for a stack that is not deployed names it", async () => {
    const { parseStackOutputs, STACK_NAME } = await import("../../targets/aws");
    expect(() => parseStackOutputs({ alb_dns_names: { value: {} } })).toThrow(`deploy the stack first (npx cdktf deploy ${STACK_NAME})`);
  });
});
