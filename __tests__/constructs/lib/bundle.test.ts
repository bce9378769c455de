import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleHandler, bundleWithCache } from "../../../constructs/lib/bundle";

/**
 * The on-disk bundle cache: same inputs → the cached bytes; any change to a file the bundle was
 * built from → a rebuild. Each test works on its own handler in a temp dir with its own cache dir.
 */
function project() {
  const dir = mkdtempSync(join(tmpdir(), "globalapp-bundle-"));
  const cacheDir = join(dir, "cache");
  const entry = join(dir, "handler.ts");
  /** Writes a source file dated a minute ago: an edit made before the build, as in real use. */
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    return file;
  };
  const bundle = () => bundleWithCache({ entry, cacheDir, minify: false });
  return { dir, cacheDir, entry, write, bundle };
}

const run = (code: Buffer): unknown => {
  const mod: { exports: { handler?: () => unknown } } = { exports: {} };
  new Function("module", "exports", "require", code.toString())(mod, mod.exports, require);
  return mod.exports.handler?.();
};

describe("bundleWithCache", () => {
  it("builds on first use, then returns the identical bytes from the cache", () => {
    const p = project();
    p.write("handler.ts", `export const handler = (): string => "v1";`);
    const first = p.bundle();
    const second = p.bundle();
    expect(first.cache).toBe("built");
    expect(second.cache).toBe("hit");
    expect(second.bundle.code.equals(first.bundle.code)).toBe(true);
    expect(run(second.bundle.code)).toBe("v1");
  });

  it("rebuilds when the entry changes, then caches the new build", () => {
    const p = project();
    p.write("handler.ts", `export const handler = (): string => "v1";`);
    p.bundle();
    p.write("handler.ts", `export const handler = (): string => "v2";`);
    const changed = p.bundle();
    expect(changed.cache).toBe("built");
    expect(run(changed.bundle.code)).toBe("v2");
    expect(p.bundle().cache).toBe("hit");
  });

  it("rebuilds when a file the entry imports changes, not only the entry", () => {
    const p = project();
    p.write("lib.ts", `export const word = "old";`);
    p.write("handler.ts", `import { word } from "./lib";\nexport const handler = (): string => word;`);
    expect(run(p.bundle().bundle.code)).toBe("old");
    p.write("lib.ts", `export const word = "new";`);
    const changed = p.bundle();
    expect(changed.cache).toBe("built");
    expect(run(changed.bundle.code)).toBe("new");
  });

  it("tracks a newly imported file from the build that added the import on", () => {
    const p = project();
    p.write("handler.ts", `export const handler = (): string => "plain";`);
    p.bundle();
    p.write("extra.ts", `export const extra = "a";`);
    p.write("handler.ts", `import { extra } from "./extra";\nexport const handler = (): string => extra;`);
    expect(run(p.bundle().bundle.code)).toBe("a");
    p.write("extra.ts", `export const extra = "b";`);
    const changed = p.bundle();
    expect(changed.cache).toBe("built");
    expect(run(changed.bundle.code)).toBe("b");
  });

  it("ignores files the bundle does not import", () => {
    const p = project();
    p.write("handler.ts", `export const handler = (): string => "v1";`);
    p.bundle();
    p.write("unrelated.ts", `export const x = 1;`);
    expect(p.bundle().cache).toBe("hit");
  });

  it("rebuilds when the cached code file is damaged", () => {
    const p = project();
    p.write("handler.ts", `export const handler = (): string => "v1";`);
    p.bundle();
    const codeFile = readdirSync(p.cacheDir).find((f) => f.endsWith(".js"));
    writeFileSync(join(p.cacheDir, codeFile as string), "garbage");
    const again = p.bundle();
    expect(again.cache).toBe("built");
    expect(run(again.bundle.code)).toBe("v1");
  });

  it("does not cache a build whose input was modified after the build started", () => {
    const p = project();
    const file = p.write("handler.ts", `export const handler = (): string => "v1";`);
    const future = new Date(Date.now() + 60_000);
    utimesSync(file, future, future);
    expect(p.bundle().cache).toBe("built");
    expect(p.bundle().cache).toBe("built");
  });

  it("keeps separate cache slots for minified and readable builds", () => {
    const p = project();
    p.write("handler.ts", `export const handler = (): string => "v1";`);
    const readable = bundleWithCache({ entry: p.entry, cacheDir: p.cacheDir, minify: false });
    const minified = bundleWithCache({ entry: p.entry, cacheDir: p.cacheDir, minify: true });
    expect(minified.cache).toBe("built");
    expect(minified.bundle.code.length).toBeLessThan(readable.bundle.code.length);
    expect(bundleWithCache({ entry: p.entry, cacheDir: p.cacheDir, minify: true }).cache).toBe("hit");
  });

  it("always builds with the cache off", () => {
    const p = project();
    p.write("handler.ts", `export const handler = (): string => "v1";`);
    expect(bundleWithCache({ entry: p.entry, cacheDir: false }).cache).toBe("disabled");
    expect(bundleWithCache({ entry: p.entry, cacheDir: false }).cache).toBe("disabled");
  });
});

describe("bundleHandler", () => {
  it("ships exactly what an uncached build of functions/get.ts produces", () => {
    const cached = bundleHandler();
    expect(cached.fileName).toBe("index.js");
    expect(cached.code.equals(bundleWithCache({ cacheDir: false }).bundle.code)).toBe(true);
  });
  it("memoizes per process: the same Bundle object for the same options", () => {
    expect(bundleHandler()).toBe(bundleHandler());
  });
});
