/**
 * The global table's replication between the regions' stores (./region-store.ts), as DynamoDB does it
 * in multi-Region eventual consistency (model/replication.ts has the sources):
 *
 * - every acknowledged write is applied to every other region asynchronously, after a lag drawn from
 *   the configured distribution (model seconds, on the system's time scale, from the system's seed);
 * - per item and destination, changes apply in the order they were written (a change never overtakes
 *   an earlier one to the same item); items are independent of each other;
 * - last writer wins: a replica keeps the later of its version and the incoming one, so every region
 *   ends on the same version once replication has caught up; deletes replicate as tombstones;
 * - two writes to one item in different regions, each made without the other, conflict: counted,
 *   and resolved by last writer wins;
 * - a paused region (like AWS FIS `aws:dynamodb:global-table-pause-replication`, "pausing replication
 *   to and from a selected replica": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables-CoreConcepts.html)
 *   and a killed one neither send nor receive; their changes wait, and are applied at once when the
 *   region resumes or is restored. Nothing acknowledged is lost.
 */
import { compareVersions, drawLag, type ItemVersion, type LagDistribution } from "../../model/replication";
import type { TimeScale } from "../../lib/time-scale";
import type { RegionStore, StoredChange } from "./region-store";

/** A conflict: two writes to one item, each made without the other; last writer wins kept `kept`. */
export interface ReplicationConflict {
  /** The item's `item_id`. */
  readonly item: string;
  /** When the replicator saw it, model seconds. */
  readonly t: number;
  /** The later write, which every region ends with. */
  readonly kept: ItemVersion;
  /** The earlier write, overwritten everywhere. */
  readonly lost: ItemVersion;
}

/** One region's replication, as the admin API and the dashboard show it. */
export interface RegionReplication {
  /** Paused through the admin API. */
  readonly paused: boolean;
  /** Neither sending nor receiving: paused, or the region is killed. */
  readonly stopped: boolean;
  /** Changes from other regions waiting to be applied here (the backlog). */
  readonly pendingIn: number;
  /** Changes written here that some other region has not applied yet. */
  readonly pendingOut: number;
  /** Changes applied here since start (replacing the item), and the ones a later version here made moot. */
  readonly applied: number;
  readonly superseded: number;
  /** The lag of the changes applied here in the last {@link LAG_WINDOW_SECONDS} (write to applied, model seconds); null when none. */
  readonly lagSeconds: { readonly p50: number; readonly max: number; readonly samples: number } | null;
}

/** Settings of a {@link Replicator}. */
export interface ReplicatorOptions {
  /** The regions' stores. */
  readonly stores: readonly RegionStore[];
  /** The lag's distribution, model seconds. */
  readonly lag: LagDistribution;
  /** Uniform draws in [0, 1) for the lags (seeded: the same seed draws the same lags in the same order). */
  readonly random: () => number;
  readonly timeScale: TimeScale;
  /** The system's clock, model seconds (the one the stores stamp writes with). */
  readonly now: () => number;
  /** Told of each conflict, once. */
  readonly onConflict?: (conflict: ReplicationConflict) => void;
}

/** Model seconds of applied changes the lag figures cover. */
export const LAG_WINDOW_SECONDS = 60;

/** Model seconds before an apply that failed (the destination's store unreachable) is tried again. */
const RETRY_SECONDS = 1;

/** Conflicts remembered to count each once (each is seen in two regions). */
const REMEMBERED_CONFLICTS = 10_000;

/** A change on its way to one destination. */
interface Entry {
  readonly change: StoredChange;
  /** Model seconds when it is due: its write's stamp plus its lag, never before an earlier change to the item. */
  readonly due: number;
}

/** Everything on its way to one region. */
class Link {
  readonly entries: Entry[] = [];
  /** Due time of the last change queued per item: later ones to the item are never due before it. */
  readonly lastDue = new Map<string, number>();
  timer?: NodeJS.Timeout;
  draining = false;
  retryAt = 0;
  applied = 0;
  superseded = 0;
  readonly lags: { t: number; lag: number }[] = [];

  constructor(readonly store: RegionStore) {}
}

/** Carries each region's changes to the others. */
export class Replicator {
  private readonly links = new Map<string, Link>();
  private readonly paused = new Set<string>();
  private readonly killed = new Set<string>();
  private readonly conflictIds = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;
  /** Conflicts seen since start (each counted once). */
  conflicts = 0;

  constructor(private readonly options: ReplicatorOptions) {
    for (const store of options.stores) this.links.set(store.region, new Link(store));
    for (const store of options.stores) this.unsubscribe.push(store.onChange((c) => this.written(store.region, c)));
  }

  /** Stops replication to and from `region` until {@link resume}. */
  pause(region: string): void {
    this.linkOf(region);
    this.paused.add(region);
  }

  /** Resumes replication to and from `region`; what waited is applied at once. */
  resume(region: string): void {
    this.linkOf(region);
    this.paused.delete(region);
    this.rescheduleAll();
  }

  /** A killed region neither sends nor receives until restored (killed false), then catches up. */
  setKilled(region: string, killed: boolean): void {
    this.linkOf(region);
    if (killed) this.killed.add(region);
    else this.killed.delete(region);
    if (!killed) this.rescheduleAll();
  }

  isPaused(region: string): boolean {
    return this.paused.has(region);
  }

  /** `region`'s replication now. */
  state(region: string): RegionReplication {
    const link = this.linkOf(region);
    const now = this.options.now();
    while (link.lags.length > 0 && link.lags[0].t < now - LAG_WINDOW_SECONDS) link.lags.shift();
    const lags = link.lags.map((l) => l.lag).sort((a, b) => a - b);
    let pendingOut = 0;
    for (const other of this.links.values()) for (const e of other.entries) if (e.change.version.region === region) pendingOut += 1;
    return {
      paused: this.paused.has(region),
      stopped: this.stopped(region),
      pendingIn: link.entries.length,
      pendingOut,
      applied: link.applied,
      superseded: link.superseded,
      lagSeconds: lags.length ? { p50: round(lags[Math.floor((lags.length - 1) / 2)]), max: round(lags[lags.length - 1]), samples: lags.length } : null,
    };
  }

  /** Changes not yet applied everywhere (0: every region holds the same items). */
  get backlog(): number {
    let n = 0;
    for (const link of this.links.values()) n += link.entries.length;
    return n;
  }

  /** Stops replicating; what is still on its way is dropped (the system is going away). */
  async close(): Promise<void> {
    this.closed = true;
    for (const u of this.unsubscribe) u();
    for (const link of this.links.values()) clearTimeout(link.timer);
  }

  private linkOf(region: string): Link {
    const link = this.links.get(region);
    if (!link) throw new RangeError(`unknown region "${region}"; regions: ${[...this.links.keys()].join(", ")}`);
    return link;
  }

  private stopped(region: string): boolean {
    return this.paused.has(region) || this.killed.has(region);
  }

  /** A write acknowledged in `origin`: one entry per other region, each with a lag of its own. */
  private written(origin: string, change: StoredChange): void {
    if (this.closed) return;
    for (const [region, link] of this.links) {
      if (region === origin) continue;
      const due = Math.max(change.version.stamp + drawLag(this.options.lag, this.options.random), link.lastDue.get(change.key) ?? 0);
      link.lastDue.set(change.key, due);
      link.entries.push({ change, due });
      this.schedule(link);
    }
  }

  private rescheduleAll(): void {
    for (const link of this.links.values()) this.schedule(link);
  }

  /** True when `e` may be applied now as far as pauses and outages go. */
  private open(link: Link, e: Entry): boolean {
    return !this.stopped(link.store.region) && !this.stopped(e.change.version.region);
  }

  /** Sets the link's timer for its next due change (none while nothing can move). */
  private schedule(link: Link): void {
    if (this.closed || link.draining) return;
    clearTimeout(link.timer);
    link.timer = undefined;
    let next = Infinity;
    for (const e of link.entries) if (this.open(link, e)) next = Math.min(next, e.due);
    if (next === Infinity) return;
    const at = Math.max(next, link.retryAt);
    link.timer = setTimeout(() => void this.drain(link), Math.max(0, this.options.timeScale.toRealMs(at - this.options.now())));
  }

  /** Applies every due change of the link, in due order, one at a time. */
  private async drain(link: Link): Promise<void> {
    if (this.closed || link.draining) return;
    link.draining = true;
    try {
      for (;;) {
        const now = this.options.now();
        if (now < link.retryAt) break;
        const index = link.entries.findIndex((e) => e.due <= now && this.open(link, e));
        if (index < 0) break;
        const entry = link.entries[index];
        let outcome;
        try {
          outcome = await link.store.apply(entry.change);
        } catch {
          // The destination's store is unreachable: the change waits, nothing is lost.
          link.retryAt = this.options.now() + RETRY_SECONDS;
          break;
        }
        if (this.closed) return;
        link.entries.splice(index, 1);
        if (outcome.applied) link.applied += 1;
        else link.superseded += 1;
        const appliedAt = this.options.now();
        link.lags.push({ t: appliedAt, lag: appliedAt - entry.change.version.stamp });
        if (outcome.concurrentWith) this.conflict(entry.change, outcome.concurrentWith, appliedAt);
      }
    } finally {
      link.draining = false;
    }
    this.schedule(link);
  }

  /** Counts a conflict once (both its regions report it) and tells the listener. */
  private conflict(change: StoredChange, other: ItemVersion, t: number): void {
    const [a, b] = [change.version, other].sort(compareVersions);
    const id = `${change.key}|${a.stamp}|${a.region}|${b.stamp}|${b.region}`;
    if (this.conflictIds.has(id)) return;
    if (this.conflictIds.size >= REMEMBERED_CONFLICTS) this.conflictIds.delete(this.conflictIds.values().next().value as string);
    this.conflictIds.add(id);
    this.conflicts += 1;
    const item = (JSON.parse(change.key) as { S: string }).S;
    this.options.onConflict?.({ item, t: round(t), kept: b, lost: a });
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
