/**
 * Loads the bundled handler (the bytes that ship in the Lambda zip) with its own environment.
 *
 * The SDK reads some variables per request (endpoint, credentials), not only at load, so each loaded
 * copy gets a private `process` whose `env` is the given set: several copies with different endpoints
 * can live in one test file without stepping on each other.
 */
import { Console } from "node:console";
import type { ALBEvent, ALBResult, Context } from "aws-lambda";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Writable } from "node:stream";
import { runInThisContext } from "node:vm";
import { bundleHandler } from "../../../constructs/lib/bundle";
import { PROJECT_ROOT } from "../../../lib/project";

export type Handler = (event: ALBEvent, context?: Context) => Promise<ALBResult>;

const sources = new Map<string, string>();

/** The shipped bundle's source (of `entry`, default the item API; inside `wrapper` when given), built once per test file. */
export function bundleSource(entry = "functions/get.ts", wrapper?: string): string {
  const key = `${entry}|${wrapper ?? ""}`;
  let code = sources.get(key);
  if (code === undefined) {
    code = bundleHandler({ entry, wrapper }).code.toString("utf8");
    sources.set(key, code);
  }
  return code;
}

/** Env every loaded copy starts from: fake credentials, silent logs, a valid configuration. */
export const BASE_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: "eu-central-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  TABLE_NAME: "GlobalApp",
  STATUS: "200",
  POWERTOOLS_LOG_LEVEL: "SILENT",
  // The tests run on the dev machine's Node (Lambda runs nodejs22.x): skip the SDK's old-Node notice.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

/** A stdout for a loaded copy that keeps every line written to it (EMF metrics and JSON logs). */
export interface CapturedStdout {
  readonly stream: Writable;
  /** Complete lines written so far, in order. */
  readonly lines: string[];
}

/** A Writable that splits what is written into lines, as Lambda's log capture does. */
export function captureStdout(): CapturedStdout {
  const lines: string[] = [];
  let partial = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts);
      done();
    },
  });
  return { stream, lines };
}

/**
 * Evaluates a fresh copy of the bundle as a CommonJS module whose `process.env` is `env` (merged over
 * {@link BASE_ENV}; a key set to undefined is removed). Returns its `handler`. With `stdout`, the copy's
 * `process.stdout` (where Powertools writes logs and EMF metrics) is that stream instead of the test's;
 * with `stderr`, its `process.stderr` (Powertools' warnings and errors).
 */
export function loadBundledHandler(env: Record<string, string | undefined> = {}, options: { stdout?: Writable } = {}): Handler {
  return loadBundle<Handler>("functions/get.ts", env, options);
}

/**
 * {@link loadBundledHandler} for any bundled entry (e.g. the tear-down function, or your own function
 * inside `options.wrapper`): its `handler`.
 */
export function loadBundle<H>(
  entry: string,
  env: Record<string, string | undefined> = {},
  options: { stdout?: Writable; stderr?: Writable; wrapper?: string } = {},
): H {
  const ownEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...BASE_ENV, ...env })) if (v !== undefined) ownEnv[k] = v;
  const ownProcess = new Proxy(process, {
    get: (target, prop) =>
      prop === "env" ? ownEnv : prop === "stdout" && options.stdout ? options.stdout : prop === "stderr" && options.stderr ? options.stderr : Reflect.get(target, prop),
  });
  const file = join(PROJECT_ROOT, ".build", "test-bundle", "index.js");
  const realRequire = createRequire(file);
  const ownRequire = (id: string): unknown => (id === "node:process" || id === "process" ? ownProcess : realRequire(id));
  // The bundle's console writes where its process does (a test's captured stdout, say).
  const ownConsole = options.stdout ? new Console(options.stdout, options.stderr ?? options.stdout) : console;
  const module = { exports: {} as { handler?: H } };
  // runInThisContext, not new Function: jest runs tests in a vm context of its own, and errors raised
  // by Node's net module (ECONNREFUSED, …) must be instances of the same Error as the bundle's, as in Lambda.
  const evaluate = runInThisContext(
    `(function (exports, require, module, __filename, __dirname, process, console) {${bundleSource(entry, options.wrapper)}\n})`,
    { filename: file },
  ) as (...args: unknown[]) => void;
  evaluate(module.exports, ownRequire, module, file, join(file, ".."), ownProcess, ownConsole);
  if (typeof module.exports.handler !== "function") throw new Error("the bundle does not export handler");
  return module.exports.handler;
}
