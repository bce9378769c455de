/** Load for the local benchmarks: requests a number of connections at a time, and a keep-alive GET. */
import { type Agent, request } from "node:http";

/** Sends one request; resolves with its HTTP status. */
export type Send = () => Promise<number>;

/** `count` requests through `send`, `connections` at a time; the latencies and the rate. */
export async function drive(send: Send, count: number, connections: number): Promise<{ latencies: number[]; perSecond: number }> {
  const latencies: number[] = [];
  let left = count;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (left-- > 0) {
        const t = performance.now();
        const status = await send();
        latencies.push(performance.now() - t);
        if (status !== 200) throw new Error(`answered ${status}`);
      }
    }),
  );
  return { latencies, perSecond: (count / (performance.now() - started)) * 1000 };
}

/** A GET over a keep-alive agent; resolves with the status once the body is read. */
export function httpGet(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
