/**
 * One Lambda execution environment: a worker thread with the bundle loaded, like Lambda's runtime
 * (require index.js, call exports.handler), serving one invocation at a time. Loading is bounded by
 * the init timeout and every invocation by the function timeout, counted from its own start; an
 * environment whose invocation timed out, crashed or was cut off is closed, never reused. The pool
 * that scales these is local/region/function-host.ts.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { Worker } from "node:worker_threads";
import { DEFAULT_LIMITS } from "../limits";

// The worker: loads the bundle like Lambda's runtime (require index.js, call exports.handler) and
// runs one invocation per message. The host never sends a second one before the first has answered.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const describe = (err) => String((err && err.stack) || err);
(function main() {
  let handler;
  try {
    handler = require(workerData.file).handler;
    if (typeof handler !== "function") throw new Error("the bundle exports no function named handler");
  } catch (err) {
    parentPort.postMessage({ type: "load-error", error: describe(err) });
    return;
  }
  parentPort.on("message", (msg) => {
    const started = Date.now();
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: workerData.functionName,
      functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:" + workerData.region + ":000000000000:function:" + workerData.functionName,
      memoryLimitInMB: String(workerData.memoryMb),
      awsRequestId: msg.id,
      logGroupName: "/aws/lambda/" + workerData.functionName,
      logStreamName: "local",
      getRemainingTimeInMillis: () => Math.max(0, workerData.timeoutMs - (Date.now() - started)),
      done() {}, fail() {}, succeed() {},
    };
    Promise.resolve()
      .then(() => handler(msg.event, context))
      .then(
        (result) => {
          try {
            parentPort.postMessage({ type: "result", id: msg.id, result });
          } catch (err) {
            parentPort.postMessage({ type: "error", id: msg.id, error: "the result cannot be serialized: " + describe(err) });
          }
        },
        (err) => parentPort.postMessage({ type: "error", id: msg.id, error: describe(err) }),
      );
  });
  parentPort.postMessage({ type: "ready" });
})();
`;

/** What an execution environment needs to know about its function. */
export interface EnvironmentOptions {
  /** The bundle file. */
  readonly file: string;
  /** The function's region (AWS_REGION). */
  readonly region: string;
  /** Function name, for the context and AWS_LAMBDA_FUNCTION_NAME. */
  readonly functionName: string;
  /** The function's timeout, real ms, counted from the start of each invocation. */
  readonly timeoutMs: number;
  /** Memory size reported in the context, MB. @default 256 */
  readonly memoryMb?: number;
  /** Real ms the environment may take to load the bundle. @default 10000 (Lambda's Init limit) */
  readonly initTimeoutMs?: number;
}

/** Why an invocation failed. */
export type InvocationErrorKind =
  /** The function threw, returned something unserializable, crashed, or its bundle failed to load. */
  | "error"
  /** The function ran past its timeout, its environment past the init timeout, or no environment came in time. */
  | "timeout"
  /** The invocations running and waiting already fill the function's concurrency. */
  | "throttled"
  /** The function is stopped (region outage). */
  | "unavailable"
  /** The caller gave up (its signal fired) before the function answered. */
  | "aborted";

/** An invocation that did not produce a result. */
export class InvocationError extends Error {
  constructor(message: string, public readonly kind: InvocationErrorKind) {
    super(message);
    this.name = "InvocationError";
  }
}

/** loading → idle → claimed (handed to an invocation) → busy → idle …; closing once discarded. */
export type EnvironmentState = "loading" | "idle" | "claimed" | "busy" | "closing";

interface Invocation {
  readonly id: string;
  resolve(result: ALBResult): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** One execution environment: a worker thread with the bundle loaded, one invocation at a time. */
export class ExecutionEnvironment {
  /** loading → idle → claimed (handed to an invocation) → busy → idle …; closing once discarded. */
  state: EnvironmentState = "loading";
  /** Resolves once loaded; rejects when loading failed or timed out (the environment is then closed). */
  readonly ready: Promise<void>;
  /** Resolves when the worker thread has exited. */
  readonly exited: Promise<void>;
  private readonly worker: Worker;
  private current?: Invocation;
  private exitReason?: string;

  constructor(
    readonly generation: number,
    readonly variables: Readonly<Record<string, string>>,
    options: EnvironmentOptions,
  ) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: processEnvironment(options, variables),
      workerData: {
        file: options.file,
        region: options.region,
        functionName: options.functionName,
        timeoutMs: options.timeoutMs,
        memoryMb: options.memoryMb ?? 256,
      },
      stdout: false,
      stderr: false,
    });
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
    const initTimeoutMs = options.initTimeoutMs ?? DEFAULT_LIMITS.functionInitTimeoutMs;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new InvocationError(`the execution environment did not finish loading within ${initTimeoutMs / 1000} s (init timeout)`, "timeout"));
        void this.close();
      }, initTimeoutMs);
      this.worker.on("message", (msg: { type: string; id?: string; result?: ALBResult; error?: string }) => {
        if (msg.type === "ready") {
          clearTimeout(timer);
          if (this.state === "loading") this.state = "idle";
          resolve();
        } else if (msg.type === "load-error") {
          clearTimeout(timer);
          reject(new InvocationError(`the function failed to load: ${msg.error}`, "error"));
          void this.close();
        } else if (msg.id !== undefined && msg.id === this.current?.id) {
          const inv = this.finish();
          if (msg.type === "result") inv?.resolve(msg.result as ALBResult);
          else inv?.reject(new InvocationError(msg.error ?? "function error", "error"));
        }
      });
      this.worker.on("error", (err) => {
        // An exception the handler did not catch ends the environment, as it ends Lambda's runtime.
        this.exitReason = `the function crashed: ${(err as Error).message}`;
      });
      this.worker.on("exit", (code) => {
        clearTimeout(timer);
        this.state = "closing";
        const reason = this.exitReason ?? `the execution environment exited (code ${code})`;
        reject(new InvocationError(reason, "unavailable"));
        this.finish()?.reject(new InvocationError(reason, this.exitReason ? "error" : "unavailable"));
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Runs one invocation; the environment must be claimed for it. */
  invoke(id: string, event: ALBEvent, timeoutMs: number): Promise<ALBResult> {
    this.state = "busy";
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.finish();
        reject(new InvocationError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`, "timeout"));
        // Lambda discards an environment after a timeout: the invocation cannot go on in the background.
        void this.close();
      }, timeoutMs);
      this.current = { id, resolve, reject, timer };
      this.worker.postMessage({ id, event });
    });
  }

  /** Ends the worker thread (an invocation in flight is cut off); resolves when it has exited. */
  close(): Promise<void> {
    this.state = "closing";
    void this.worker.terminate();
    return this.exited;
  }

  private finish(): Invocation | undefined {
    const inv = this.current;
    if (!inv) return undefined;
    clearTimeout(inv.timer);
    this.current = undefined;
    if (this.state === "busy") this.state = "idle";
    return inv;
  }
}

/** The worker's `process.env`: the function's variables plus what Lambda's runtime sets. */
function processEnvironment(options: EnvironmentOptions, variables: Readonly<Record<string, string>>): Record<string, string> {
  return {
    // Credentials-free local SDK: any key works with dynalite; no instance-metadata probing.
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_EC2_METADATA_DISABLED: "true",
    // Lambda runs nodejs22.x; a developer's Node 20 would make the SDK print a support notice.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb ?? 256),
    ...variables,
    AWS_REGION: options.region,
  };
}

