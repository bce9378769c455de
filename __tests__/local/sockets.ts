/** Raw TCP clients for the robustness tests: misbehave in ways an HTTP library would not. */
import { connect, type Socket } from "node:net";

/** What a raw client saw. */
export interface Exchange {
  /** Everything received, as latin1 text. */
  readonly text: string;
  /** The server closed (or reset) the connection before `waitMs` ran out. */
  readonly closed: boolean;
}

/** The port of a `http://127.0.0.1:<port>` URL. */
export const portOf = (url: string) => Number(new URL(url).port);

/**
 * Connects to 127.0.0.1:`port`, runs `script` on the socket and collects what comes back until the
 * server closes the connection or `waitMs` pass (then the client closes it).
 */
export function exchange(port: number, script: (socket: Socket) => void | Promise<void>, options: { waitMs?: number; allowHalfOpen?: boolean } = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, allowHalfOpen: options.allowHalfOpen ?? false });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString("latin1"), closed });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? 3000);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("connect", () => {
      Promise.resolve(script(socket)).catch(() => finish(true));
    });
  });
}

/** A request with `headerLines` as raw lines; `Connection: close` unless they name a Connection of their own. */
export function rawRequest(path: string, headerLines: readonly string[] = [], method = "GET"): string {
  const lines = headerLines.some((h) => /^connection:/i.test(h)) ? headerLines : [...headerLines, "Connection: close"];
  return `${method} ${path} HTTP/1.1\r\nHost: local\r\n${lines.map((h) => `${h}\r\n`).join("")}\r\n`;
}

/** The status code of the first response in `text`, or 0 when there is none. */
export const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
