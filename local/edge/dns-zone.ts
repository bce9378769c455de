/**
 * The local hosted zone's answers, without I/O: what an authoritative Route 53 name server answers
 * for one question, as dns-packet records (local/edge/dns-server.ts puts them on the wire).
 *
 * - a served name (the latency records' name; with routing `both` the accelerator's too), type A:
 *   its current address with its TTL, and in the additional section a TXT record with the region
 *   and the port to connect to (`"region=us-west-2" "port=8080"`; the only way to tell the port
 *   where every region shares 127.0.0.1, and handy in `dig` output anywhere). TXT: that note alone.
 *   ANY: both. Any other type: NODATA (NOERROR, no answer, the SOA in the authority section);
 * - the zone's apex: SOA and NS;
 * - a name above a served name (an "empty non-terminal", e.g. `b.example.com` for `a.b.example.com`): NODATA;
 * - any other name in the zone: NXDOMAIN, the SOA in the authority section (RFC 2308: resolvers
 *   cache the negative answer for the SOA's TTL or minimum, whichever is lower);
 * - a name outside the zone, or a zone transfer: REFUSED (Route 53's name servers answer only for
 *   the zones they host).
 *
 * Names compare case-insensitively and answers repeat the question's spelling (RFC 4343).
 */
import type { Answer, Question } from "dns-packet";

/** What one served name answers now. */
export interface NameAnswer {
  /** The IPv4 address answered. */
  readonly address: string;
  /** TTL on the wire, whole real seconds. */
  readonly ttl: number;
  /** The port to connect to at `address` (in the TXT note). */
  readonly port: number;
  /** The region behind the address (in the TXT note); absent for the accelerator. */
  readonly region?: string;
}

/** The zone: its apex, the names it serves and its SOA timing. */
export interface ZoneOptions {
  /** The zone's apex, e.g. "example.com". */
  readonly zone: string;
  /** Served names (lower case) → their answer for a client in a region. */
  readonly names: ReadonlyMap<string, (clientRegion: string) => NameAnswer>;
  /** TTL of the SOA and NS records and of negative answers, whole real seconds. */
  readonly soaTtl: number;
}

/** Response codes used here (RFC 1035 §4.1.1, RFC 2136 for NOTIMP's neighbours). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** The sections of one response. */
export interface ZoneResponse {
  readonly rcode: number;
  /** The AA bit: true for every answer from inside the zone. */
  readonly authoritative: boolean;
  readonly answers: Answer[];
  readonly authorities: Answer[];
  readonly additionals: Answer[];
}

/** Lower case, without a trailing dot. */
export function canonicalName(name: string): string {
  return name.replace(/\.$/, "").toLowerCase();
}

/** The zone a served name lives in locally: its parent (`api.example.com` → `example.com`), or itself when it has two labels. */
export function zoneOf(name: string): string {
  const labels = canonicalName(name).split(".");
  return labels.length > 2 ? labels.slice(1).join(".") : labels.join(".");
}

function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** The zone's SOA record (Route 53's shape: refresh 7200, retry 900, expire 1209600). */
function soa(options: ZoneOptions, name = options.zone): Answer {
  return {
    type: "SOA",
    name,
    ttl: options.soaTtl,
    class: "IN",
    data: { mname: `ns.${options.zone}`, rname: `hostmaster.${options.zone}`, serial: 1, refresh: 7200, retry: 900, expire: 1209600, minimum: options.soaTtl },
  };
}

/** Answers one question for a client in `clientRegion`. */
export function answerQuestion(options: ZoneOptions, question: Question, clientRegion: string): ZoneResponse {
  const name = canonicalName(question.name);
  const zone = canonicalName(options.zone);
  // dns-packet decodes every type code (255 is "ANY", unknown ones "UNKNOWN_<n>"); its types list fewer.
  const type = question.type as string;
  const empty = { answers: [], authorities: [], additionals: [] };
  if (!inZone(name, zone) || type === "AXFR" || type === "IXFR") {
    return { rcode: RCODE.REFUSED, authoritative: false, ...empty };
  }
  if (question.class !== undefined && question.class !== "IN" && question.class !== "ANY") {
    return { rcode: RCODE.REFUSED, authoritative: false, ...empty };
  }
  const nodata = (): ZoneResponse => ({ rcode: RCODE.NOERROR, authoritative: true, answers: [], authorities: [soa(options)], additionals: [] });
  const answers: Answer[] = [];
  const additionals: Answer[] = [];

  if (name === zone && (type === "SOA" || type === "ANY")) answers.push(soa(options, question.name));
  if (name === zone && (type === "NS" || type === "ANY")) {
    answers.push({ type: "NS", name: question.name, ttl: options.soaTtl, class: "IN", data: `ns.${zone}` });
  }
  const served = options.names.get(name);
  if (served) {
    const a = served(clientRegion);
    const record: Answer = { type: "A", name: question.name, ttl: a.ttl, class: "IN", data: a.address };
    const note: Answer = {
      type: "TXT",
      name: question.name,
      ttl: a.ttl,
      class: "IN",
      data: [...(a.region ? [`region=${a.region}`] : []), `port=${a.port}`],
    };
    if (type === "A" || type === "ANY") answers.push(record);
    if (type === "TXT" || type === "ANY") answers.push(note);
    else if (type === "A") additionals.push(note);
  }
  if (answers.length > 0) return { rcode: RCODE.NOERROR, authoritative: true, answers, authorities: [], additionals };
  // The name exists (served, the apex, or above a served name) but has no record of this type.
  if (served || name === zone || [...options.names.keys()].some((n) => n.endsWith(`.${name}`))) return nodata();
  return { rcode: RCODE.NXDOMAIN, authoritative: true, answers: [], authorities: [soa(options)], additionals: [] };
}
