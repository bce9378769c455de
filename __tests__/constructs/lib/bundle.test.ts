import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ALBResult } from "aws-lambda";
import { bundleHandler, bundleWithCache, functionBundle } from "../../../constructs/lib/bundle";
import { ConfigError, FUNCTION_WRAPPER } from "../../../model/config";

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

describe("your own function (function.entry) inside the wrapper", () => {
  /** The wrapped bundle's handler, loaded as Lambda loads index.js, with the variables Lambda and the stack set. */
  const load = (code: Buffer) => {
    const mod: { exports: { handler?: (e: unknown, c: unknown) => Promise<ALBResult> } } = { exports: {} };
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: "eu-west-1", TABLE_NAME: "GlobalApp", STATUS: "200" });
    try {
      new Function("module", "exports", "require", code.toString())(mod, mod.exports, require);
    } finally {
      process.env = saved;
    }
    return mod.exports.handler!;
  };
  const event = (path: string) => ({ httpMethod: "GET", path, headers: {}, body: "", isBase64Encoded: false });

  it("bundles your handler inside GlobalApp's wrapper, rebuilding when your files or your own node_modules change", async () => {
    const p = project();
    mkdirSync(join(p.dir, "node_modules", "greeting"), { recursive: true });
    const pkg = p.write("node_modules/greeting/index.js", `exports.greeting = "hello";`);
    p.write("node_modules/greeting/package.json", `{"name":"greeting","main":"index.js"}`);
    p.write("handler.ts", `import { greeting } from "greeting";\nexport async function handler(e: { path: string }) { return { statusCode: 200, body: greeting + " " + e.path }; }`);
    const wrapped = () => bundleWithCache({ entry: p.entry, wrapper: FUNCTION_WRAPPER, cacheDir: p.cacheDir, minify: false });
    const first = wrapped();
    expect(first.cache).toBe("built");
    const answer = await load(first.bundle.code)(event("/notes/1"), { awsRequestId: "r" });
    expect(answer).toMatchObject({ statusCode: 200, body: "hello /notes/1", headers: { "x-served-by-region": "eu-west-1" } });
    expect(wrapped().cache).toBe("hit");
    // Your own dependency is an input: it lives outside the project's node_modules, which the lockfiles stand for.
    writeFileSync(pkg, `exports.greeting = "hej";`);
    utimesSync(pkg, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const changed = wrapped();
    expect(changed.cache).toBe("built");
    expect((await load(changed.bundle.code)(event("/"), { awsRequestId: "r" })).body).toBe("hej /");
    // The unwrapped build of the same entry has a slot of its own.
    expect(bundleWithCache({ entry: p.entry, cacheDir: p.cacheDir, minify: false }).cache).toBe("built");
  });

  describe("refuses, in one line naming function.entry,", () => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-entry-"));
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const refusal = (entry: string): string => {
      try {
        functionBundle({ function: { entry, environment: {}, policyStatements: [], memoryMb: 256, timeoutSeconds: 3, logRetentionDays: 1, multiValueHeaders: false } });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems).toEqual([(err as Error).message]);
        return (err as Error).message;
      }
      throw new Error(`${entry} bundled`);
    };

    it.each<[string, () => string, (entry: string) => RegExp]>([
      ["a missing entry", () => join(dir, "missing.ts"), (e) => new RegExp(`^function\\.entry = "${e}": no such file$`)],
      ["a directory", () => dir, (e) => new RegExp(`^function\\.entry = "${e}": no such file$`)],
      ["a module without handler", () => file("other.ts", "export const other = 1;\n"), () => /: exports no function named handler \(export async function handler\(event, context\) \{ … \}\)$/],
      ["a module without exports", () => file("none.mjs", "console.log(1);\n"), () => /: exports no function named handler .*: it has no exports$/],
      ["a CommonJS module", () => file("cjs.js", "exports.handler = async () => ({ statusCode: 200 });\n"), () => /: is a CommonJS module \(exports\.handler \/ module\.exports\); export the handler as an ES module/],
      ["code that does not parse, quoting esbuild's first error", () => file("broken.ts", "export async function handler( {\n  return 1;\n}\n"), (e) => new RegExp(`: does not bundle: ${e}:2:9: Expected "}" but found "1"$`)],
      ["a relative import that is missing", () => file("rel.ts", 'import { x } from "./nope";\nexport const handler = async () => x;\n'), (e) => new RegExp(`: does not bundle: ${e}:1:18: Could not resolve "\\./nope"$`)],
      ["a package missing from node_modules", () => file("pkg.ts", 'import leftPad from "left-pad-not-installed";\nexport const handler = async () => leftPad;\n'), (e) => new RegExp(`: imports "left-pad-not-installed", which is not in node_modules \\(npm install it\\): ${e}:1:20: Could not resolve`)],
    ])("%s", (_name, make, expected) => {
      const entry = make();
      const message = refusal(entry);
      expect(message).toMatch(new RegExp(`^function\\.entry = ${JSON.stringify(entry).replace(/[.]/g, "\\.")}: `));
      expect(message).toMatch(expected(entry.replace(/[.]/g, "\\.")));
      expect(message).not.toContain("\n");
    });
  });

  it("builds the article's item API without the wrapper, exactly as before", () => {
    const config = { function: { entry: "functions/get.ts", environment: {}, policyStatements: [], memoryMb: 256, timeoutSeconds: 3, logRetentionDays: 1, multiValueHeaders: false } };
    expect(functionBundle(config)).toBe(bundleHandler());
  });
});
