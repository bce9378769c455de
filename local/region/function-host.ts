/**
 * Runs the shipped Lambda bundle for one region as one Lambda function: a pool of execution
 * environments, each a worker thread of its own with its own `process.env` (AWS_REGION, TABLE_NAME,
 * STATUS, …), its own module instance and SDK clients, serving **one invocation at a time**, as
 * Lambda's execution environments do.
 *
 * - Scaling: an invocation takes an idle environment; when there is none it waits for one and a new
 *   environment is started (a cold start), up to `concurrency` environments. It gets whichever comes
 *   first, the new one or one that finished its invocation; at most one cold start per CPU core runs
 *   at once, so a burst does not starve the environments already serving (on AWS each has a CPU of
 *   its own). When the invocations running and waiting already fill `concurrency`, a new one is
 *   throttled at once, not queued (as Lambda throttles synchronous invocations).
 * - Timeouts: loading an environment is bounded by `initTimeoutMs` (Lambda's 10 s Init limit), and
 *   so is the wait for one; the function timeout starts when the invocation starts in its
 *   environment, never while it waited. An environment whose invocation timed out is discarded
 *   (Lambda resets it), so the timed-out invocation can never finish later.
 * - Changing the environment behaves like `UpdateFunctionConfiguration`: a new environment with the
 *   new variables loads while the old ones keep serving; once it has loaded it takes every new
 *   invocation, and the old ones are discarded as soon as they are idle. No invocation is dropped.
 *
 * Lifecycle operations (start, stop, environment changes) run one at a time, in call order.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { join } from "node:path";
import { type Bundle, bundleHandler } from "../../constructs/lib/bundle";
import { PROJECT_ROOT } from "../../lib/project";
import { type EnvironmentOptions, type EnvironmentState, ExecutionEnvironment, InvocationError } from "./execution-environment";
import { DEFAULT_LIMITS } from "../limits";
import { SerialQueue } from "../runtime/serial-queue";

export { InvocationError, type InvocationErrorKind } from "./execution-environment";

/**
 * Writes a shipped bundle (constructs/lib/bundle.ts, the bytes in the Lambda zip: the item API's, or
 * the config's own function with functionBundle) to .build/local; returns its path.
 */
export function writeBundle(bundle: Bundle = bundleHandler()): string {
  const code = bundle.code;
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

/** Settings of a {@link FunctionHost}. */
export interface FunctionHostOptions extends EnvironmentOptions {
  /** Environment variables of the function (TABLE_NAME, STATUS, …); AWS_REGION and credentials are added. */
  readonly env: Readonly<Record<string, string>>;
  /** Most execution environments at once (the function's concurrency). @default 1 */
  readonly concurrency?: number;
  /** Also the longest an invocation waits for an environment (see EnvironmentOptions). */
  readonly initTimeoutMs?: number;
  /** Cold starts at once. @default the machine's CPU cores (at least 2) */
  readonly parallelLoads?: number;
  /**
   * Real ms every invocation but a health check (`priority`) holds its execution environment at
   * least: a function's duration, emulated (the capacity model's `capacity.functionMilliseconds`).
   * A handler that answers sooner waits out the rest before its answer is
   * returned, as a slower function would. Locally a handler answers in about a millisecond of real
   * time, so without it the concurrency a load needs depends on the machine, not on the function.
   * @default 0 (as long as the handler takes)
   */
  readonly minDurationMs?: number;
}

/** Counts since the host was created. */
export interface FunctionMetrics {
  /** Invocations that started in an environment. */
  invocations: number;
  /** Invocations that had to wait for an environment. */
  waited: number;
  /** Environments started (cold starts), including the ones start and environment changes start. */
  coldStarts: number;
  throttles: number;
  timeouts: number;
  /** Function errors, crashes and failed loads. */
  errors: number;
}

/** The pool right now. */
export interface EnvironmentCounts {
  /** Worker threads that have not exited yet (loading, idle, busy or being shut down). */
  readonly live: number;
  readonly busy: number;
  readonly idle: number;
  readonly loading: number;
  /** Invocations waiting for an environment. */
  readonly waiting: number;
  /** The most environments at once. */
  readonly concurrency: number;
}

/** An invocation waiting for an execution environment. */
interface Waiter {
  resolve(env: ExecutionEnvironment): void;
  reject(err: InvocationError): void;
}

/** A local Lambda function: invoke it, change its environment, stop and start it. */
export class FunctionHost {
  /** Counts since creation. */
  readonly metrics: FunctionMetrics = { invocations: 0, waited: 0, coldStarts: 0, throttles: 0, timeouts: 0, errors: 0 };
  private readonly pool = new Set<ExecutionEnvironment>();
  /** Environments started by start/updateEnvironment: handed out only once the change has applied. */
  private readonly held = new Set<ExecutionEnvironment>();
  private readonly waiters: Waiter[] = [];
  private readonly lifecycle = new SerialQueue();
  private readonly concurrency: number;
  private readonly parallelLoads: number;
  private readonly initTimeoutMs: number;
  /** The variables new environments get, and their generation (bumped by every change). */
  private serving: { generation: number; variables: Readonly<Record<string, string>> };
  private generations = 0;
  private seq = 0;
  private running = false;

  constructor(private readonly options: FunctionHostOptions) {
    this.concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${options.concurrency}`);
    this.parallelLoads = options.parallelLoads ?? Math.max(2, availableParallelism());
    this.initTimeoutMs = options.initTimeoutMs ?? DEFAULT_LIMITS.functionInitTimeoutMs;
    this.serving = { generation: 0, variables: { ...options.env } };
  }

  /** The environment variables new invocations run with (as `GetFunctionConfiguration` would list them). */
  get variables(): Readonly<Record<string, string>> {
    return { ...this.serving.variables };
  }

  /** True between start and stop. */
  get isRunning(): boolean {
    return this.running;
  }

  /** The execution environments right now. */
  get environments(): EnvironmentCounts {
    const count = (...states: EnvironmentState[]) => [...this.pool].filter((e) => states.includes(e.state)).length;
    return {
      live: this.pool.size,
      busy: count("busy", "claimed"),
      idle: count("idle"),
      loading: count("loading"),
      waiting: this.waiters.length,
      concurrency: this.concurrency,
    };
  }

  /** Starts an execution environment and waits until the bundle has loaded (a no-op when running). */
  start(): Promise<void> {
    return this.lifecycle.run(async () => {
      if (this.running) return;
      this.running = true;
      // Stays running when the load fails: later invocations start environments of their own and fail with the reason.
      const env = this.spawn(this.serving, true);
      try {
        await env.ready;
      } finally {
        this.release(env);
      }
    });
  }

  /**
   * Invokes the function in an execution environment of its own for the time of the invocation.
   * The function timeout counts from the start of the invocation. `signal` cancels it: before it
   * starts, it never runs; while it runs, its environment is discarded. A `priority` invocation (the
   * target group's health check) that has to wait goes ahead of every waiting one: on AWS a health
   * check is an invocation of its own, never queued behind user traffic.
   * @throws InvocationError
   */
  async invoke(event: ALBEvent, options: { signal?: AbortSignal; priority?: boolean } = {}): Promise<ALBResult> {
    const { signal } = options;
    if (!this.running) throw new InvocationError("the function is stopped", "unavailable");
    if (signal?.aborted) throw new InvocationError("cancelled before it started", "aborted");
    const env = await this.acquire(signal, options.priority ?? false);
    // Stopped between being handed the environment and starting on it: the environment is gone.
    if (env.state !== "claimed") throw new InvocationError("the function was stopped before the invocation started", "unavailable");
    this.metrics.invocations += 1;
    const started = Date.now();
    try {
      const result = await abortable(env.invoke(`${this.options.functionName}-${++this.seq}`, event, this.options.timeoutMs), signal, () => void env.close());
      // Health checks (priority) run as long as the handler takes: a `/health` answer is quick on AWS too.
      const rest = options.priority ? 0 : (this.options.minDurationMs ?? 0) - (Date.now() - started);
      if (rest > 0) {
        // Busy for the rest of the emulated duration: counted against the cap, handed to no one. A
        // caller that gives up meanwhile only stops waiting (the function has answered already).
        // (`state` changed under TypeScript's narrowing: the invocation's end set it to idle.)
        if ((env.state as EnvironmentState) === "idle") env.state = "busy";
        try {
          await abortable(delay(rest, undefined, { signal }), signal);
        } finally {
          if (env.state === "busy") env.state = "idle";
        }
      }
      return result;
    } catch (err) {
      if (err instanceof InvocationError) this.count(err);
      throw err;
    } finally {
      this.release(env);
    }
  }

  /**
   * Replaces the environment variables given (others are kept), like UpdateFunctionConfiguration:
   * resolves once a new environment with them has loaded and takes every new invocation. When it
   * fails to load, the change still applies (new invocations start fresh environments and fail the
   * same way) and the returned promise rejects with the reason.
   */
  updateEnvironment(changes: Readonly<Record<string, string>>): Promise<void> {
    return this.lifecycle.run(async () => {
      const next = { generation: ++this.generations, variables: { ...this.serving.variables, ...changes } };
      if (!this.running) {
        this.serving = next;
        return;
      }
      const env = this.spawn(next, true);
      try {
        await env.ready;
      } finally {
        this.serving = next;
        // Idle environments of the old configuration go now, busy ones when their invocation ends.
        for (const old of this.pool) if (old.generation < next.generation && old.state === "idle") void old.close();
        this.release(env);
      }
    });
  }

  /** Ends every environment at once (in-flight and waiting invocations fail); resolves when every worker has exited. */
  stop(): Promise<void> {
    return this.lifecycle.run(async () => {
      this.running = false;
      for (const w of this.waiters.splice(0)) w.reject(new InvocationError("the function was stopped", "unavailable"));
      await Promise.all([...this.pool].map((e) => e.close()));
    });
  }

  /** An environment claimed for one invocation: an idle one now, else the first to become free or load. */
  private acquire(signal: AbortSignal | undefined, priority: boolean): Promise<ExecutionEnvironment> {
    const idle = this.idle();
    if (idle) {
      idle.state = "claimed";
      return Promise.resolve(idle);
    }
    const running = [...this.pool].filter((e) => e.state === "busy" || e.state === "claimed").length;
    if (running + this.waiters.length >= this.concurrency) {
      this.metrics.throttles += 1;
      return Promise.reject(new InvocationError(`Rate Exceeded: ${this.concurrency} concurrent executions, the function's concurrency (throttled)`, "throttled"));
    }
    this.metrics.waited += 1;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const at = this.waiters.indexOf(waiter);
        if (at !== -1) this.waiters.splice(at, 1);
      };
      const waiter: Waiter = {
        resolve: (env) => {
          done();
          resolve(env);
        },
        reject: (err) => {
          done();
          reject(err);
        },
      };
      const onAbort = () => waiter.reject(new InvocationError("cancelled before it started", "aborted"));
      const timer = setTimeout(() => {
        this.metrics.timeouts += 1;
        waiter.reject(new InvocationError(`no execution environment became available within ${this.initTimeoutMs / 1000} s`, "timeout"));
      }, this.initTimeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (priority) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
      this.scale();
    });
  }

  /** Starts environments while invocations wait for more than are loading, within the limits. */
  private scale(): void {
    const loading = () => [...this.pool].filter((e) => e.state === "loading");
    while (
      this.running &&
      this.waiters.length > loading().filter((e) => e.generation === this.serving.generation && !this.held.has(e)).length &&
      loading().length < this.parallelLoads &&
      this.pool.size < this.concurrency
    ) {
      this.spawn(this.serving, false);
    }
  }

  private spawn(config: { generation: number; variables: Readonly<Record<string, string>> }, hold: boolean): ExecutionEnvironment {
    const env = new ExecutionEnvironment(config.generation, config.variables, this.options);
    this.metrics.coldStarts += 1;
    this.pool.add(env);
    if (hold) this.held.add(env);
    void env.exited.then(() => {
      this.pool.delete(env);
      this.held.delete(env);
      this.scale();
    });
    void env.ready.then(
      () => {
        if (!this.held.has(env)) this.release(env);
      },
      (err: InvocationError) => {
        this.count(err);
        // The invocation this load was for gets the reason (Lambda returns the init error to it).
        if (!hold) this.waiters[0]?.reject(err);
      },
    );
    return env;
  }

  /** An environment that is free again: to the next waiting invocation, idle, or discarded when stale. */
  private release(env: ExecutionEnvironment): void {
    this.held.delete(env);
    if (env.state !== "idle" && env.state !== "claimed") return;
    if (!this.running || env.generation < this.serving.generation) {
      void env.close();
      return;
    }
    // Generation above serving: held by a change not applied yet (released once it is).
    if (env.generation > this.serving.generation) return;
    const waiter = this.waiters[0];
    if (waiter) {
      env.state = "claimed";
      waiter.resolve(env);
    } else {
      env.state = "idle";
    }
  }

  private idle(): ExecutionEnvironment | undefined {
    return [...this.pool].find((e) => e.state === "idle" && e.generation === this.serving.generation && !this.held.has(e));
  }

  private count(err: InvocationError): void {
    if (err.kind === "timeout") this.metrics.timeouts += 1;
    else if (err.kind === "error") this.metrics.errors += 1;
  }
}

/** `promise`, or an "aborted" InvocationError as soon as `signal` fires (then `onAbort` runs). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(new InvocationError("cancelled: the caller stopped waiting", "aborted"));
    };
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(e);
      },
    );
  });
}
