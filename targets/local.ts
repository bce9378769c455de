/**
 * `--target local`: the local system's accelerator and admin API. Uses a running `npm run local`
 * when its admin API answers, else starts a system of its own (on free ports, or the ones given)
 * for the drill. An admin API named explicitly (`--admin URL`) must answer: it is never silently
 * replaced by a system of the drill's own.
 */
import { type AppConfig, deepMerge, parseConfig } from "../model/config";
import { UsageError } from "../lib/cli";
import { sleep, timeScale as makeTimeScale, type TimeScale } from "../lib/time-scale";
import { AdminClient } from "../local/admin/admin";
import type { SystemEvent } from "../local/events";
import { type RunningLocal, startLocal } from "../local/start";
import type { LocalSystem, SystemSnapshot } from "../local/types";
import type { DnsTargetInfo, DrillTarget, HealthChange } from "./target";

/**
 * The domain a system started for a DNS drill gets when the config has none: a name under the
 * reserved `example.com` (RFC 2606), so it can never collide with a real one.
 */
export const PLACEHOLDER_DOMAIN = { name: "api.example.com", hostedZoneId: "ZLOCALPLACEHOLDER" } as const;

/**
 * The config of a system started for a drill that needs DNS (`--routing route53`, `--compare`):
 * the config itself when its routing serves DNS, else the same with routing `both` and, without a
 * domain, {@link PLACEHOLDER_DOMAIN}. @throws ConfigError when the result is not a valid config
 */
export function configWithDns(config: AppConfig): AppConfig {
  if (config.routing !== "accelerator") return config;
  return parseConfig(deepMerge(config, { routing: "both", ...(config.domain ? {} : { domain: PLACEHOLDER_DOMAIN }) }));
}

/** The latency records of a running system, as the drill polls them. */
function dnsInfo(s: SystemSnapshot): DnsTargetInfo | undefined {
  const d = s.dns;
  if (!d) return undefined;
  // Every region listens on the accelerator's port at its own address (or notes its port in the answer).
  const port = new URL(s.acceleratorUrl).port;
  return {
    name: d.latencyName,
    url: `http://${d.latencyName}:${port}`,
    server: { host: "127.0.0.1", port: d.port },
    serverDescription: `local authoritative ${d.server}`,
    recursionDesired: false,
    settings: {
      healthChecks: d.healthChecks,
      requestIntervalSeconds: d.requestIntervalSeconds,
      failureThreshold: d.failureThreshold,
      propagationSeconds: d.propagationSeconds,
      ttlSeconds: d.ttlSeconds,
    },
  };
}

/** Settings of {@link localTarget}. */
export interface LocalTargetOptions {
  readonly config: AppConfig;
  /** The time scale wanted; a running system's own wins (with a warning). @default 1 */
  readonly timeScale?: TimeScale;
  /**
   * Admin API of a running system, named explicitly: it must answer, else UsageError. Without it, the
   * one at http://127.0.0.1:<config.local.adminPort> is used when it answers. @default none
   */
  readonly adminUrl?: string;
  /** Never use a running system; always start one. @default false */
  readonly fresh?: boolean;
  /** Propagation delay of a system started here, model seconds. @default config.local.propagationSeconds */
  readonly propagationSeconds?: number;
  /** Execution environments per region of a system started here. @default config.function.reservedConcurrency, else the local default */
  readonly concurrency?: number;
  /** Ms every invocation of a system started here holds its environment at least (the function's duration, emulated; real time, as requests are). @default none */
  readonly functionMilliseconds?: number;
  /** Seed of the health-check phases of a system started here. @default random */
  readonly seed?: number;
  /**
   * The drill polls the latency records: a running system must serve DNS, and one started here gets
   * routing `both` (and a placeholder domain) when the config's routing is `accelerator`. @default false
   */
  readonly needsDns?: boolean;
  /** Accelerator port of a system started here; 0 for any free one. @default 0 */
  readonly port?: number;
  /** Admin API port of a system started here; 0 for any free one. @default 0 */
  readonly adminPort?: number;
  /** DNS port of a system started here; 0 for any free one. @default 0 */
  readonly dnsPort?: number;
  /**
   * Checks the regions of the system about to be used (a running one's, or the config's before one
   * is started), so a bad argument fails before a system starts. @default no check
   */
  readonly validate?: (regions: readonly string[]) => void;
  /** Told of what the target decided (running system found, scale differs, …). */
  readonly log?: (message: string) => void;
  /** What the system is started for, in that message. @default "the drill" */
  readonly purpose?: string;
}

/** Connects to (or starts) the local system and wraps it as a drill target. */
export async function localTarget(options: LocalTargetOptions): Promise<DrillTarget & { readonly started?: LocalSystem; readonly adminUrl: string }> {
  const log = options.log ?? (() => undefined);
  let admin = new AdminClient(options.adminUrl ?? `http://127.0.0.1:${options.config.local.adminPort}`);
  let local: RunningLocal | undefined;
  let started: LocalSystem | undefined;
  let snapshot: SystemSnapshot | undefined;
  if (options.adminUrl !== undefined) {
    snapshot = await admin.snapshot(AbortSignal.timeout(5000)).catch((err: unknown) => {
      const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new UsageError(`--admin ${options.adminUrl}: no local system's admin API answers there (${why}); start \`npm run local\` first, or leave out --admin`);
    });
  } else if (!options.fresh) {
    snapshot = await admin.snapshot(AbortSignal.timeout(1000)).catch(() => undefined);
  }
  options.validate?.(snapshot ? snapshot.regions.map((r) => r.region) : options.config.regions);
  if (snapshot) {
    log(`using the local system running at ${snapshot.acceleratorUrl} (admin ${admin.url})`);
    if (options.needsDns && !snapshot.dns) {
      throw new Error(
        "the running local system serves no DNS (its routing is accelerator): restart `npm run local` with routing both (GLOBALAPP_CONFIG), or pass --fresh to drill a system of the drill's own",
      );
    }
    if (options.timeScale && Math.abs(options.timeScale.factor - snapshot.timeScale) > 1e-9) {
      log(`it runs at time scale ${snapshot.timeScale}, not ${options.timeScale.factor}: using ${snapshot.timeScale}`);
    }
  } else {
    const config = options.needsDns ? configWithDns(options.config) : options.config;
    if (config !== options.config) {
      log(`starting the drill's system with routing both${options.config.domain ? "" : ` and the placeholder domain ${PLACEHOLDER_DOMAIN.name}`} (the config's routing is ${options.config.routing})`);
    }
    local = await startLocal({
      config,
      dnsPort: options.dnsPort ?? 0,
      timeScale: options.timeScale,
      port: options.port ?? 0,
      propagationSeconds: options.propagationSeconds,
      concurrency: options.concurrency,
      functionMilliseconds: options.functionMilliseconds,
      seed: options.seed,
      logLevel: "ERROR",
      admin: { port: options.adminPort ?? 0 },
    });
    started = local.system;
    admin = new AdminClient(local.admin.url);
    snapshot = started.snapshot();
    const dns = snapshot.dns ? `, DNS 127.0.0.1:${snapshot.dns.port}` : "";
    log(`started a local system for ${options.purpose ?? "the drill"} at ${snapshot.acceleratorUrl} (admin ${admin.url}${dns})`);
  }
  const first = snapshot;
  const scale = makeTimeScale(first.timeScale);
  return {
    kind: "local",
    started,
    adminUrl: admin.url,
    regions: first.regions.map((r) => r.region),
    healthCheck: first.healthCheck,
    propagationSeconds: first.propagationSeconds,
    timeScale: scale,
    acceleratorUrl: first.acceleratorUrl,
    ...(dnsInfo(first) ? { dns: dnsInfo(first) } : {}),
    albUrls: Object.fromEntries(first.regions.map((r) => [r.region, r.albUrl])),
    seed: first.seed,
    healthCheckPhaseSeconds: Object.fromEntries(first.regions.map((r) => [r.region, round(r.healthCheckPhaseSeconds)])),
    capacity: {
      groups: first.regions.map((r) => ({ region: r.region, dial: r.dial, weight: r.weight })),
      concurrencyLimit: first.concurrency,
      functionMilliseconds: first.functionMilliseconds ?? options.config.capacity.functionMilliseconds,
      durationEmulated: first.functionMilliseconds !== undefined,
      clientRegions: first.regions.map((r) => r.region),
    },
    describeChange: (region, status) => [`set STATUS=${status} in the local ${region} function (admin ${admin.url})`],
    async waitReady(signal, routing = "accelerator") {
      // Every region healthy as the routing sees it (the accelerator, or Route 53's answers): else a
      // failover has nowhere to go but fail-open.
      const hc = first.healthCheck;
      const dns = first.dns;
      const dnsDetection = dns && dns.healthChecks === "route53" ? dns.failureThreshold * dns.requestIntervalSeconds : 0;
      const propagation = Math.max(first.propagationSeconds, dns?.propagationSeconds ?? 0);
      const limit = Date.now() + scale.toRealMs(3 * hc.healthyThreshold * hc.intervalSeconds + hc.timeoutSeconds + dnsDetection + propagation + 30);
      for (;;) {
        const s = await admin.snapshot(signal);
        const seen = (r: SystemSnapshot["regions"][number]) =>
          routing === "route53" ? (s.dns?.regions.find((d) => d.region === r.region)?.health ?? "unhealthy") : r.acceleratorHealth;
        const notReady = s.regions.filter((r) => seen(r) !== "healthy" || r.killed);
        if (notReady.length === 0) return;
        if (Date.now() > limit) {
          const who = routing === "route53" ? "Route 53" : "the accelerator";
          throw new Error(`regions not healthy as ${who} sees them: ${notReady.map((r) => `${r.region} (${r.killed ? "killed" : `${seen(r)}, STATUS=${r.status}`})`).join(", ")}`);
        }
        await sleep(Math.max(20, scale.toRealMs(1)), signal);
      }
    },
    async getStatus(region) {
      const r = (await admin.snapshot()).regions.find((x) => x.region === region);
      if (!r) throw new Error(`unknown region ${region}`);
      return r.status;
    },
    async setStatus(region, status) {
      await admin.setStatus(region, status);
    },
    async watchHealth(listener) {
      const onEvent = (e: SystemEvent) => {
        const change = healthChangeOf(e);
        if (change) listener(change);
      };
      // In this process: the system's own event stream; a running one: its admin API's event stream.
      return started ? started.subscribe(onEvent) : admin.watch(onEvent);
    },
    close: async () => {
      await local?.close();
    },
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The health change a system event is, if it is one: a detection (target group, Route 53 check) or a propagation (accelerator, DNS). */
function healthChangeOf(e: SystemEvent): HealthChange | undefined {
  switch (e.type) {
    case "health":
      return { region: e.region, at: "target", health: e.to };
    case "route53-check":
      return { region: e.region, at: "route53-check", health: e.to };
    case "propagated":
      return { region: e.region, at: "accelerator", health: e.health };
    case "dns":
      return { region: e.region, at: "dns", health: e.health };
    default:
      return undefined;
  }
}
