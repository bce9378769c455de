/**
 * Who may talk to the local control plane (the admin API and the dashboard).
 *
 * The admin port can kill regions and flip STATUS, and it listens on loopback, which is no protection
 * against a browser on the same machine: any web page the developer has open can send it a "simple"
 * cross-site request (a form post, `fetch` with `mode: "no-cors"` and `text/plain`) that needs no
 * CORS preflight and takes effect, and a DNS-rebinding page (its own name re-pointed at 127.0.0.1)
 * can even read the answers. Both classes were exploited against local dev servers (the
 * webpack-dev-server and Vite advisories of 2025, CVE-2025-30359/30360, CVE-2025-24010). Two checks
 * close them, as those projects did:
 *
 * - `Host` must name this server as the browser saw it: the loopback address it listens on, or
 *   `localhost`, with its port. A rebinding page's requests carry its own name (`evil.example:8081`).
 *   421 Misdirected Request otherwise (RFC 9110 §15.5.20: "not able to produce a response" for that authority).
 * - A state-changing request (anything but GET, HEAD, OPTIONS) carries no `Origin` (curl, the drill,
 *   the shift, the AdminClient) or the dashboard's own origin. Browsers always send `Origin` on
 *   cross-origin POST, PUT and DELETE (Fetch standard, "append a request `Origin` header"), so a
 *   foreign page cannot forge a request without one. 403 otherwise.
 *
 * GETs from a foreign page are harmless without the Host check's help: they change nothing, and the
 * browser does not let the page read the answer (no `Access-Control-Allow-Origin` is ever sent).
 *
 * The data plane (accelerator, ALBs) and the local DNS server are not guarded: they emulate public
 * endpoints, which answer any Host, as AWS's do.
 */

/** Where the admin server listens, as the guard needs to know it. */
export interface AdminAddress {
  /** The loopback address the server is bound to, e.g. "127.0.0.1". */
  readonly host: string;
  /** The port it listens on (the real one, after binding port 0). */
  readonly port: number;
}

/** What the guard reads of a request. */
export interface AdminRequestHead {
  readonly method?: string;
  /** The `Host` header (HTTP/1.1) or `:authority` pseudo-header. */
  readonly host?: string;
  /** The `Origin` header, when the client sent one. */
  readonly origin?: string;
}

/** A refusal: the status to answer and the reason, for a JSON `{"error": …}` body. */
export interface Refusal {
  readonly status: 403 | 421;
  readonly error: string;
}

/** Methods that change nothing (RFC 9110 §9.2.1 safe methods). */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The names that mean this server: its own address and localhost, with its port. */
export function ownAuthorities(address: AdminAddress): string[] {
  const names = [address.host, "localhost"];
  // A browser omits the port from Host and Origin when it is the scheme's default.
  const withPort = names.map((name) => `${name}:${address.port}`);
  return address.port === 80 ? [...withPort, ...names] : withPort;
}

/** The origins the dashboard is served from: http:// and one of the own authorities. */
export function ownOrigins(address: AdminAddress): string[] {
  return ownAuthorities(address).map((authority) => `http://${authority}`);
}

/**
 * Whether a request may reach the control plane: undefined when it may, else the refusal.
 * Pure: the server calls it before it reads anything else of the request.
 */
export function refuseForeign(request: AdminRequestHead, address: AdminAddress): Refusal | undefined {
  const host = request.host?.toLowerCase();
  if (host === undefined || !ownAuthorities(address).includes(host)) {
    return {
      status: 421,
      error: `this admin API answers only as ${ownAuthorities(address).join(" or ")}, not ${host === undefined ? "a request without Host" : `Host "${request.host}"`} (DNS rebinding protection)`,
    };
  }
  const method = (request.method ?? "GET").toUpperCase();
  if (SAFE_METHODS.has(method) || request.origin === undefined) return undefined;
  if (ownOrigins(address).includes(request.origin.toLowerCase())) return undefined;
  return {
    status: 403,
    error: `a ${method} from origin "${request.origin}" is refused: changes come only from the dashboard (${ownOrigins(address).join(" or ")}) or from clients that send no Origin, such as curl`,
  };
}
