import { buildSync } from "esbuild";
import { resolve } from "node:path";

/** The repository root (where package.json and functions/ live). */
export const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** What a Lambda bundle is built from. */
export interface BundleOptions {
  /** Entry file, relative to the project root. @default "functions/get.ts" */
  readonly entry?: string;
  /** Minify the output. @default true */
  readonly minify?: boolean;
}

/** A bundled Lambda handler: one CommonJS file exporting `handler`. */
export interface Bundle {
  /** File name inside the deployment package; the Lambda handler is `index.handler`. */
  readonly fileName: "index.js";
  /** The bundled JavaScript. */
  readonly code: Buffer;
}

/** Node.js version the bundle targets; must match the Lambda runtime (nodejs22.x). */
export const BUNDLE_TARGET = "node22";

/**
 * Bundles a handler with esbuild, in memory. The AWS SDK is bundled in (see README, "Bundling"):
 * the version that ships is the version that was tested, and the bundle is independent of the
 * SDK that the managed runtime happens to carry.
 */
export function bundleHandler(options: BundleOptions = {}): Bundle {
  const key = `${options.entry ?? "functions/get.ts"}|${options.minify ?? true}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const bundle = build(options);
  cache.set(key, bundle);
  return bundle;
}

/** One build per entry per process: every stack (and every test) in a process shares it. */
const cache = new Map<string, Bundle>();

function build(options: BundleOptions): Bundle {
  const result = buildSync({
    entryPoints: [resolve(PROJECT_ROOT, options.entry ?? "functions/get.ts")],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: "node",
    target: BUNDLE_TARGET,
    format: "cjs",
    minify: options.minify ?? true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
    // Deterministic output: no absolute paths or timestamps end up in the bundle.
    sourcemap: false,
    metafile: false,
  });
  if (result.outputFiles.length !== 1) {
    throw new Error(`bundling ${options.entry ?? "functions/get.ts"} produced ${result.outputFiles.length} files, expected 1`);
  }
  return { fileName: "index.js", code: Buffer.from(result.outputFiles[0].contents) };
}
