/**
 * The function host over real worker threads: Lambda's concurrency (environments as load requires,
 * up to a cap, throttled past it), timeouts that start with the invocation, a timed-out or cancelled
 * invocation that never finishes later, bounded loading, and no worker thread left behind.
 */
import type { ALBEvent } from "aws-lambda";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FunctionHost, type FunctionHostOptions, InvocationError } from "../../../local/region/function-host";
import { waitFor } from "../support";
import { osThreads } from "../threads";

const FIXTURE = join(__dirname, "fixtures", "behaviours.js");
const hosts: FunctionHost[] = [];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "function-host-"));
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function host(over: Partial<FunctionHostOptions> = {}, env: Record<string, string> = {}): FunctionHost {
  const h = new FunctionHost({ file: FIXTURE, region: "us-west-2", functionName: "t", env: { STATUS: "200", ...env }, timeoutMs: 2000, concurrency: 4, initTimeoutMs: 3000, ...over });
  hosts.push(h);
  return h;
}
const event = (body: Record<string, unknown> = {}): ALBEvent => ({ requestContext: { elb: { targetGroupArn: "arn" } }, httpMethod: "POST", path: "/", body: JSON.stringify(body), isBase64Encoded: false });
const answer = (r: { body?: string }) => JSON.parse(r.body ?? "{}") as { status: string; threadId: number; remainingAtStart: number; startedAt: number; endedAt: number };
const kindOf = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (e instanceof InvocationError ? e.kind : `other: ${String(e)}`));
const markers = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

describe("FunctionHost: Lambda concurrency", () => {
  it("runs one invocation per execution environment and adds environments as load requires, up to the cap", async () => {
    const h = host({ concurrency: 3 });
    await h.start();
    expect(h.environments).toMatchObject({ live: 1, idle: 1, concurrency: 3 });
    const runs = (await Promise.all([1, 2, 3].map(() => h.invoke(event({ sleepMs: 1000 }))))).map(answer);
    // No environment (thread) ever ran two invocations at once…
    for (const a of runs) for (const b of runs) if (a !== b && a.threadId === b.threadId) expect(a.endedAt <= b.startedAt || b.endedAt <= a.startedAt).toBe(true);
    // …so three at once, 1 s each, needed more than the one that was there: more were started.
    expect(new Set(runs.map((r) => r.threadId)).size).toBeGreaterThan(1);
    expect(h.metrics.coldStarts).toBeGreaterThan(1);
    expect(h.environments.live).toBeLessThanOrEqual(3);
    expect(h.metrics).toMatchObject({ invocations: 3, throttles: 0 });
  });

  it("throttles at once, without queueing, when running and waiting invocations fill the cap", async () => {
    const h = host({ concurrency: 2 });
    await h.start();
    const kinds = await Promise.all([1, 2, 3, 4].map(() => kindOf(h.invoke(event({ sleepMs: 300 })))));
    expect(kinds.filter((k) => k === "ok")).toHaveLength(2);
    expect(kinds.filter((k) => k === "throttled")).toHaveLength(2);
    expect(h.metrics.throttles).toBe(2);
    expect(h.environments.live).toBeLessThanOrEqual(2);
  });

  it("holds the environment for the emulated duration (minDurationMs) after the handler answered: the cap counts it", async () => {
    const h = host({ concurrency: 1, minDurationMs: 60_000 });
    await h.start();
    const marker = join(dir, "held");
    const held = new AbortController();
    const first = kindOf(h.invoke(event({ marker, id: "first" }), { signal: held.signal }));
    // The handler has answered (its marker is written), yet the invocation still holds the only environment…
    await waitFor("the handler to answer", () => markers(marker).length === 1);
    expect(await kindOf(h.invoke(event(), { signal: AbortSignal.timeout(5000) }))).toBe("throttled");
    // …until its duration is over, or, here, its caller gives up: then the environment serves again.
    held.abort();
    expect(await first).toBe("aborted");
    expect(h.metrics).toMatchObject({ invocations: 1, throttles: 1, timeouts: 0, errors: 0 });
    const next = new AbortController();
    const second = kindOf(h.invoke(event(), { signal: next.signal }));
    await waitFor("the second invocation to start", () => h.metrics.invocations === 2);
    next.abort();
    expect(await second).toBe("aborted");
  });

  it("does not queue an invocation behind a busy one (a health check is an invocation of its own)", async () => {
    const h = host({ concurrency: 2, timeoutMs: 3000 });
    await h.start();
    let spinnerDone = false;
    // The first spins its environment's thread for 1 s; the second must not wait for it.
    const spinner = h.invoke(event({ spin: true })).catch(() => undefined).finally(() => (spinnerDone = true));
    const quick = await h.invoke(event());
    expect(quick.statusCode).toBe(200);
    // Answered while the spinner still holds its thread: it neither waited for it nor for its timeout.
    expect(spinnerDone).toBe(false);
    await h.stop();
    await spinner;
  });

  it("a priority invocation (a health check) that has to wait goes ahead of the waiting user invocations", async () => {
    const h = host({ concurrency: 8 }, { LOAD_MS: "400" });
    await h.start();
    const order: string[] = [];
    const users = Array.from({ length: 4 }, (_, i) => h.invoke(event({ sleepMs: 50 })).then(() => order.push(`user-${i}`)));
    const check = h.invoke(event(), { priority: true }).then(() => order.push("check"));
    await Promise.all([...users, check]);
    // user-0 took the idle environment; the check came next, before the users that waited before it.
    expect(order.indexOf("check")).toBeLessThanOrEqual(1);
  });

  it("lets invocations wait for the first environment that is free or loaded, within the cap", async () => {
    const h = host({ concurrency: 4 });
    await h.start();
    // One idle environment, four invocations: one runs at once, three wait (none is throttled).
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => h.invoke(event({ id: i }))));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(h.metrics).toMatchObject({ invocations: 4, waited: 3, throttles: 0 });
    expect(h.environments.live).toBeLessThanOrEqual(4);
  });
});

describe("FunctionHost: timeouts", () => {
  it("counts the function timeout from the start of the invocation, not from when it waited for an environment", async () => {
    // Timeout 1 s. A runs 0.7 s on the one loaded environment; B arrives with it and waits for an
    // environment (A's, free at 0.7 s, or a new one, loading for 1.5 s), then runs 0.5 s: B takes
    // longer than the timeout from its arrival, well under it from its start.
    const h = host({ timeoutMs: 1000, concurrency: 2 }, { LOAD_MS: "1500" });
    await h.start();
    const a = h.invoke(event({ sleepMs: 700 }));
    const arrived = Date.now();
    const b = await h.invoke(event({ sleepMs: 500 }));
    // The premise: B waited, and its arrival-to-answer time is past the timeout.
    expect(h.metrics.waited).toBe(1);
    expect(Date.now() - arrived).toBeGreaterThanOrEqual(1000);
    expect(b.statusCode).toBe(200);
    // The context's clock also starts with the invocation: counted from B's arrival, at most the
    // 300 ms A left of the timeout would remain.
    expect(answer(b).remainingAtStart).toBeGreaterThan(1000 - 700);
    expect((await a).statusCode).toBe(200);
  });

  it("a timed-out invocation never finishes later: its environment is discarded", async () => {
    const marker = join(dir, "timed-out");
    const h = host({ timeoutMs: 150 });
    await h.start();
    // It would write its marker 1 s after it started: far past the timeout, however late a busy machine fires it.
    await expect(h.invoke(event({ sleepMs: 1000, marker, id: "late" }))).rejects.toMatchObject({ kind: "timeout", message: /Task timed out after 0.15 seconds/ });
    await new Promise((r) => setTimeout(r, 1200));
    expect(markers(marker)).toEqual([]);
    await waitFor("the timed-out environment's thread to exit", () => h.environments.live === 0);
    // The next invocation gets a fresh environment.
    expect((await h.invoke(event())).statusCode).toBe(200);
    expect(h.metrics.timeouts).toBe(1);
  });

  it("a cancelled invocation never runs when it had not started, and is cut off when it had", async () => {
    const marker = join(dir, "cancelled");
    const h = host({ concurrency: 2 }, { LOAD_MS: "300" });
    await h.start();
    const a = h.invoke(event({ sleepMs: 300, marker, id: "a" }));
    // B waits for an environment (A's, or one loading for 300 ms) and is cancelled meanwhile.
    const waiting = new AbortController();
    const b = h.invoke(event({ marker, id: "b" }), { signal: waiting.signal });
    setTimeout(() => waiting.abort(), 50);
    await expect(b).rejects.toMatchObject({ kind: "aborted" });
    const before = new AbortController();
    before.abort();
    await expect(h.invoke(event({ marker, id: "never" }), { signal: before.signal })).rejects.toMatchObject({ kind: "aborted" });
    await a;
    // C starts, then is cancelled before it writes.
    const inFlight = new AbortController();
    const c = h.invoke(event({ sleepMs: 1000, marker, id: "c" }), { signal: inFlight.signal });
    setTimeout(() => inFlight.abort(), 100);
    await expect(c).rejects.toMatchObject({ kind: "aborted" });
    await new Promise((r) => setTimeout(r, 1200));
    expect(markers(marker)).toEqual(["a"]);
    expect(h.metrics.invocations).toBe(2);
  });

  it("a bundle that hangs while loading fails the invocation after the init timeout, and leaves no thread", async () => {
    const h = host({ initTimeoutMs: 300 }, { LOAD: "hang" });
    await expect(h.start()).rejects.toMatchObject({ kind: "timeout", message: /did not finish loading within 0.3 s/ });
    await expect(h.invoke(event())).rejects.toMatchObject({ kind: "timeout" });
    await waitFor("the hung threads to exit", () => h.environments.live === 0);
  });

  it("a bundle that throws while loading fails the invocation with its error", async () => {
    const h = host({}, { LOAD: "throw" });
    await expect(h.start()).rejects.toMatchObject({ kind: "error", message: /this bundle does not load/ });
    await expect(h.invoke(event())).rejects.toMatchObject({ kind: "error", message: /this bundle does not load/ });
  });

  it("a handler that spins for ever is cut off at the timeout", async () => {
    const h = host({ timeoutMs: 200 });
    await h.start();
    await expect(h.invoke(event({ spin: true }))).rejects.toMatchObject({ kind: "timeout" });
    expect((await h.invoke(event())).statusCode).toBe(200);
  });

  it("a crash ends only its environment; the next invocation starts a new one", async () => {
    const h = host({ timeoutMs: 1000 });
    await h.start();
    const first = answer(await h.invoke(event())).threadId;
    await expect(h.invoke(event({ crash: true, sleepMs: 200 }))).rejects.toMatchObject({ kind: "error", message: /crashed on purpose/ });
    const next = await h.invoke(event());
    expect(next.statusCode).toBe(200);
    expect(answer(next).threadId).not.toBe(first);
  });
});

describe("FunctionHost: environment changes and worker threads", () => {
  it("concurrent changes end with the last one, and each resolves only once its value serves", async () => {
    const h = host();
    await h.start();
    const order: string[] = [];
    await Promise.all(
      ["201", "202", "203", "204"].map((status) =>
        h.updateEnvironment({ STATUS: status }).then(async () => {
          order.push(status);
          // When a change resolves, new invocations run with it (or with a later one).
          const seen = answer(await h.invoke(event())).status;
          expect(Number(seen)).toBeGreaterThanOrEqual(Number(status));
        }),
      ),
    );
    expect(order).toEqual(["201", "202", "203", "204"]);
    expect(h.variables.STATUS).toBe("204");
    expect(answer(await h.invoke(event())).status).toBe("204");
    await waitFor("older environments to be discarded", () => h.environments.live === 1);
  });

  it("a change does not drop the invocations in flight; they finish on the old environment", async () => {
    const h = host();
    await h.start();
    const inFlight = h.invoke(event({ sleepMs: 300 }));
    await new Promise((r) => setTimeout(r, 50));
    await h.updateEnvironment({ STATUS: "418" });
    expect(answer(await inFlight).status).toBe("200");
    expect(answer(await h.invoke(event())).status).toBe("418");
    await waitFor("the old environment to go once idle", () => h.environments.live === 1);
  });

  it("stop during a change, and two starts at once, leave exactly the threads the host reports", async () => {
    const threadsBefore = osThreads();
    const h = host({}, { LOAD_MS: "100" });
    await h.start();
    const change = h.updateEnvironment({ STATUS: "503" });
    const stopped = h.stop();
    await Promise.allSettled([change, stopped]);
    await waitFor("every thread to exit", () => h.environments.live === 0);
    await Promise.all([h.start(), h.start()]);
    expect(h.environments.live).toBe(1);
    expect(answer(await h.invoke(event())).status).toBe("503");
    if (threadsBefore !== undefined) await waitFor("the OS thread count to match", () => osThreads() === threadsBefore + h.environments.live);
    await h.stop();
    expect(h.environments.live).toBe(0);
    if (threadsBefore !== undefined) await waitFor("the OS thread count back to where it was", () => osThreads() === threadsBefore);
  });

  it("rejects a concurrency below 1", () => {
    expect(() => host({ concurrency: 0 })).toThrow(/concurrency must be a whole number >= 1/);
  });

  it("an invocation of a stopped function is unavailable", async () => {
    const h = host();
    await expect(h.invoke(event())).rejects.toMatchObject({ kind: "unavailable" });
  });
});
