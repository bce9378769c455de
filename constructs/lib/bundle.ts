import { buildSync, type BuildOptions, version as ESBUILD_VERSION } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROJECT_ROOT } from "../../lib/project";

/** The repository root, here for the constructs and tools that bundle (its home is lib/project.ts). */
export { PROJECT_ROOT };

/** Where built bundles are kept between runs. */
export const DEFAULT_BUNDLE_CACHE_DIR = join(PROJECT_ROOT, ".build", "bundle-cache");

/** What a Lambda bundle is built from. */
export interface BundleOptions {
  /** Entry file, relative to the project root (or absolute). @default "functions/get.ts" */
  readonly entry?: string;
  /** Minify the output. @default true */
  readonly minify?: boolean;
  /**
   * Directory of the on-disk bundle cache, shared by every process (synth, jest workers, local);
   * `false` always builds. @default DEFAULT_BUNDLE_CACHE_DIR (".build/bundle-cache")
   */
  readonly cacheDir?: string | false;
}

/** A bundled Lambda handler: one CommonJS file exporting `handler`. */
export interface Bundle {
  /** File name inside the deployment package; the Lambda handler is `index.handler`. */
  readonly fileName: "index.js";
  /** The bundled JavaScript. */
  readonly code: Buffer;
}

/** A bundle and where it came from: the on-disk cache, a fresh build, or a build with the cache off. */
export interface CachedBundle {
  readonly bundle: Bundle;
  readonly cache: "hit" | "built" | "disabled";
}

/** Node.js version the bundle targets; must match the Lambda runtime (nodejs22.x). */
export const BUNDLE_TARGET = "node22";

/**
 * Bundles a handler with esbuild. The AWS SDK is bundled in (see docs/benchmarks.md, "The function"): the version
 * that ships is the version that was tested, and the bundle is independent of the SDK that the
 * managed runtime happens to carry. Memoized per process, and cached on disk across processes
 * (see {@link bundleWithCache}): an unchanged tree skips esbuild's ~0.4 s build.
 */
export function bundleHandler(options: BundleOptions = {}): Bundle {
  const key = `${options.entry ?? "functions/get.ts"}|${options.minify ?? true}|${options.cacheDir ?? DEFAULT_BUNDLE_CACHE_DIR}`;
  const cached = memo.get(key);
  if (cached) return cached;
  const { bundle } = bundleWithCache(options);
  memo.set(key, bundle);
  return bundle;
}

/** One bundle per entry per process: every stack (and every test) in a process shares it. */
const memo = new Map<string, Bundle>();

/** The cache's record of one build: what it was built from, and a digest of the code it produced. */
interface Manifest {
  /** SHA-256 of every input outside node_modules, by absolute path, as esbuild read it. */
  readonly inputs: Record<string, string>;
  /** SHA-256 of package-lock.json + node_modules/.package-lock.json: stands for every input inside node_modules. */
  readonly dependencies: string;
  /** SHA-256 of the cached code, to refuse a damaged cache file. */
  readonly code: string;
}

/**
 * The bundle from the on-disk cache when nothing it was built from has changed, else a fresh build
 * (then cached). Correctness rules:
 * - The cache slot is keyed by entry, build options, esbuild version and tsconfig.json.
 * - A hit needs every project file esbuild read last time (its metafile inputs: the entry and all it
 *   imports outside node_modules) to hash the same, and the lockfiles, which pin every dependency
 *   inside node_modules, to hash the same. An edit that adds an import edits an input, so it misses.
 * - A build is not cached if an input changed while esbuild ran (mtime after the build started).
 * - Files are written then renamed, so parallel processes never read half a file.
 */
export function bundleWithCache(options: BundleOptions = {}): CachedBundle {
  const entry = resolve(PROJECT_ROOT, options.entry ?? "functions/get.ts");
  const buildOptions = esbuildOptions(entry, options.minify ?? true);
  if (options.cacheDir === false) return { bundle: build(buildOptions).bundle, cache: "disabled" };

  const cacheDir = options.cacheDir ?? DEFAULT_BUNDLE_CACHE_DIR;
  const slot = sha256(JSON.stringify({ buildOptions, esbuild: ESBUILD_VERSION, tsconfig: readOptional(join(PROJECT_ROOT, "tsconfig.json")) }));
  const manifestFile = join(cacheDir, `${slot.slice(0, 32)}.json`);
  const codeFile = join(cacheDir, `${slot.slice(0, 32)}.js`);

  const hit = readCached(manifestFile, codeFile);
  if (hit) return { bundle: { fileName: "index.js", code: hit }, cache: "hit" };

  const started = Date.now();
  const { bundle, inputs } = build(buildOptions);
  const hashes: Record<string, string> = {};
  for (const input of inputs) {
    // Edited while esbuild was reading it: the bytes esbuild saw are unknown, so cache nothing.
    if (statSync(input).mtimeMs >= started) return { bundle, cache: "built" };
    hashes[input] = sha256(readFileSync(input));
  }
  const manifest: Manifest = { inputs: hashes, dependencies: dependenciesDigest(), code: sha256(bundle.code) };
  mkdirSync(cacheDir, { recursive: true });
  writeAtomically(codeFile, bundle.code);
  writeAtomically(manifestFile, JSON.stringify(manifest, null, 2));
  return { bundle, cache: "built" };
}

function readCached(manifestFile: string, codeFile: string): Buffer | undefined {
  let manifest: Manifest;
  let code: Buffer;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
    code = readFileSync(codeFile);
  } catch {
    return undefined; // nothing cached yet (or unreadable): build
  }
  if (sha256(code) !== manifest.code || manifest.dependencies !== dependenciesDigest()) return undefined;
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    if (readOptional(file) === undefined || sha256(readFileSync(file)) !== hash) return undefined;
  }
  return code;
}

/** Stands for every bundled file inside node_modules: the lockfile and npm's record of what is installed. */
function dependenciesDigest(): string {
  const lock = readOptional(join(PROJECT_ROOT, "package-lock.json")) ?? "";
  const installed = readOptional(join(PROJECT_ROOT, "node_modules", ".package-lock.json")) ?? "";
  return sha256(`${lock}\0${installed}`);
}

function esbuildOptions(entry: string, minify: boolean): BuildOptions & { entryPoints: string[] } {
  return {
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: "node",
    target: BUNDLE_TARGET,
    format: "cjs",
    minify,
    legalComments: "none",
    write: false,
    logLevel: "silent",
    // Deterministic output: no absolute paths or timestamps end up in the bundle.
    sourcemap: false,
  };
}

/** Builds with esbuild; returns the bundle and the absolute paths of its inputs outside node_modules. */
function build(options: ReturnType<typeof esbuildOptions>): { bundle: Bundle; inputs: string[] } {
  const result = buildSync({ ...options, write: false, metafile: true });
  if (result.outputFiles.length !== 1) {
    throw new Error(`bundling ${options.entryPoints[0]} produced ${result.outputFiles.length} files, expected 1`);
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => !/(^|[/\\])node_modules[/\\]/.test(path))
    .map((path) => resolve(PROJECT_ROOT, path));
  return { bundle: { fileName: "index.js", code: Buffer.from(result.outputFiles[0].contents) }, inputs };
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
