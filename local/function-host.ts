/**
 * Runs the shipped Lambda bundle for one region in a worker thread of its own, as one Lambda
 * function: its own `process.env` (AWS_REGION, TABLE_NAME, STATUS, …), its own module instance and
 * SDK clients, invoked with an event and a context that counts down the function's timeout.
 *
 * Changing the environment behaves like `UpdateFunctionConfiguration`: a new execution environment
 * (a fresh worker, cold start included) takes the new invocations once it has loaded; the old one
 * finishes what it is doing and is discarded. No invocation is dropped by the change.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { bundleHandler, PROJECT_ROOT } from "../constructs/lib/bundle";

/** Writes the shipped bundle (constructs/lib/bundle.ts, the bytes in the Lambda zip) to .build/local; returns its path. */
export function writeBundle(): string {
  const code = bundleHandler().code;
  const dir = join(PROJECT_ROOT, ".build", "local", createHash("sha256").update(code).digest("hex").slice(0, 16));
  const file = join(dir, "index.js");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Write then rename: another process starting at the same time never loads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return file;
}

// The worker: loads the bundle like Lambda's runtime (require index.js, call exports.handler).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { handler } = require(workerData.file);
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
      (result) => parentPort.postMessage({ id: msg.id, result }),
      (err) => parentPort.postMessage({ id: msg.id, error: String((err && err.stack) || err) }),
    );
});
parentPort.postMessage({ ready: true });
`;

/** Settings of a {@link FunctionHost}. */
export interface FunctionHostOptions {
  /** The bundle file, from {@link writeBundle}. */
  readonly file: string;
  /** The function's region (AWS_REGION). */
  readonly region: string;
  /** Function name, for the context and AWS_LAMBDA_FUNCTION_NAME. */
  readonly functionName: string;
  /** Environment variables of the function (TABLE_NAME, STATUS, …); AWS_REGION and credentials are added. */
  readonly env: Readonly<Record<string, string>>;
  /** The function's timeout, real ms: an invocation still running then fails (the ALB answers 502). */
  readonly timeoutMs: number;
  /** Memory size reported in the context, MB. @default 256 */
  readonly memoryMb?: number;
}

/** Why an invocation failed: the function threw, timed out, or no environment could run it. */
export class InvocationError extends Error {
  constructor(message: string, public readonly kind: "error" | "timeout" | "unavailable") {
    super(message);
    this.name = "InvocationError";
  }
}

interface Pending {
  resolve(result: ALBResult): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** One execution environment: a worker thread with the bundle loaded. */
class Environment {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private readonly pending = new Map<string, Pending>();
  private alive = true;
  private drained?: () => void;

  constructor(options: FunctionHostOptions, env: Record<string, string>) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env,
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
    this.ready = new Promise((resolve, reject) => {
      this.worker.once("error", reject);
      this.worker.once("exit", (code) => reject(new InvocationError(`function environment exited with ${code} while loading`, "unavailable")));
      this.worker.once("message", () => resolve());
    });
    this.ready.catch(() => undefined);
    this.worker.on("message", (msg: { id?: string; result?: ALBResult; error?: string }) => {
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.settle(msg.id);
      if (msg.error !== undefined) p.reject(new InvocationError(msg.error, "error"));
      else p.resolve(msg.result as ALBResult);
    });
    this.worker.on("error", () => undefined);
    this.worker.on("exit", () => {
      this.alive = false;
      for (const [id, p] of this.pending) {
        this.settle(id);
        p.reject(new InvocationError("function environment ended", "unavailable"));
      }
    });
  }

  get isAlive(): boolean {
    return this.alive;
  }

  invoke(id: string, event: ALBEvent, timeoutMs: number): Promise<ALBResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id);
        reject(new InvocationError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`, "timeout"));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, event });
    });
  }

  /** Resolves when no invocation is in flight. */
  drain(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  async terminate(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }

  private settle(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.drained?.();
  }
}

/** A local Lambda function: invoke, change its environment, stop and start it. */
export class FunctionHost {
  private current?: Environment;
  private env: Record<string, string>;
  private seq = 0;
  private running = false;

  constructor(private readonly options: FunctionHostOptions) {
    this.env = { ...options.env };
  }

  /** The function's own environment variables (as `GetFunctionConfiguration` would list them). */
  get variables(): Readonly<Record<string, string>> {
    return { ...this.env };
  }

  /** True between start and stop. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Starts an execution environment and waits until the bundle has loaded. */
  async start(): Promise<void> {
    if (this.running) return;
    const next = this.spawn();
    await next.ready;
    this.current = next;
    this.running = true;
  }

  /** Invokes the function. @throws InvocationError */
  async invoke(event: ALBEvent): Promise<ALBResult> {
    if (!this.running) throw new InvocationError("function is stopped", "unavailable");
    // An environment that crashed is replaced on the next invocation, as Lambda does.
    if (!this.current?.isAlive) {
      this.current = this.spawn();
    }
    const env = this.current;
    await env.ready;
    return env.invoke(`${this.options.functionName}-${++this.seq}`, event, this.options.timeoutMs);
  }

  /**
   * Replaces the environment variables given (others are kept), like UpdateFunctionConfiguration:
   * resolves once a new environment with them has loaded and takes the new invocations.
   */
  async updateEnvironment(changes: Readonly<Record<string, string>>): Promise<void> {
    this.env = { ...this.env, ...changes };
    if (!this.running) return;
    const next = this.spawn();
    await next.ready;
    const old = this.current;
    this.current = next;
    if (old) void old.drain().then(() => old.terminate());
  }

  /** Ends every environment at once (in-flight invocations fail). */
  async stop(): Promise<void> {
    this.running = false;
    const old = this.current;
    this.current = undefined;
    await old?.terminate();
  }

  private spawn(): Environment {
    return new Environment(this.options, {
      // Credentials-free local SDK: any key works with dynalite; no instance-metadata probing.
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_EC2_METADATA_DISABLED: "true",
      // Lambda runs nodejs22.x; a developer's Node 20 would make the SDK print a support notice.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      AWS_LAMBDA_FUNCTION_NAME: this.options.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.options.memoryMb ?? 256),
      ...this.env,
      AWS_REGION: this.options.region,
    });
  }
}
