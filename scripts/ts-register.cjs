"use strict";
/**
 * The synth runner's TypeScript hook: `node -r ./scripts/ts-register.cjs main.ts`.
 *
 * It only strips types (esbuild's transform, one file at a time) and never type-checks: `tsc
 * --noEmit` does that once in `npm test`. Each transpiled file is cached under
 * .build/ts-cache, keyed by the SHA-256 of its path, its source, tsconfig.json and the esbuild
 * version, so an unchanged tree loads without starting esbuild at all, and any edit recompiles
 * exactly the edited file. Compared with `--import tsx`, it saves tsx's loader worker thread and
 * its ESM hooks (~0.4 s per run on a 2-core machine; see bench/synth.ts).
 *
 * Plain CommonJS on purpose: it has to run before anything can load TypeScript.
 * Stack traces point at the transpiled code unless Node runs with --enable-source-maps.
 */
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const CACHE_DIR = process.env.GLOBALAPP_TS_CACHE || join(ROOT, ".build", "ts-cache");

let salt;
/** What every cache key depends on besides the file itself. */
function cacheSalt() {
  if (salt === undefined) {
    const esbuildVersion = JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
    salt = `esbuild ${esbuildVersion}\n${readFileSync(join(ROOT, "tsconfig.json"), "utf8")}\n`;
  }
  return salt;
}

/** TypeScript source → CommonJS, from the cache or freshly transpiled (then cached atomically). */
function transpile(source, filename) {
  const key = createHash("sha256").update(cacheSalt()).update(filename).update("\0").update(source).digest("hex");
  const cached = join(CACHE_DIR, `${key.slice(0, 40)}.js`);
  try {
    return readFileSync(cached, "utf8");
  } catch {
    // Not cached yet: fall through and transpile.
  }
  const { code } = require("esbuild").transformSync(source, {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: filename,
    sourcemap: "inline",
    tsconfigRaw: readFileSync(join(ROOT, "tsconfig.json"), "utf8"),
  });
  mkdirSync(CACHE_DIR, { recursive: true });
  // Write then rename: concurrent runs (jest workers, parallel synths) never read half a file.
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, cached);
  return code;
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(transpile(readFileSync(filename, "utf8"), filename), filename);
};
