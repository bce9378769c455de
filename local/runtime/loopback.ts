/**
 * Addresses for the local system's regions, so that DNS has something to point at.
 *
 * On AWS each region's ALB has addresses of its own and every client connects to port 80 (or 443)
 * of whichever address DNS answered. Locally the same needs one loopback address per region, all
 * listening on one port: on Linux every address of 127.0.0.0/8 is local (`ip route show table
 * local`), so region i gets 127.0.0.(i + 2) and the accelerator keeps 127.0.0.1. macOS (and other
 * systems) configure only 127.0.0.1 on `lo0`: binding 127.0.0.2 fails with EADDRNOTAVAIL until an
 * alias is added (`sudo ifconfig lo0 alias 127.0.0.2 up`, one per region). There the local system
 * falls back to "shared": every region on 127.0.0.1 with its own port, and the DNS answers carry
 * the port in a TXT record beside the address (local/edge/dns-zone.ts).
 */
import { createServer, type Server } from "node:net";

/** Whether each region has a loopback address of its own (`distinct`) or all share 127.0.0.1 (`shared`). */
export type AddressMode = "distinct" | "shared";

/** The accelerator's address (and every region's with mode `shared`). */
export const LOOPBACK = "127.0.0.1";

/** The address of region number `index` (from 0) with `mode`. */
export function regionAddress(index: number, mode: AddressMode): string {
  if (mode === "shared") return LOOPBACK;
  // 127.0.0.2 … 127.0.0.254, then 127.0.1.x: more regions than AWS has fit either way.
  const n = index + 2;
  return `127.0.${Math.floor(n / 255)}.${n % 255}`;
}

function bind(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

/**
 * `distinct` when this machine can bind `count` addresses of 127.0.0.0/8 beyond 127.0.0.1, else
 * `shared` (with the reason, for the start-up line).
 */
export async function detectAddressMode(count: number): Promise<{ mode: AddressMode; reason?: string }> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await bind(regionAddress(i, "distinct"), 0));
    return { mode: "distinct" };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { mode: "shared", reason: `cannot bind ${regionAddress(servers.length, "distinct")} (${code}): only 127.0.0.1 is a loopback address here` };
  } finally {
    await Promise.all(servers.map(close));
  }
}

/**
 * A TCP port free on every one of `hosts` (`preferred` unless it is 0: then any free one). With
 * `preferred` 0 a few ports are tried; a fixed port that is taken is the caller's bind error to report.
 */
export async function commonPort(hosts: readonly string[], preferred: number): Promise<number> {
  if (preferred !== 0) return preferred;
  let last: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    const servers: Server[] = [];
    try {
      const first = await bind(hosts[0], 0);
      servers.push(first);
      const port = (first.address() as { port: number }).port;
      for (const host of hosts.slice(1)) servers.push(await bind(host, port));
      return port;
    } catch (err) {
      last = err;
    } finally {
      await Promise.all(servers.map(close));
    }
  }
  throw new Error(`no port free on all of ${hosts.join(", ")}: ${(last as Error).message}`);
}

/** Where the regions' ALBs and the accelerator listen. */
export interface AddressPlan {
  readonly mode: AddressMode;
  /** Why the regions share 127.0.0.1 although DNS wanted an address each. */
  readonly note?: string;
  /** The ALB port of every region: the accelerator's with distinct addresses, else 0 (a free one each). */
  readonly regionPort: number;
  readonly acceleratorPort: number;
  /** The address of region number `index` (from 0). */
  host(index: number): string;
}

/**
 * The addresses of `regionCount` regions and the accelerator. DNS (`servesDns`) needs an address per
 * region to point at, all on one port, the accelerator's (DNS answers carry no port); without it,
 * or where only 127.0.0.1 exists, every region listens on 127.0.0.1 on a port of its own.
 */
export async function planAddresses(
  regionCount: number,
  options: { readonly servesDns: boolean; readonly mode?: AddressMode; readonly acceleratorPort: number },
): Promise<AddressPlan> {
  const detected = options.servesDns ? (options.mode ? { mode: options.mode } : await detectAddressMode(regionCount)) : undefined;
  const mode: AddressMode = detected?.mode ?? "shared";
  const host = (index: number) => regionAddress(index, mode);
  const hosts = Array.from({ length: regionCount }, (_, i) => host(i));
  const sharedPort = mode === "distinct" ? await commonPort([LOOPBACK, ...hosts], options.acceleratorPort) : undefined;
  return {
    mode,
    ...(detected?.reason ? { note: detected.reason } : {}),
    regionPort: sharedPort ?? 0,
    acceleratorPort: sharedPort ?? options.acceleratorPort,
    host,
  };
}
