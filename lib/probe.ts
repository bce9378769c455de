/**
 * One probe request (the drill's, the shift's, the dashboard's demo traffic): a GET on a new TCP
 * connection (no keep-alive), so the accelerator routes each one afresh, as `curl` in the article did.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** What one request saw. */
export interface ProbeResult {
  /** HTTP status, or 0 when there was no response (refused, reset, timeout). */
  readonly status: number;
  /** `x-served-by-region`, when the response had one. */
  readonly region?: string;
  /** Why there was no response. */
  readonly error?: string;
  /** The response body (text), when there was one. */
  readonly body?: string;
}

/** Resolves a host name for one request instead of the OS (the DNS drill's client model: lib/dns-probe.ts). */
export type LookupFunction = (hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => void;

/** Sends one request on its own connection; never rejects. */
export function probe(
  url: string,
  options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number; localAddress?: string; lookup?: LookupFunction } = {},
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const send = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: options.method ?? "GET",
        agent: false,
        headers: { connection: "close", ...(options.body !== undefined ? { "content-type": "application/json" } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 5000,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        ...(options.lookup ? { lookup: options.lookup as never } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const region = res.headers["x-served-by-region"];
          resolve({ status: res.statusCode ?? 0, region: typeof region === "string" ? region : undefined, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (err) => resolve({ status: 0, error: err.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ status: 0, error: err.code ?? err.message }));
    req.end(options.body);
  });
}
