/**
 * The composition root of the whole GlobalApp on one machine, on loopback only: it starts the parts
 * in order and hands back the running system (local/types.ts):
 *
 * 1. the stores: one in-memory DynamoDB per region, joined by a replicator that behaves like a
 *    global table (local/store/);
 * 2. the regions: an emulated ALB + Lambda each, each function on its own region's store (local/region/);
 * 3. the edge: the accelerator in front, and with routing route53 or both the Route 53 emulation
 *    (local/edge/).
 *
 * Each part starts and stops itself; a part that fails to start stops the ones before it. The admin
 * API and dashboard (local/admin/) are started on the running system by whoever composes it
 * (`npm run local`, the drill's and shift's local target). Built from the same AppConfig the stack
 * is synthesized from.
 */
import type { AppConfig } from "../model/config";
import { endpointWeight, healthCheckMode, trafficDial } from "../model/config";
import { functionEnvironment } from "../functions/lib/env";
import { LOCAL_DYNAMODB_ENDPOINT_VAR, LOG_LEVEL_VAR } from "../functions/lib/variables";
import { functionBundle } from "../constructs/lib/bundle";
import { timeScale as makeTimeScale, type TimeScale } from "../lib/time-scale";
import { LocalAccelerator } from "./edge/accelerator";
import { type LocalDns, startLocalDns } from "./edge/dns";
import { EventHub, type SystemEvent, type SystemEventListener } from "./events";
import { DEFAULT_LIMITS, DEFAULT_LOCAL_CONCURRENCY, type LocalLimits } from "./limits";
import { InvocationError, writeBundle } from "./region/function-host";
import type { TargetState } from "./region/health-checker";
import { LocalRegion } from "./region/region";
import { type AddressMode, type AddressPlan, planAddresses } from "./runtime/loopback";
import { Parts } from "./runtime/parts";
import { randomSeed, seededRandom } from "./runtime/random";
import type { LagDistribution } from "../model/replication";
import { type RegionStore, startRegionStore } from "./store/region-store";
import { Replicator } from "./store/replicator";
import type { LocalSystem } from "./types";

export type { LocalSystem, RegionSnapshot, SystemSnapshot } from "./types";

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
   * Milliseconds every invocation holds its execution environment at least: the function's
   * duration, emulated (a local handler answers in about a millisecond), so the concurrency a load
   * needs is what the capacity model predicts for a function of that duration (`npm run drill --
   * --load` sets it to capacity.functionMilliseconds). Real milliseconds, like the function's
   * timeout: the time scale compresses the control plane's timeline, not the requests.
   * @default none: as long as the handler takes
   */
  readonly functionMilliseconds?: number;
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
  /** The replication lag between the regions' stores, model seconds. @default config.local.replication.lagSeconds */
  readonly replicationLag?: LagDistribution;
  /** Timeouts and connection caps (local/limits.ts); tests shorten them. @default DEFAULT_LIMITS */
  readonly limits?: Partial<LocalLimits>;
  /** Told of every state change (the same as `subscribe` right after start). */
  readonly onEvent?: SystemEventListener;
}

/** The options with their defaults applied, and what the parts share. */
interface Settings {
  readonly config: AppConfig;
  readonly scale: TimeScale;
  readonly propagationSeconds: number;
  readonly clientRegion: string;
  readonly concurrency: number;
  readonly functionMilliseconds?: number;
  readonly limits: LocalLimits;
  readonly seed: number;
  /** Draws the regions' health-check phases, then Route 53's, in that order. */
  readonly random: () => number;
  readonly replicationLag: LagDistribution;
  /** Model seconds since start. */
  readonly now: () => number;
  readonly emit: (e: SystemEvent) => void;
}

/**
 * Target-group health, from the regions to what routes by it (the accelerator, Route 53's checks
 * of type alias). The regions start first: a router that follows later hears the health so far.
 */
class TargetHealth {
  private readonly known = new Map<string, TargetState>();
  private readonly routers: ((region: string, health: TargetState) => void)[] = [];

  changed(region: string, health: TargetState): void {
    this.known.set(region, health);
    for (const router of this.routers) router(region, health);
  }

  follow(router: (region: string, health: TargetState) => void): void {
    for (const [region, health] of this.known) router(region, health);
    this.routers.push(router);
  }
}

/** Starts every part; on failure, stops what was started and rethrows. */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const events = new EventHub((err) => console.error("local: an event listener failed:", err));
  if (options.onEvent) events.subscribe(options.onEvent);
  const settings = settingsOf(options, (e) => events.emit(e));
  const { config } = settings;
  // The config's function, as the stack ships it (the item API, or your own function.entry in its
  // wrapper), built first: an entry that does not bundle is a config error before anything starts.
  const bundleFile = writeBundle(functionBundle(config));
  const parts = new Parts();
  try {
    const stores = await startStores(settings, parts);
    const replicator = parts.add(startReplicator(settings, stores));
    const servesDns = config.routing !== "accelerator";
    const addresses = await planAddresses(config.regions.length, { servesDns, mode: options.addressMode, acceleratorPort: options.port ?? config.local.port });
    const health = new TargetHealth();
    const regions = await startRegions(settings, parts, { bundleFile, stores, addresses, health, logLevel: options.logLevel ?? "WARN" });
    const accelerator = parts.add(await startAccelerator(settings, regions, addresses, health));
    const dns = servesDns ? parts.add(await startDns(settings, regions, accelerator, addresses, health, options)) : undefined;
    return runningSystem(settings, { stores, replicator, regions, accelerator, dns, addressNote: addresses.note, close: () => parts.close() }, events);
  } catch (err) {
    await parts.close();
    throw err;
  }
}

function settingsOf(options: LocalSystemOptions, emit: (e: SystemEvent) => void): Settings {
  const { config } = options;
  const scale = options.timeScale ?? makeTimeScale(1);
  const seed = options.seed ?? randomSeed();
  const started = Date.now();
  return {
    config,
    scale,
    propagationSeconds: options.propagationSeconds ?? config.local.propagationSeconds,
    clientRegion: options.clientRegion ?? config.local.clientRegion ?? config.regions[0],
    concurrency: options.concurrency ?? config.function.reservedConcurrency ?? DEFAULT_LOCAL_CONCURRENCY,
    ...(options.functionMilliseconds !== undefined ? { functionMilliseconds: options.functionMilliseconds } : {}),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    seed,
    random: seededRandom(seed),
    replicationLag: options.replicationLag ?? config.local.replication.lagSeconds,
    now: () => scale.toModelSeconds(Date.now() - started),
    emit,
  };
}

/** Salt of the replication lags' seed: the same system seed, a stream of its own (the health-check phases stay as they were). */
const REPLICATION_SALT = 0x2545f491;

/** One store per region, each its own part, all with the seed item. */
async function startStores(s: Settings, parts: Parts): Promise<ReadonlyMap<string, RegionStore>> {
  const stores = new Map<string, RegionStore>();
  const started = await Promise.allSettled(s.config.regions.map((region) => startRegionStore({ region, tableName: s.config.tableName, items: [LOCAL_SEED_ITEM], now: s.now })));
  for (const [i, r] of started.entries()) if (r.status === "fulfilled") stores.set(s.config.regions[i], parts.add(r.value));
  const failed = started.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  return stores;
}

/** The replicator between the stores; conflicts become events. */
function startReplicator(s: Settings, stores: ReadonlyMap<string, RegionStore>): Replicator {
  return new Replicator({
    stores: [...stores.values()],
    lag: s.replicationLag,
    random: seededRandom((s.seed ^ REPLICATION_SALT) >>> 0),
    timeScale: s.scale,
    now: s.now,
    onConflict: (c) => s.emit({ type: "conflict", region: c.kept.region, ...c }),
  });
}

/** One region per configured region, each its own part; every function loads at once (each a cold start of the bundle). */
async function startRegions(
  s: Settings,
  parts: Parts,
  wiring: { readonly bundleFile: string; readonly stores: ReadonlyMap<string, RegionStore>; readonly addresses: AddressPlan; readonly health: TargetHealth; readonly logLevel: string },
): Promise<ReadonlyMap<string, LocalRegion>> {
  const { config } = s;
  const file = wiring.bundleFile;
  const regions = new Map<string, LocalRegion>();
  for (const [index, region] of config.regions.entries()) {
    const part = new LocalRegion({
      region,
      function: {
        file,
        region,
        functionName: `${config.appName}-${config.environment}-${region}-get`,
        env: {
          ...functionEnvironment({ tableName: config.tableName, healthCheckMode: healthCheckMode(config), healthPath: config.healthCheck.path }),
          // Each region's function on its own region's replica, as on AWS.
          [LOCAL_DYNAMODB_ENDPOINT_VAR]: wiring.stores.get(region)!.endpoint,
          [LOG_LEVEL_VAR]: wiring.logLevel,
          // Your own function's variables (function.environment); the config's rules keep them off the names above.
          ...config.function.environment,
        },
        timeoutMs: config.function.timeoutSeconds * 1000,
        memoryMb: config.function.memoryMb,
        concurrency: s.concurrency,
        initTimeoutMs: s.limits.functionInitTimeoutMs,
        ...(s.functionMilliseconds !== undefined ? { minDurationMs: s.functionMilliseconds } : {}),
      },
      healthCheck: config.healthCheck,
      healthCheckPhaseSeconds: s.random() * config.healthCheck.intervalSeconds,
      multiValueHeaders: config.function.multiValueHeaders,
      timeScale: s.scale,
      limits: s.limits,
      host: wiring.addresses.host(index),
      port: wiring.addresses.regionPort,
      onTransition: (t) => {
        s.emit({ t: s.now(), type: "health", region, ...t });
        wiring.health.changed(region, t.to);
      },
    });
    regions.set(region, parts.add(part));
  }
  await Promise.all([...regions.values()].map((r) => r.start()));
  return regions;
}

/** The accelerator in front of the regions' ALBs, acting on their health after the propagation delay. */
async function startAccelerator(s: Settings, regions: ReadonlyMap<string, LocalRegion>, addresses: AddressPlan, health: TargetHealth): Promise<LocalAccelerator> {
  const { config } = s;
  const accelerator = new LocalAccelerator({
    groups: config.regions.map((region) => ({
      region,
      dial: trafficDial(config, region),
      weight: endpointWeight(config, region),
      host: regions.get(region)!.alb.host,
      port: regions.get(region)!.alb.port,
    })),
    clientAffinity: config.accelerator.clientAffinity,
    clientRegion: s.clientRegion,
    propagationSeconds: s.propagationSeconds,
    timeScale: s.scale,
    port: addresses.acceleratorPort,
    idleTimeoutMs: s.limits.acceleratorIdleTimeoutMs,
    maxPendingConnections: s.limits.acceleratorMaxPendingConnections,
    headWaitMs: s.limits.acceleratorHeadWaitMs,
    onHealth: (region, h) => s.emit({ t: s.now(), type: "propagated", region, health: h }),
  });
  await accelerator.listen();
  health.follow((region, h) => accelerator.healthChanged(region, h));
  return accelerator;
}

/** Routing route53 or both: the authoritative DNS server with Route 53's view of each region. */
async function startDns(
  s: Settings,
  regions: ReadonlyMap<string, LocalRegion>,
  accelerator: LocalAccelerator,
  addresses: AddressPlan,
  health: TargetHealth,
  options: LocalSystemOptions,
): Promise<LocalDns> {
  const { config } = s;
  const dns = await startLocalDns({
    config,
    // Drawn after the regions' phases, so a seed gives the same ALB phases with or without DNS.
    regions: config.regions.map((region) => {
      const alb = regions.get(region)!.alb;
      return { region, address: alb.host, port: alb.port, albUrl: alb.url, checkPhaseSeconds: s.random() * config.route53.requestIntervalSeconds };
    }),
    acceleratorPort: Number(new URL(accelerator.url).port),
    addressMode: addresses.mode,
    port: options.dnsPort ?? config.local.dnsPort,
    clientRegion: s.clientRegion,
    propagationSeconds: options.dnsPropagationSeconds ?? s.propagationSeconds,
    timeScale: s.scale,
    onCheck: (region, t) => s.emit({ t: s.now(), type: "route53-check", region, ...t }),
    onChange: (region, h) => {
      const a = dns.answer();
      s.emit({ t: s.now(), type: "dns", region, health: h, answer: { name: dns.latencyName, clientRegion: a.clientRegion, region: a.region, address: a.address, failOpen: a.failOpen } });
    },
  });
  health.follow((region, h) => dns.targetChanged(region, h));
  return dns;
}

/** The running parts as one system: the operations the admin API offers, events and the snapshot. */
function runningSystem(
  s: Settings,
  parts: {
    readonly stores: ReadonlyMap<string, RegionStore>;
    readonly replicator: Replicator;
    readonly regions: ReadonlyMap<string, LocalRegion>;
    readonly accelerator: LocalAccelerator;
    readonly dns?: LocalDns;
    readonly addressNote?: string;
    readonly close: () => Promise<void>;
  },
  events: { subscribe(listener: SystemEventListener): () => void },
): LocalSystem {
  const { config, now, emit } = s;
  const { regions, accelerator: acc, dns, replicator } = parts;
  const regionOf = (name: string): LocalRegion => {
    const r = regions.get(name);
    if (!r) throw new RangeError(`unknown region "${name}"; regions: ${[...regions.keys()].join(", ")}`);
    return r;
  };
  return {
    config,
    timeScale: s.scale,
    stores: parts.stores,
    accelerator: acc,
    regions,
    acceleratorUrl: acc.url,
    propagationSeconds: s.propagationSeconds,
    ...(dns ? { dns } : {}),
    ...(parts.addressNote ? { addressNote: parts.addressNote } : {}),
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
      // The region's store stays (nothing acknowledged is lost), cut off from the others until restored.
      replicator.setKilled(region, true);
      emit({ t: now(), type: "kill", region });
    },
    async restore(region) {
      await regionOf(region).restore();
      replicator.setKilled(region, false);
      emit({ t: now(), type: "restore", region });
    },
    pauseReplication(region) {
      regionOf(region);
      replicator.pause(region);
      emit({ t: now(), type: "replication", region, paused: true });
    },
    resumeReplication(region) {
      regionOf(region);
      replicator.resume(region);
      emit({ t: now(), type: "replication", region, paused: false });
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
        timeScale: s.scale.factor,
        uptimeSeconds: now(),
        propagationSeconds: s.propagationSeconds,
        clientRegion: s.clientRegion,
        clientAffinity: config.accelerator.clientAffinity,
        healthCheck: config.healthCheck,
        seed: s.seed,
        concurrency: s.concurrency,
        ...(s.functionMilliseconds !== undefined ? { functionMilliseconds: s.functionMilliseconds } : {}),
        limits: s.limits,
        pendingConnections: acc.pendingConnections,
        regions: [...regions.values()].map((r) => {
          const g = groups.find((x) => x.region === r.region)!;
          return {
            ...r.state(),
            acceleratorHealth: g.health,
            dial: g.dial,
            weight: g.weight,
            connections: g.connections,
            refusedConnections: g.refused,
            replication: replicator.state(r.region),
          };
        }),
        replication: { lagSeconds: s.replicationLag, backlog: replicator.backlog, conflicts: replicator.conflicts },
        ...(dns ? { dns: dns.snapshot() } : {}),
      };
    },
    close: parts.close,
  };
}
