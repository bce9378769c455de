/**
 * The whole GlobalApp on one machine, on loopback only: an in-memory DynamoDB shared by every region
 * (a global table that converges instantly), one emulated ALB + Lambda per configured region
 * (local/region/region.ts), the accelerator in front, and a small admin API. Built from the same AppConfig
 * the stack is synthesized from.
 */
import type { AppConfig } from "../model/config";
import { endpointWeight, healthCheckMode, trafficDial } from "../model/config";
import { functionEnvironment } from "../functions/lib/env";
import { startAdminServer, type AdminServer } from "./admin/admin";
import type { DashboardOptions } from "./admin/dashboard";
import { LocalAccelerator } from "./edge/accelerator";
import { startDynalite, type LocalDynamo } from "./store/dynalite";
import { EventHub, type SystemEvent, type SystemEventListener } from "./events";
import { InvocationError, writeBundle } from "./region/function-host";
import type { TargetState } from "./region/health-checker";
import { DEFAULT_LIMITS, DEFAULT_LOCAL_CONCURRENCY, type LocalLimits } from "./limits";
import { type DnsSnapshot, type LocalDns, startLocalDns } from "./edge/dns";
import { type AddressMode, commonPort, detectAddressMode, LOOPBACK, regionAddress } from "./runtime/loopback";
import { randomSeed, seededRandom } from "./runtime/random";
import { LocalRegion, type RegionState } from "./region/region";
import { timeScale as makeTimeScale, type TimeScale } from "../lib/time-scale";

export type { SystemEvent, SystemEventListener, SystemEventType } from "./events";
export type { LocalRegion } from "./region/region";

/** The article's seed item; the stack writes the same one (constructs/global-table.ts SEED_ITEM). */
export const LOCAL_SEED_ITEM = { item_id: "foobar", message: "Hello from GlobalApp" } as const;

/** Settings of {@link startLocalSystem}; everything but `config` has a default from `config.local`. */
export interface LocalSystemOptions {
  /** The validated config (see lib/project.ts loadProjectConfig). */
  readonly config: AppConfig;
  /** @default real time */
  readonly timeScale?: TimeScale;
  /** Accelerator port; 0 for any free one. @default config.local.port */
  readonly port?: number;
  /** Admin port; 0 for any free one. @default config.local.adminPort */
  readonly adminPort?: number;
  /** Accelerator propagation delay, model seconds. @default config.local.propagationSeconds */
  readonly propagationSeconds?: number;
  /** Default client location. @default config.local.clientRegion, else the first of config.regions */
  readonly clientRegion?: string;
  /** POWERTOOLS_LOG_LEVEL of the functions. @default "WARN" */
  readonly logLevel?: string;
  /**
   * Execution environments per region at most (Lambda concurrency); past it requests are throttled.
   * @default config.function.reservedConcurrency, else DEFAULT_LOCAL_CONCURRENCY (32)
   */
  readonly concurrency?: number;
  /**
   * Seed of the random health-check phases: each region's first check comes a random fraction of an
   * interval after start, so where a STATUS change falls in the check cycle varies from system to
   * system as it does on AWS. The same seed gives the same phases. @default a random seed
   */
  readonly seed?: number;
  /**
   * Routing route53 or both: the DNS server's port (UDP and TCP on 127.0.0.1); 0 for any free one.
   * @default config.local.dnsPort
   */
  readonly dnsPort?: number;
  /** Routing route53 or both: Route 53's propagation delay, model seconds. @default the accelerator's (propagationSeconds) */
  readonly dnsPropagationSeconds?: number;
  /**
   * Routing route53 or both: one loopback address per region (`distinct`, Linux) or all on 127.0.0.1
   * (`shared`, where only that address exists, e.g. macOS). @default detected (local/runtime/loopback.ts)
   */
  readonly addressMode?: AddressMode;
  /** Timeouts and connection caps (local/limits.ts); tests shorten them. @default DEFAULT_LIMITS */
  readonly limits?: Partial<LocalLimits>;
  /** Told of every state change (the same as `subscribe` right after start). */
  readonly onEvent?: SystemEventListener;
  /** The admin port's dashboard: demo traffic, event-stream limits. @default no demo traffic, DEFAULT_SSE_LIMITS */
  readonly dashboard?: DashboardOptions;
}

/** The region's state as the admin API shows it. */
export interface RegionSnapshot extends RegionState {
  /** The health the accelerator acts on (after the propagation delay). */
  readonly acceleratorHealth: TargetState;
  readonly dial: number;
  readonly weight: number;
  /** Connections the accelerator sent here. */
  readonly connections: number;
  /** Connections the accelerator sent here that the region's ALB refused (the region was killed). */
  readonly refusedConnections: number;
}

/** The whole system's state: what `GET /` of the admin API answers. */
export interface SystemSnapshot {
  readonly acceleratorUrl: string;
  readonly adminUrl: string;
  /** Real seconds per model second. */
  readonly timeScale: number;
  /** Model seconds since start. */
  readonly uptimeSeconds: number;
  readonly propagationSeconds: number;
  readonly clientRegion: string;
  readonly clientAffinity: "NONE" | "SOURCE_IP";
  readonly healthCheck: AppConfig["healthCheck"];
  /** The seed the health-check phases were drawn from (`--seed` reproduces them). */
  readonly seed: number;
  /** Execution environments per region at most. */
  readonly concurrency: number;
  readonly limits: LocalLimits;
  /** Connections waiting at the accelerator for their first request headers. */
  readonly pendingConnections: number;
  readonly regions: readonly RegionSnapshot[];
  /** Routing route53 or both: the DNS server, Route 53's view of each region and the current answer. */
  readonly dns?: DnsSnapshot;
}

/** A running local system. */
export interface LocalSystem {
  readonly config: AppConfig;
  readonly timeScale: TimeScale;
  readonly dynamo: LocalDynamo;
  readonly accelerator: LocalAccelerator;
  readonly regions: ReadonlyMap<string, LocalRegion>;
  readonly acceleratorUrl: string;
  readonly adminUrl: string;
  readonly propagationSeconds: number;
  /** Routing route53 or both: the local authoritative DNS. */
  readonly dns?: LocalDns;
  /** Why regions share 127.0.0.1 when DNS needed distinct addresses (undefined when they do not). */
  readonly addressNote?: string;
  /** Sets a region's STATUS env var; resolves when a new function environment with it serves. */
  setStatus(region: string, status: string): Promise<void>;
  /** Region outage: the function and the ALB's listener go away (connections refused). */
  kill(region: string): Promise<void>;
  /** Ends the outage. */
  restore(region: string): Promise<void>;
  setDial(region: string, dial: number): void;
  setWeight(region: string, weight: number): void;
  /** Tells `listener` of every event from now on; returns the function that stops it. */
  subscribe(listener: SystemEventListener): () => void;
  snapshot(): SystemSnapshot;
  /** Model seconds since start. */
  now(): number;
  close(): Promise<void>;
}

/** Starts everything; on failure, stops what was started and rethrows. */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { config } = options;
  const scale = options.timeScale ?? makeTimeScale(1);
  const propagationSeconds = options.propagationSeconds ?? config.local.propagationSeconds;
  const clientRegion = options.clientRegion ?? config.local.clientRegion ?? config.regions[0];
  const concurrency = options.concurrency ?? config.function.reservedConcurrency ?? DEFAULT_LOCAL_CONCURRENCY;
  const limits: LocalLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const seed = options.seed ?? randomSeed();
  const random = seededRandom(seed);
  const started = Date.now();
  const now = () => scale.toModelSeconds(Date.now() - started);
  const events = new EventHub((err) => console.error("local: an event listener failed:", err));
  if (options.onEvent) events.subscribe(options.onEvent);
  const emit = (e: SystemEvent) => events.emit(e);

  const cleanup: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
    cleanup.length = 0;
  };
  try {
    const dynamo = await startDynalite({ tableName: config.tableName, items: [LOCAL_SEED_ITEM] });
    cleanup.push(() => dynamo.close());
    const file = writeBundle();

    // DNS needs an address per region to point at, all on one port (the accelerator's): see local/runtime/loopback.ts.
    const servesDns = config.routing !== "accelerator";
    const detected = servesDns ? (options.addressMode ? { mode: options.addressMode } : await detectAddressMode(config.regions.length)) : undefined;
    const addressMode: AddressMode = detected?.mode ?? "shared";
    const hostOf = (i: number) => regionAddress(i, addressMode);
    const acceleratorPort = options.port ?? config.local.port;
    const sharedPort =
      addressMode === "distinct" ? await commonPort([LOOPBACK, ...config.regions.map((_, i) => hostOf(i))], acceleratorPort) : undefined;

    const regions = new Map<string, LocalRegion>();
    // The accelerator needs the ALBs' ports, the ALBs report health to the accelerator: ALBs first.
    let accelerator: LocalAccelerator | undefined;
    let dns: LocalDns | undefined;
    for (const [index, region] of config.regions.entries()) {
      regions.set(
        region,
        new LocalRegion({
          region,
          function: {
            file,
            region,
            functionName: `${config.appName}-${config.environment}-${region}-get`,
            env: {
              ...functionEnvironment({ tableName: config.tableName, healthCheckMode: healthCheckMode(config), healthPath: config.healthCheck.path }),
              AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
              POWERTOOLS_LOG_LEVEL: options.logLevel ?? "WARN",
            },
            timeoutMs: config.function.timeoutSeconds * 1000,
            memoryMb: config.function.memoryMb,
            concurrency,
            initTimeoutMs: limits.functionInitTimeoutMs,
          },
          healthCheck: config.healthCheck,
          healthCheckPhaseSeconds: random() * config.healthCheck.intervalSeconds,
          multiValueHeaders: config.function.multiValueHeaders,
          timeScale: scale,
          limits,
          host: hostOf(index),
          port: sharedPort ?? 0,
          onTransition: (t) => {
            emit({ t: now(), type: "health", region, ...t });
            accelerator?.healthChanged(region, t.to);
            dns?.targetChanged(region, t.to);
          },
        }),
      );
    }
    cleanup.push(async () => {
      for (const r of regions.values()) await r.close();
    });
    // Every region's function loads at once (each is a cold start of the bundle).
    await Promise.all([...regions.values()].map((r) => r.start()));

    accelerator = new LocalAccelerator({
      groups: config.regions.map((region) => ({
        region,
        dial: trafficDial(config, region),
        weight: endpointWeight(config, region),
        host: regions.get(region)!.alb.host,
        port: regions.get(region)!.alb.port,
      })),
      clientAffinity: config.accelerator.clientAffinity,
      clientRegion,
      propagationSeconds,
      timeScale: scale,
      port: sharedPort ?? acceleratorPort,
      idleTimeoutMs: limits.acceleratorIdleTimeoutMs,
      maxPendingConnections: limits.acceleratorMaxPendingConnections,
      headWaitMs: limits.acceleratorHeadWaitMs,
      onHealth: (region, health) => emit({ t: now(), type: "propagated", region, health }),
    });
    await accelerator.listen();
    const acc = accelerator;
    cleanup.push(() => acc.close());
    // Health already known before the accelerator existed still has to reach it.
    for (const r of regions.values()) if (r.alb.state !== "initial") acc.healthChanged(r.region, r.alb.state);

    if (servesDns) {
      const started = await startLocalDns({
        config,
        // Drawn after the regions' phases, so a seed gives the same ALB phases with or without DNS.
        regions: config.regions.map((region) => {
          const alb = regions.get(region)!.alb;
          return { region, address: alb.host, port: alb.port, albUrl: alb.url, checkPhaseSeconds: random() * config.route53.requestIntervalSeconds };
        }),
        acceleratorPort: Number(new URL(acc.url).port),
        addressMode,
        port: options.dnsPort ?? config.local.dnsPort,
        clientRegion,
        propagationSeconds: options.dnsPropagationSeconds ?? propagationSeconds,
        timeScale: scale,
        onCheck: (region, t) => emit({ t: now(), type: "route53-check", region, ...t }),
        onChange: (region, health) => {
          const a = started.answer();
          emit({ t: now(), type: "dns", region, health, answer: { name: started.latencyName, clientRegion: a.clientRegion, region: a.region, address: a.address, failOpen: a.failOpen } });
        },
      });
      dns = started;
      cleanup.push(() => started.close());
      for (const r of regions.values()) if (r.alb.state !== "initial") started.targetChanged(r.region, r.alb.state);
    }
    const localDns = dns;

    const regionOf = (name: string): LocalRegion => {
      const r = regions.get(name);
      if (!r) throw new RangeError(`unknown region "${name}"; regions: ${[...regions.keys()].join(", ")}`);
      return r;
    };

    let admin: AdminServer | undefined;
    const system: LocalSystem = {
      config,
      timeScale: scale,
      dynamo,
      accelerator: acc,
      regions,
      acceleratorUrl: acc.url,
      get adminUrl() {
        return admin?.url ?? "";
      },
      propagationSeconds,
      ...(localDns ? { dns: localDns } : {}),
      ...(detected?.reason ? { addressNote: detected.reason } : {}),
      now,
      async setStatus(region, status) {
        try {
          await regionOf(region).setStatus(status);
          emit({ t: now(), type: "status", region, status });
        } catch (err) {
          if (err instanceof InvocationError) emit({ t: now(), type: "status", region, status, error: err.message });
          throw err;
        }
      },
      async kill(region) {
        await regionOf(region).kill();
        emit({ t: now(), type: "kill", region });
      },
      async restore(region) {
        await regionOf(region).restore();
        emit({ t: now(), type: "restore", region });
      },
      setDial(region, dial) {
        regionOf(region);
        acc.setDial(region, dial);
        emit({ t: now(), type: "dial", region, value: dial });
      },
      setWeight(region, weight) {
        regionOf(region);
        acc.setWeight(region, weight);
        emit({ t: now(), type: "weight", region, value: weight });
      },
      subscribe: (listener) => events.subscribe(listener),
      snapshot() {
        const groups = acc.view();
        return {
          acceleratorUrl: acc.url,
          adminUrl: system.adminUrl,
          timeScale: scale.factor,
          uptimeSeconds: now(),
          propagationSeconds,
          clientRegion,
          clientAffinity: config.accelerator.clientAffinity,
          healthCheck: config.healthCheck,
          seed,
          concurrency,
          limits,
          pendingConnections: acc.pendingConnections,
          regions: [...regions.values()].map((r) => {
            const g = groups.find((x) => x.region === r.region)!;
            return { ...r.state(), acceleratorHealth: g.health, dial: g.dial, weight: g.weight, connections: g.connections, refusedConnections: g.refused };
          }),
          ...(localDns ? { dns: localDns.snapshot() } : {}),
        };
      },
      close: closeAll,
    };
    admin = await startAdminServer(system, options.adminPort ?? config.local.adminPort, options.dashboard);
    const adm = admin;
    cleanup.push(() => adm.close());
    return system;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
