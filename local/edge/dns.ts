/**
 * The local system's Route 53 half (routing `route53` or `both`): an authoritative DNS server on
 * 127.0.0.1:`local.dnsPort` for the configured names, with latency-based answers.
 *
 * - the latency name (`domain.name` with routing route53, `latency.<domain.name>` with both): the
 *   region closest to the client among those Route 53 sees healthy (local/edge/dns-health.ts), by the
 *   same distances the accelerator emulation routes by (model/routing.ts byProximity; Route 53
 *   measures latency, distance stands in for it); when none is healthy, the closest of all (Route 53
 *   fails open: "if no record is healthy, all records are healthy");
 * - with routing both, `domain.name`: the accelerator's address, always;
 * - TTL: an alias to an ALB answers with 60 s (model/failover.ts ALB_ALIAS_TTL_SECONDS), scaled by
 *   the time scale and rounded to whole seconds on the wire (at least 1); the snapshot gives both.
 *
 * The client's region: an EDNS option in the query (lib/dns-probe.ts CLIENT_REGION_OPTION),
 * else `local.clientRegion` (`--client-region`), the accelerator's default client too. Route 53 uses
 * EDNS client-subnet or the resolver's address; locally there is one address, so the region is told.
 */
import type { AppConfig } from "../../model/config";
import { acceleratorRecordName, latencyRecordName } from "../../model/config";
import { ALB_ALIAS_TTL_SECONDS } from "../../model/failover";
import { AWS_REGIONS } from "../../model/regions";
import type { AddressMode } from "../runtime/loopback";
import { LOOPBACK } from "../runtime/loopback";
import { type Route53Health, Route53HealthView, type Route53RegionView } from "./dns-health";
import { type DnsServerMetrics, LocalDnsServer } from "./dns-server";
import { answerQuestion, canonicalName, type NameAnswer, zoneOf } from "./dns-zone";
import type { Transition, TargetState } from "../region/health-checker";
import { byProximity } from "../../model/routing";
import type { TimeScale } from "../../lib/time-scale";

/** Route 53's SOA TTL, which also bounds negative caching (RFC 2308): 900 s. */
const SOA_TTL_SECONDS = 900;

/** A region the latency records point at. */
export interface LatencyTarget {
  readonly region: string;
  /** The ALB's address and port: what the answer names. */
  readonly address: string;
  readonly port: number;
  /** The ALB's base URL (for Route 53 health checks). */
  readonly albUrl: string;
  /** Model seconds to the Route 53 check's first request. */
  readonly checkPhaseSeconds: number;
}

/** Settings of {@link startLocalDns}. */
export interface LocalDnsOptions {
  readonly config: AppConfig;
  readonly regions: readonly LatencyTarget[];
  /** The accelerator's port (its address is 127.0.0.1): the answer for `domain.name` with routing both. */
  readonly acceleratorPort: number;
  readonly addressMode: AddressMode;
  /** UDP and TCP port; 0 for any. */
  readonly port: number;
  /** The default client location. */
  readonly clientRegion: string;
  /** Route 53's propagation delay, model seconds. */
  readonly propagationSeconds: number;
  readonly timeScale: TimeScale;
  /** Told when a Route 53 health check changes status (healthChecks route53). */
  readonly onCheck?: (region: string, transition: Transition) => void;
  /** Told when Route 53's answers see a region's health change. */
  readonly onChange?: (region: string, health: Route53Health) => void;
}

/** What the latency name answers a client in a region. */
export interface LatencyAnswer {
  readonly clientRegion: string;
  readonly region: string;
  readonly address: string;
  readonly port: number;
  /** No region was healthy: Route 53 answered as if all were. */
  readonly failOpen: boolean;
}

/** The DNS part of the admin API's state (`GET /` → `dns`). */
export interface DnsSnapshot {
  /** Where to ask: `127.0.0.1:<port>`, UDP and TCP. */
  readonly server: string;
  readonly port: number;
  readonly zone: string;
  /** The latency-routed name. */
  readonly latencyName: string;
  /** With routing both: the name that points at the accelerator. */
  readonly acceleratorName?: string;
  readonly routing: "route53" | "both";
  readonly healthChecks: "alias" | "route53";
  /** Route 53 checks (healthChecks route53): interval and threshold, model seconds. */
  readonly requestIntervalSeconds: number;
  readonly failureThreshold: number;
  /** Route 53's propagation delay, model seconds. */
  readonly propagationSeconds: number;
  /** The answers' TTL in model seconds, as clients honour it (the wire TTL ÷ the time scale). */
  readonly ttlSeconds: number;
  /** The TTL on the wire: whole real seconds. */
  readonly wireTtlSeconds: number;
  /** `distinct`: one loopback address per region; `shared`: all on 127.0.0.1, the port in a TXT note. */
  readonly addresses: AddressMode;
  readonly clientRegion: string;
  /** The latency name's answer now for `clientRegion`. */
  readonly answer: LatencyAnswer;
  /** Route 53's view of each region, with its record's address and port. */
  readonly regions: readonly (Route53RegionView & { readonly address: string; readonly port: number })[];
  readonly metrics: DnsServerMetrics;
}

/** A running local DNS. */
export interface LocalDns {
  readonly server: LocalDnsServer;
  /** The latency-routed name. */
  readonly latencyName: string;
  readonly view: Route53HealthView;
  /** A region's target health changed (what alias health follows). */
  targetChanged(region: string, state: TargetState): void;
  /** The latency name's answer for a client in `clientRegion` (default: the system's). */
  answer(clientRegion?: string): LatencyAnswer;
  snapshot(): DnsSnapshot;
  close(): Promise<void>;
}

/** Whole real seconds on the wire for a model TTL, at least 1 (0 would mean "do not cache"). */
export function wireTtl(modelSeconds: number, scale: TimeScale): number {
  return Math.max(1, Math.round(scale.toRealMs(modelSeconds) / 1000));
}

/** Starts the DNS server; the Route 53 checks (if any) start with it. */
export async function startLocalDns(options: LocalDnsOptions): Promise<LocalDns> {
  const { config, timeScale } = options;
  const latencyName = latencyRecordName(config);
  if (!latencyName) throw new Error(`local DNS needs routing route53 or both and a domain; routing is ${config.routing}`);
  const acceleratorName = config.routing === "both" ? acceleratorRecordName(config) : undefined;
  const view = new Route53HealthView({
    regions: options.regions.map((r) => ({ region: r.region, healthUrl: `${r.albUrl}${config.healthCheck.path}`, checkPhaseSeconds: r.checkPhaseSeconds })),
    settings: config.route53,
    propagationSeconds: options.propagationSeconds,
    timeScale,
    onCheck: options.onCheck,
    onChange: options.onChange,
  });
  const ttl = wireTtl(ALB_ALIAS_TTL_SECONDS, timeScale);
  const known = (r: string | undefined) => (r && AWS_REGIONS.includes(r) ? r : undefined);
  const answer = (clientRegion?: string): LatencyAnswer => {
    const client = known(clientRegion) ?? options.clientRegion;
    const ordered = byProximity(options.regions, client);
    const healthy = ordered.find((r) => view.health(r.region) === "healthy");
    const chosen = healthy ?? ordered[0];
    return { clientRegion: client, region: chosen.region, address: chosen.address, port: chosen.port, failOpen: healthy === undefined };
  };
  const names = new Map<string, (clientRegion: string) => NameAnswer>();
  names.set(canonicalName(latencyName), (clientRegion) => {
    const a = answer(clientRegion);
    return { address: a.address, port: a.port, region: a.region, ttl };
  });
  if (acceleratorName) names.set(canonicalName(acceleratorName), () => ({ address: LOOPBACK, port: options.acceleratorPort, ttl }));
  const zone = zoneOf(config.domain!.name);
  const server = new LocalDnsServer({
    port: options.port,
    answer: (question, clientRegion) => answerQuestion({ zone, names, soaTtl: wireTtl(SOA_TTL_SECONDS, timeScale) }, question, clientRegion ?? options.clientRegion),
  });
  await server.listen();
  view.start();
  return {
    server,
    latencyName,
    view,
    targetChanged: (region, state) => view.targetChanged(region, state),
    answer,
    snapshot: () => ({
      server: `${server.host}:${server.port}`,
      port: server.port,
      zone,
      latencyName,
      ...(acceleratorName ? { acceleratorName } : {}),
      routing: config.routing as "route53" | "both",
      healthChecks: config.route53.healthChecks,
      requestIntervalSeconds: config.route53.requestIntervalSeconds,
      failureThreshold: config.route53.failureThreshold,
      propagationSeconds: options.propagationSeconds,
      ttlSeconds: Math.round(timeScale.toModelSeconds(ttl * 1000) * 100) / 100,
      wireTtlSeconds: ttl,
      addresses: options.addressMode,
      clientRegion: options.clientRegion,
      answer: answer(),
      regions: view.view().map((v) => {
        const r = options.regions.find((x) => x.region === v.region)!;
        return { ...v, address: r.address, port: r.port };
      }),
      metrics: structuredClone(server.metrics),
    }),
    close: async () => {
      view.close();
      await server.close();
    },
  };
}
