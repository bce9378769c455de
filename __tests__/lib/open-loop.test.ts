/**
 * The open-loop schedule against a real server on loopback that answers nothing until it has every
 * request: a closed loop would wait for answers and never get there, an open loop sends on schedule.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { OpenLoop } from "../../lib/open-loop";
import { probe } from "../../lib/probe";
import { timeScale } from "../../lib/time-scale";
import { seededRandom } from "../../local/runtime/random";

/** A server that holds every request until `release()`; counts the connections and requests it got. */
async function holdingServer(): Promise<{ url: string; connections: () => number; requests: () => number; release: () => void; close: () => Promise<void> }> {
  const held: ServerResponse[] = [];
  let connections = 0;
  const server: Server = createServer((_req: IncomingMessage, res: ServerResponse) => held.push(res));
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    requests: () => held.length,
    release: () => {
      for (const res of held.splice(0)) res.end("late");
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("OpenLoop", () => {
  it("keeps sending on schedule while the server answers nothing: every model second gets the rate, each on a new connection", async () => {
    const server = await holdingServer();
    const rate = 20;
    const seconds = 3;
    const dues: number[] = [];
    const answers: Promise<number>[] = [];
    let answered = 0;
    const done = new Promise<void>((resolve) => {
      const loop = new OpenLoop({
        rate,
        timeScale: timeScale(0.5),
        start: (index, dueSeconds) => {
          dues.push(dueSeconds);
          answers.push(probe(server.url, { timeoutMs: 30_000 }).then((r) => ((answered += 1), r.status)));
          if (index === rate * seconds - 1) {
            loop.stop();
            resolve();
          }
        },
      });
      loop.begin();
    });
    await done;
    // Every request was sent and none was answered: completions never gated the schedule.
    await waitUntil(() => server.requests() === rate * seconds);
    expect(answered).toBe(0);
    expect(server.connections()).toBe(rate * seconds);
    const perSecond = Array.from({ length: seconds }, (_, s) => dues.filter((d) => d >= s && d < s + 1).length);
    expect(perSecond).toEqual([rate, rate, rate]);
    server.release();
    expect(await Promise.all(answers)).toEqual(Array(rate * seconds).fill(200));
    await server.close();
  });

  it("with a random source, sends a Poisson stream: exponential gaps averaging 1 / rate, no call skipped", async () => {
    const rate = 50;
    const dues: number[] = [];
    const n = 2000;
    await new Promise<void>((resolve) => {
      const loop = new OpenLoop({
        rate,
        // 1000× faster than real time: 40 model seconds in about 40 ms.
        timeScale: timeScale(0.001),
        random: seededRandom(3),
        start: (index, dueSeconds) => {
          dues.push(dueSeconds);
          if (index === n - 1) {
            loop.stop();
            resolve();
          }
        },
      });
      loop.begin();
    });
    expect(dues).toHaveLength(n);
    const gaps = dues.slice(1).map((d, i) => d - dues[i]);
    expect(gaps.every((g) => g >= 0)).toBe(true);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(0.9 / rate);
    expect(mean).toBeLessThan(1.1 / rate);
    // Exponential: about e^-1 of the gaps are longer than the mean (evenly spaced calls would have none).
    const longer = gaps.filter((g) => g > 1 / rate).length / gaps.length;
    expect(longer).toBeGreaterThan(0.33);
    expect(longer).toBeLessThan(0.41);
  });

  it("starts nothing after stop and refuses a rate that is not positive", () => {
    const started: number[] = [];
    const loop = new OpenLoop({ rate: 10, timeScale: timeScale(1), start: (i) => started.push(i) });
    loop.begin();
    loop.stop();
    expect(started).toEqual([0]);
    expect(loop.running).toBe(false);
    expect(() => new OpenLoop({ rate: 0, timeScale: timeScale(1), start: () => undefined })).toThrow(/rate must be a positive number, got 0/);
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  const limit = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > limit) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
