/**
 * `--target local`: the local system's accelerator and admin API. Uses a running `npm run local`
 * when its admin API answers, else starts a system of its own (on free ports) for the drill.
 */
import type { AppConfig } from "../model/config";
import { AdminClient } from "../local/admin";
import { startLocalSystem, type LocalSystem, type SystemSnapshot } from "../local/system";
import { sleep, timeScale as makeTimeScale, type TimeScale } from "../local/time-scale";
import type { DrillTarget } from "./drill";

/** Settings of {@link localTarget}. */
export interface LocalTargetOptions {
  readonly config: AppConfig;
  /** The time scale wanted; a running system's own wins (with a warning). @default 1 */
  readonly timeScale?: TimeScale;
  /** Admin API of a running system. @default http://127.0.0.1:<config.local.adminPort> */
  readonly adminUrl?: string;
  /** Never use a running system; always start one. @default false */
  readonly fresh?: boolean;
  /** Propagation delay of a system started here, model seconds. @default config.local.propagationSeconds */
  readonly propagationSeconds?: number;
  /** Seed of the health-check phases of a system started here. @default random */
  readonly seed?: number;
  /** Told of what the target decided (running system found, scale differs, …). */
  readonly log?: (message: string) => void;
  /** What the system is started for, in that message. @default "the drill" */
  readonly purpose?: string;
}

/** Connects to (or starts) the local system and wraps it as a drill target. */
export async function localTarget(options: LocalTargetOptions): Promise<DrillTarget & { readonly started?: LocalSystem; readonly adminUrl: string }> {
  const log = options.log ?? (() => undefined);
  let admin = new AdminClient(options.adminUrl ?? `http://127.0.0.1:${options.config.local.adminPort}`);
  let started: LocalSystem | undefined;
  let snapshot: SystemSnapshot | undefined;
  if (!options.fresh) snapshot = await admin.snapshot(AbortSignal.timeout(1000)).catch(() => undefined);
  if (snapshot) {
    log(`using the local system running at ${snapshot.acceleratorUrl} (admin ${admin.url})`);
    if (options.timeScale && Math.abs(options.timeScale.factor - snapshot.timeScale) > 1e-9) {
      log(`it runs at time scale ${snapshot.timeScale}, not ${options.timeScale.factor}: using ${snapshot.timeScale}`);
    }
  } else {
    started = await startLocalSystem({
      config: options.config,
      timeScale: options.timeScale,
      port: 0,
      adminPort: 0,
      propagationSeconds: options.propagationSeconds,
      seed: options.seed,
      logLevel: "ERROR",
    });
    admin = new AdminClient(started.adminUrl);
    snapshot = started.snapshot();
    log(`started a local system for ${options.purpose ?? "the drill"} at ${snapshot.acceleratorUrl} (admin ${admin.url})`);
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
    albUrls: Object.fromEntries(first.regions.map((r) => [r.region, r.albUrl])),
    seed: first.seed,
    healthCheckPhaseSeconds: Object.fromEntries(first.regions.map((r) => [r.region, round(r.healthCheckPhaseSeconds)])),
    describeChange: (region, status) => [`set STATUS=${status} in the local ${region} function (admin ${admin.url})`],
    async waitReady(signal) {
      // Every region healthy as the accelerator sees it: else a failover has nowhere to go but fail-open.
      const hc = first.healthCheck;
      const limit = Date.now() + scale.toRealMs(3 * hc.healthyThreshold * hc.intervalSeconds + hc.timeoutSeconds + first.propagationSeconds + 30);
      for (;;) {
        const s = await admin.snapshot(signal);
        const notReady = s.regions.filter((r) => r.acceleratorHealth !== "healthy" || r.killed);
        if (notReady.length === 0) return;
        if (Date.now() > limit) {
          throw new Error(`regions not healthy: ${notReady.map((r) => `${r.region} (${r.killed ? "killed" : `${r.acceleratorHealth}, STATUS=${r.status}`})`).join(", ")}`);
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
    close: async () => {
      await started?.close();
    },
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
