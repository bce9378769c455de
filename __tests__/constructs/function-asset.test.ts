import { Writable } from "node:stream";
import { TerraformStack, Testing } from "cdktf";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FunctionAsset } from "../../constructs/function-asset";
import { bundleHandler } from "../../constructs/lib/bundle";
import { readZip } from "../support/unzip";

function build() {
  const stack = new TerraformStack(Testing.app(), "test");
  const asset = new FunctionAsset(stack, "code");
  return { stack, asset };
}

describe("FunctionAsset", () => {
  it("zips the esbuild bundle as index.js with handler index.handler", () => {
    const { stack, asset } = build();
    const dir = join(Testing.fullSynth(stack), "stacks", "test");
    const entries = readZip(readFileSync(join(dir, asset.path)));
    expect(entries.map((e) => e.name)).toEqual(["index.js"]);
    expect(entries[0].data.equals(bundleHandler().code)).toBe(true);
    expect(asset.handler).toBe("index.handler");
  });
  it("reports the zip's base64 SHA-256 as source_code_hash (what Lambda calls CodeSha256)", () => {
    const { stack, asset } = build();
    const zip = readFileSync(join(Testing.fullSynth(stack), "stacks", "test", asset.path));
    expect(asset.sourceCodeHash).toBe(createHash("sha256").update(zip).digest("base64"));
    expect(asset.zipBytes).toBe(zip.length);
  });
  it("gives the same hash and path for the same source (no spurious redeploys)", () => {
    const a = build().asset;
    const b = build().asset;
    expect(a.sourceCodeHash).toBe(b.sourceCodeHash);
    expect(a.path).toBe(b.path);
  });
  it("bundles a CommonJS module that exports handler", () => {
    const mod: { exports: Record<string, unknown> } = { exports: {} };
    // Loaded without the function's environment, it logs "invalid configuration" at start-up (as it
    // would in Lambda); its output goes to a sink here, not into the test run's output.
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    });
    const ownProcess = new Proxy(process, { get: (target, prop) => (prop === "stdout" || prop === "stderr" ? sink : Reflect.get(target, prop)) });
    const ownRequire = (id: string): unknown => (id === "node:process" || id === "process" ? ownProcess : require(id));
    new Function("module", "exports", "require", "process", bundleHandler().code.toString())(mod, mod.exports, ownRequire, ownProcess);
    expect(typeof mod.exports.handler).toBe("function");
    expect(written.join("")).toMatch(/"message":"invalid configuration"/);
  });
});
