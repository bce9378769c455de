/**
 * The project runs on Node.js 20 (package.json `engines`), and so must every AWS SDK package it
 * installs. The SDK's releases from the first week of January 2027 require Node 22 (its own
 * NodeVersionSupportWarning says so); the SDK clients are pinned exactly to November 2026 releases
 * that still declare `node >= 20` (docs/testing.md, "Quiet output"). A bump across that line —
 * a dependabot pull request, say — fails here instead of on a user's Node 20.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/project";

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly engines?: { readonly node?: string };
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Manifest;
const project = read(join(PROJECT_ROOT, "package.json"));

/** The lowest Node major a `>=N…` engines range admits (the SDK's ranges are all of that form). */
function lowestNodeMajor(range: string): number {
  const m = /^>=\s*v?(\d+)(?:\.\d+){0,2}$/.exec(range.trim());
  if (!m) throw new Error(`unexpected engines.node range "${range}"`);
  return Number(m[1]);
}

/** Every installed package of `scope` (top-level node_modules). */
function installed(scope: string): Manifest[] {
  const dir = join(PROJECT_ROOT, "node_modules", scope);
  return readdirSync(dir).map((name) => read(join(dir, name, "package.json")));
}

describe("Node.js 20 and the AWS SDK", () => {
  it("the project declares Node 20 as its lowest version", () => {
    expect(lowestNodeMajor(project.engines!.node!)).toBe(20);
  });

  it("every AWS SDK client is pinned to one exact version", () => {
    const pins = Object.entries({ ...project.dependencies, ...project.devDependencies }).filter(([name]) => name.startsWith("@aws-sdk/"));
    expect(pins.length).toBeGreaterThan(0);
    for (const [name, version] of pins) expect({ name, version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it.each(["@aws-sdk", "@smithy"])("every installed %s package admits Node 20", (scope) => {
    const packages = installed(scope);
    expect(packages.length).toBeGreaterThan(0);
    const tooNew = packages.filter((p) => lowestNodeMajor(p.engines?.node ?? ">=0") > 20).map((p) => `${p.name}@${p.version} needs ${p.engines!.node}`);
    expect(tooNew).toEqual([]);
  });

  it("lowestNodeMajor reads the SDK's ranges and refuses others", () => {
    expect(lowestNodeMajor(">=20.0.0")).toBe(20);
    expect(lowestNodeMajor(">= 22")).toBe(22);
    expect(() => lowestNodeMajor("^20 || ^22")).toThrow(/unexpected engines.node range/);
  });
});
