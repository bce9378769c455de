import { buildSync, type BuildFailure, type BuildOptions, type Message, version as ESBUILD_VERSION } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { PROJECT_ROOT } from "../../lib/project";
import { type AppConfig, ConfigError, FUNCTION_WRAPPER, ownFunctionEntry } from "../../model/config";

/** The repository root, here for the constructs and tools that bundle (its home is lib/project.ts). */
export { PROJECT_ROOT };

/** Where built bundles are kept between runs. */
export const DEFAULT_BUNDLE_CACHE_DIR = join(PROJECT_ROOT, ".build", "bundle-cache");

/** What a Lambda bundle is built from. */
export interface BundleOptions {
  /** Entry file, relative to the project root (or absolute). @default "functions/get.ts" */
  readonly entry?: string;
  /**
   * A module exporting `wrap(handler)`, relative to the project root: the bundle's handler is then
   * `wrap(<entry's handler>)` (functions/wrapper.ts around your own function). The entry must be an
   * ES module that exports `handler`. @default none: the entry's own `handler`
   */
  readonly wrapper?: string;
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
  const key = `${options.entry ?? "functions/get.ts"}|${options.wrapper ?? ""}|${options.minify ?? true}|${options.cacheDir ?? DEFAULT_BUNDLE_CACHE_DIR}`;
  const cached = memo.get(key);
  if (cached) return cached;
  const { bundle } = bundleWithCache(options);
  memo.set(key, bundle);
  return bundle;
}

/**
 * The config's function: the article's item API, or your own `function.entry` with the wrapper around
 * it (functions/wrapper.ts). Shared by the stack and the local system, so both run the same bytes.
 * @throws ConfigError, one line naming `function.entry`, when your entry is missing, exports no
 *   `handler`, is CommonJS, imports a package that is not installed, or does not bundle
 */
export function functionBundle(config: Pick<AppConfig, "function">): Bundle {
  const entry = ownFunctionEntry(config);
  if (entry === undefined) return bundleHandler({ entry: config.function.entry });
  try {
    return bundleHandler({ entry, wrapper: FUNCTION_WRAPPER });
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    const line = `function.entry = ${JSON.stringify(entry)}: ${err.message}`;
    throw new ConfigError(line, [line]);
  }
}

/** One bundle per entry per process: every stack (and every test) in a process shares it. */
const memo = new Map<string, Bundle>();

/** The cache's record of one build: what it was built from, and a digest of the code it produced. */
interface Manifest {
  /** SHA-256 of every input outside the project's node_modules (your own function's files and packages included), by absolute path, as esbuild read it. */
  readonly inputs: Record<string, string>;
  /** SHA-256 of package-lock.json + node_modules/.package-lock.json: stands for every input inside node_modules. */
  readonly dependencies: string;
  /** SHA-256 of the cached code, to refuse a damaged cache file. */
  readonly code: string;
}

/**
 * The bundle from the on-disk cache when nothing it was built from has changed, else a fresh build
 * (then cached). Correctness rules:
 * - The cache slot is keyed by entry, wrapper, build options, esbuild version and tsconfig.json.
 * - A hit needs every file esbuild read last time (its metafile inputs: the entry and all it imports,
 *   your own function's files and any node_modules of its own included) to hash the same, and the
 *   lockfiles, which pin every dependency inside the project's node_modules, to hash the same. An
 *   edit that adds an import edits an input, so it misses.
 * - A build is not cached if an input changed while esbuild ran (mtime after the build started).
 * - Files are written then renamed, so parallel processes never read half a file.
 */
export function bundleWithCache(options: BundleOptions = {}): CachedBundle {
  const entry = resolve(PROJECT_ROOT, options.entry ?? "functions/get.ts");
  const buildOptions = esbuildOptions(entry, options.wrapper, options.minify ?? true);
  if (options.cacheDir === false) return { bundle: build(buildOptions, entry).bundle, cache: "disabled" };

  const cacheDir = options.cacheDir ?? DEFAULT_BUNDLE_CACHE_DIR;
  const slot = sha256(JSON.stringify({ buildOptions, esbuild: ESBUILD_VERSION, tsconfig: readOptional(join(PROJECT_ROOT, "tsconfig.json")) }));
  const manifestFile = join(cacheDir, `${slot.slice(0, 32)}.json`);
  const codeFile = join(cacheDir, `${slot.slice(0, 32)}.js`);

  const hit = readCached(manifestFile, codeFile);
  if (hit) return { bundle: { fileName: "index.js", code: hit }, cache: "hit" };

  const started = Date.now();
  const { bundle, inputs } = build(buildOptions, entry);
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

/** The name esbuild gives the generated entry that wraps your handler (never a file on disk). */
const WRAPPED_ENTRY = "<globalapp: wrapper around function.entry>";

/** An import specifier for `file` from the project root: relative inside it, absolute outside. */
function specifier(file: string): string {
  const rel = relative(PROJECT_ROOT, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : `./${rel.split(sep).join("/")}`;
}

type EsbuildOptions = BuildOptions & ({ entryPoints: string[] } | { stdin: NonNullable<BuildOptions["stdin"]> });

function esbuildOptions(entry: string, wrapper: string | undefined, minify: boolean): EsbuildOptions {
  const common: BuildOptions = {
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
  if (wrapper === undefined) return { ...common, entryPoints: [entry] };
  // A named import: esbuild refuses an ES module without a `handler` export at build time.
  const contents = [
    `import { handler as own } from ${JSON.stringify(specifier(entry))};`,
    `import { wrap } from ${JSON.stringify(specifier(resolve(PROJECT_ROOT, wrapper)))};`,
    "export const handler = wrap(own);",
  ].join("\n");
  return { ...common, stdin: { contents, resolveDir: PROJECT_ROOT, sourcefile: WRAPPED_ENTRY, loader: "ts" } };
}

/** Why a bundle could not be built: esbuild's first error, and what kind of problem it is. */
export class BundleError extends Error {
  constructor(
    /** One line: esbuild's first error with its place (`file:line:column: text`), or what is wrong with the entry. */
    message: string,
    /**
     * `missing-entry`: no such file. `cjs-entry`: a CommonJS entry, whose exports cannot be checked
     * before it runs. `no-handler`: the entry exports no `handler`. `missing-package`: an import of a
     * package that is not in node_modules. `build`: any other esbuild error.
     */
    public readonly kind: "missing-entry" | "cjs-entry" | "no-handler" | "missing-package" | "build",
  ) {
    super(message);
    this.name = "BundleError";
  }
}

/** `file:line:column: text` of an esbuild message, the file relative to the project when it is inside it. */
function place(m: Message): string {
  const loc = m.location;
  if (!loc) return m.text;
  const file = resolve(PROJECT_ROOT, loc.file);
  const shown = relative(PROJECT_ROOT, file).startsWith("..") ? file : loc.file;
  return `${shown}:${loc.line}:${loc.column}: ${m.text}`;
}

const NO_HANDLER = "exports no function named handler (export async function handler(event, context) { … })";

/** esbuild's first error as a BundleError (or a warning that means the same as one, for the wrapped entry). */
function bundleError(first: Message): BundleError {
  const missing = /^Could not resolve "([^"]+)"/.exec(first.text);
  if (first.location?.file === WRAPPED_ENTRY && /^No matching export .* for import "handler"/.test(first.text)) {
    return new BundleError(NO_HANDLER, "no-handler");
  }
  if (first.location?.file === WRAPPED_ENTRY && /^Import "handler" will always be undefined/.test(first.text)) {
    return new BundleError(`${NO_HANDLER}: it has no exports`, "no-handler");
  }
  if (missing && first.location?.file !== WRAPPED_ENTRY && !/^[./]/.test(missing[1]) && !isAbsolute(missing[1])) {
    return new BundleError(`imports "${missing[1]}", which is not in node_modules (npm install it): ${place(first)}`, "missing-package");
  }
  return new BundleError(`does not bundle: ${place(first)}`, "build");
}

/**
 * Builds with esbuild; returns the bundle and the absolute paths of its inputs outside the project's
 * node_modules (which the lockfiles stand for).
 * @throws BundleError with esbuild's first error
 */
function build(options: EsbuildOptions, entry: string): { bundle: Bundle; inputs: string[] } {
  if (!isFile(entry)) throw new BundleError("no such file", "missing-entry");
  let result;
  try {
    result = buildSync({ ...options, write: false, metafile: true });
  } catch (err) {
    const first = (err as BuildFailure).errors?.[0];
    if (!first) throw err;
    throw bundleError(first);
  }
  if ("stdin" in options) {
    const undefinedHandler = result.warnings.find((w) => w.location?.file === WRAPPED_ENTRY && /"handler"/.test(w.text));
    if (undefinedHandler) throw bundleError(undefinedHandler);
    const own = result.metafile.inputs[relative(PROJECT_ROOT, entry).split(sep).join("/")];
    // A CommonJS module's exports exist only once it runs: refuse it rather than find out in Lambda.
    if (own?.format === "cjs") {
      throw new BundleError('is a CommonJS module (exports.handler / module.exports); export the handler as an ES module: "export async function handler(event, context)"', "cjs-entry");
    }
  }
  if (result.outputFiles.length !== 1) {
    throw new Error(`bundling ${entry} produced ${result.outputFiles.length} files, expected 1`);
  }
  const dependencies = join(PROJECT_ROOT, "node_modules") + sep;
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => path !== WRAPPED_ENTRY)
    .map((path) => resolve(PROJECT_ROOT, path))
    .filter((path) => !path.startsWith(dependencies));
  return { bundle: { fileName: "index.js", code: Buffer.from(result.outputFiles[0].contents) }, inputs };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
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
