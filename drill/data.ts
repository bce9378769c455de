/**
 * The data side of the failover drill. A global table replicates asynchronously: a write acknowledged
 * in the failing region may not be in the surviving one yet when traffic moves there. While the drill
 * fails a region over and back, this keeps a client writing and reading through the routing the drill
 * polls, watches each region's ALB for the writes, and reports:
 *
 * - the replication lag: from a write's answer to the first read through another region's ALB that
 *   saw it (or a later version of the item), p50 / p99 / max, to within one lag poll;
 * - the exposure window: writes acknowledged by the old region that the new one did not have when it
 *   took the first write (`notYetReplicatedAtFailover`, and each takeover of the drill);
 * - stale reads: reads through the routing answered with an older version of the item than the last
 *   write acknowledged before the read was sent;
 * - conflicts: a write another region overwrote with its own before the write had reached it (both
 *   made without the other); last writer wins resolves them, and after the drill every region must
 *   hold each item's last acknowledged write (`converged`).
 *
 * The workload: `items` items (ids unique to the drill), rewritten in turn at `ratePerSecond` writes
 * per model second, each write `{seq}` with the writer's sequence number; after each write, a read of
 * the item written one step before. Its items are deleted at the end. The same code runs against the
 * local system and AWS: only HTTP through the routing and the ALBs.
 */
import { percentile } from "../lib/stats";
import type { TimeScale } from "../lib/time-scale";
import type { ProbeResult } from "../lib/probe";
import { probe } from "../lib/probe";
import type { ReplicationLatencyMetric } from "../targets/target";

/** The writer's workload and the watchers' pace. */
export interface DataWorkload {
  /** Writes per model second; at most 20 real writes a second whatever the time scale (2 per model second at 10×). @default 4 */
  readonly ratePerSecond?: number;
  /** Items rewritten in turn. @default 2 (each rewritten every 2 writes: a hot item, where conflicts show) */
  readonly items?: number;
  /** Model seconds between two reads of a pending item through one region's ALB; at least 50 real ms (0.5 model s at 10×). @default 0.1 */
  readonly lagPollSeconds?: number;
  /** Model seconds the experiment waits, once the writer stops, for every write to show everywhere. @default 30 */
  readonly settleSeconds?: number;
}

/** Settings of a {@link DataExperiment}. */
export interface DataExperimentOptions extends DataWorkload {
  /** Every region's ALB base URL; a region without one is not watched (lag, exposure and conflicts need them). */
  readonly albUrls: Readonly<Record<string, string>>;
  /** Sends one request through the routing the drill polls (the accelerator, or the latency records). */
  readonly send: (path: string, init: { readonly method?: string; readonly body?: string }) => Promise<ProbeResult>;
  /** The drill's clock, model seconds. */
  readonly now: () => number;
  readonly timeScale: TimeScale;
  /** Names the items: `drill-data-<id>-<n>`. */
  readonly id: string;
  /** Real ms one request may take. @default 5000 */
  readonly requestTimeoutMs?: number;
  /** Aborts the experiment (its items are still deleted). */
  readonly signal?: AbortSignal;
  /** Told of what the experiment saw happen (takeovers), for the drill's progress. */
  readonly note?: (event: string) => void;
}

/** A write another region overwrote before the write had reached it. */
export interface DataConflict {
  readonly item: string;
  /** The overwritten write: its sequence number and the region that acknowledged it. */
  readonly lost: { readonly seq: number; readonly region: string };
  /** The write that overwrote it, made without it; the later one, which last writer wins kept. */
  readonly kept: { readonly seq: number; readonly region: string };
}

/** Writes moving from one region to another: the first write the new region acknowledged. */
export interface Takeover {
  /** Model seconds on the drill's clock. */
  readonly at: number;
  readonly from: string;
  readonly to: string;
  /** Writes `from` acknowledged before `at` that `to` did not have at `at` (null: `to` has no ALB to look through). */
  readonly notYetReplicated: number | null;
}

/** A read through the routing that returned an older version than the last acknowledged write. */
export interface StaleRead {
  readonly t: number;
  readonly item: string;
  readonly region: string;
  /** The sequence number of the last write acknowledged before the read was sent. */
  readonly expected: number;
  /** What it returned: a sequence number, or -1 when the item was not there. */
  readonly got: number;
}

/** What the data side of the drill measured; `--json` prints it as `data`. */
export interface DataResult {
  /** Writes acknowledged (2xx) through the routing. */
  readonly writes: number;
  /** Writes answered otherwise, or not at all. */
  readonly writeErrors: number;
  /** Writes not sent because the item's previous write was still unanswered (the system answered slower than the rate). */
  readonly skippedWrites: number;
  /** Acknowledged writes by the region that took them. */
  readonly writesByRegion: Readonly<Record<string, number>>;
  /** The writer's pace, writes per model second (the asked one, or the cap's at a fast time scale). */
  readonly ratePerSecond: number;
  readonly items: number;
  /** From a write's answer to the first read through another region's ALB that saw it, model seconds; null when nothing was measured. */
  readonly replicationLagSeconds: { readonly p50: number; readonly p99: number; readonly max: number } | null;
  /** Writes whose lag was measured (one per write and other region). */
  readonly lagSamples: number;
  /** The lag's resolution: model seconds between two reads of an item through one ALB. */
  readonly lagPollSeconds: number;
  /** At the first takeover after the failure: writes the old region acknowledged that the new one did not have (the exposure window). */
  readonly notYetReplicatedAtFailover: number | null;
  /** Every change of the region taking the writes. */
  readonly takeovers: readonly Takeover[];
  readonly reads: number;
  /** Reads through the routing that returned an older version than the last acknowledged write. */
  readonly staleReads: number;
  /** The first stale reads (at most 20). */
  readonly staleReadDetails: readonly StaleRead[];
  /** Writes overwritten by another region's before they reached it; null when no region could be watched. */
  readonly conflicts: number | null;
  /** The conflicts (at most 20) and how last writer wins resolved them. */
  readonly conflictDetails: readonly DataConflict[];
  /** After the drill every watched region held each item's last acknowledged write (null: none could be watched). */
  readonly converged: boolean | null;
  /** The drill's items were deleted. */
  readonly cleanedUp: boolean;
  /** AWS: the table's CloudWatch ReplicationLatency for the drill's window. */
  readonly replicationLatencyMetric?: readonly ReplicationLatencyMetric[];
  /** What could not be measured, and why. */
  readonly notes?: readonly string[];
  /** Every write, in the writer's order: when sent and answered (model seconds, the drill's clock), where, and how. */
  readonly writeLog: readonly DataWrite[];
}

/** One write of the data measurement. */
export interface DataWrite {
  readonly seq: number;
  readonly item: number;
  readonly sentAt: number;
  /** Absent when the write was not acknowledged. */
  readonly ackedAt?: number;
  /** The region that answered it. */
  readonly region?: string;
  /** HTTP status, 0 for no answer. */
  readonly status: number;
}

/** One write of the experiment. */
interface Write {
  readonly seq: number;
  readonly item: number;
  readonly sentAt: number;
  /** Set once answered 2xx. */
  ackedAt?: number;
  region?: string;
  status?: number;
}

/** What a region's watcher learned about one write made elsewhere. */
interface Fate {
  /** When a read through the region's ALB first saw it (or a later version of its item). */
  visibleAt?: number;
  /** The region's own later write that replaced the item before this one reached it. */
  overwrittenBy?: number;
}

const MAX_DETAILS = 20;

/**
 * Real ms between two writes, and between two rounds of reads of one region's ALB, at least: at a
 * fast time scale the asked pace would be hundreds of real requests a second on the machine that
 * runs the system being measured, and a local system that loaded fails its own health checks.
 */
const MIN_WRITE_PERIOD_MS = 50;
const MIN_POLL_MS = 50;
const round = (n: number) => Math.round(n * 100) / 100;
const is2xx = (status: number) => status >= 200 && status < 300;

/** The `seq` of an item read through the function (`{"item": {"seq": n, …}}`); -1 when there is none (404); undefined when the read failed. */
export function seqOf(r: ProbeResult): number | undefined {
  if (r.status === 404) return -1;
  if (r.status !== 200 || !r.body) return undefined;
  try {
    const seq = (JSON.parse(r.body) as { item?: { seq?: unknown } }).item?.seq;
    return typeof seq === "number" ? seq : undefined;
  } catch {
    return undefined;
  }
}

/** The writer, the readers and the watchers of one drill; see the module comment. */
export class DataExperiment {
  private readonly writes: Write[] = [];
  private readonly fates = new Map<string, Map<number, Fate>>();
  private readonly reads: { t: number; item: number; region: string; expected: number; got: number }[] = [];
  private readonly loops: Promise<void>[] = [];
  private writing = false;
  /** Steps skipped because their item's previous write was still unanswered. */
  private skipped = 0;
  private watching = false;
  private readonly rate: number;
  private readonly itemCount: number;
  private readonly poll: number;

  constructor(private readonly options: DataExperimentOptions) {
    const scale = options.timeScale;
    // At a fast time scale the asked pace would be many real requests a second on the machine that
    // runs the system it measures: capped, and the result says the pace it kept.
    this.rate = Math.min(options.ratePerSecond ?? 4, (1000 / MIN_WRITE_PERIOD_MS) * scale.factor);
    this.itemCount = options.items ?? 2;
    this.poll = Math.max(options.lagPollSeconds ?? 0.1, scale.toModelSeconds(MIN_POLL_MS));
    if (!(this.rate > 0)) throw new RangeError(`the writer's rate must be positive, got ${this.rate}`);
    if (!Number.isInteger(this.itemCount) || this.itemCount < 1) throw new RangeError(`the writer needs a whole number of items, got ${this.itemCount}`);
    for (const region of Object.keys(options.albUrls)) this.fates.set(region, new Map());
  }

  /** The id of item `n`. */
  itemId(n: number): string {
    return `drill-data-${this.options.id}-${n}`;
  }

  /** Starts writing and watching. */
  start(): void {
    this.writing = true;
    this.watching = true;
    this.loops.push(this.writer());
    for (const region of this.fates.keys()) this.loops.push(this.watcher(region));
  }

  /**
   * Stops the writer, lets the watchers see every write (at most `settleSeconds`), checks that every
   * region holds each item's last write, deletes the items, and summarizes. `failedAt`: when the
   * failure was applied, on the drill's clock (the exposure window is the first takeover after it).
   */
  async finish(failedAt: number): Promise<DataResult> {
    this.writing = false;
    const settleUntil = this.options.now() + (this.options.settleSeconds ?? 30);
    try {
      await this.loops[0];
      while (this.pendingCount() > 0 && this.options.now() < settleUntil && !this.options.signal?.aborted) await this.pause(this.poll);
    } finally {
      this.watching = false;
      await Promise.allSettled(this.loops);
    }
    const converged = this.options.signal?.aborted ? null : await this.converged(settleUntil);
    const cleanedUp = await this.cleanUp();
    return this.summary(failedAt, converged, cleanedUp);
  }

  /** Stops writing and watching at once (the drill failed or was interrupted) and deletes the items. */
  async abandon(): Promise<void> {
    this.writing = false;
    this.watching = false;
    await Promise.allSettled(this.loops);
    await this.cleanUp();
  }

  /** Deletes the items, whatever happened; true when every delete was answered 200 or 404. */
  async cleanUp(): Promise<boolean> {
    const answers = await Promise.all(Array.from({ length: this.itemCount }, (_, n) => this.options.send(`/items/${encodeURIComponent(this.itemId(n))}`, { method: "DELETE" })));
    return answers.every((a) => a.status === 200 || a.status === 404);
  }

  private pause(seconds: number): Promise<void> {
    return this.options.timeScale.clock.sleep(Math.max(1, this.options.timeScale.toRealMs(seconds)), this.options.signal);
  }

  /**
   * Writes in turn at the steady rate, open loop: a slow answer delays no later write (as real clients
   * do not wait for each other), but an item is never written twice at once, so its writes keep the
   * writer's order; a step whose item is still being written is skipped (and counted).
   */
  private async writer(): Promise<void> {
    const { clock } = this.options.timeScale;
    const period = this.options.timeScale.toRealMs(1 / this.rate);
    const busy = new Set<number>();
    const inFlight = new Set<Promise<void>>();
    let nextAt = clock.now();
    for (let step = 0; this.writing && !this.options.signal?.aborted; step++) {
      const wait = nextAt - clock.now();
      if (wait > 0) await clock.sleep(wait, this.options.signal).catch(() => undefined);
      if (!this.writing || this.options.signal?.aborted) break;
      nextAt = Math.max(nextAt, clock.now()) + period;
      const item = step % this.itemCount;
      if (busy.has(item)) {
        this.skipped += 1;
        continue;
      }
      busy.add(item);
      const done: Promise<void> = this.writeAndRead(item).finally(() => {
        busy.delete(item);
        inFlight.delete(done);
      });
      inFlight.add(done);
    }
    await Promise.allSettled([...inFlight]);
  }

  /** One step: writes `item`, then reads the item written one step before it. */
  private async writeAndRead(item: number): Promise<void> {
    const seq = this.writes.length;
    const w: Write = { seq, item, sentAt: this.options.now() };
    this.writes.push(w);
    const put = await this.options.send(`/items/${encodeURIComponent(this.itemId(item))}`, { method: "PUT", body: JSON.stringify({ seq }) });
    w.status = put.status;
    if (is2xx(put.status)) {
      w.ackedAt = this.options.now();
      w.region = put.region;
      this.noteTakeover(w);
    }
    if (seq === 0) return;
    const readItem = (item + this.itemCount - 1) % this.itemCount;
    const expected = this.lastAcked(readItem);
    const t = this.options.now();
    const got = await this.options.send(`/items/${encodeURIComponent(this.itemId(readItem))}`, {});
    const value = seqOf(got);
    if (value !== undefined && got.region) this.reads.push({ t: round(t), item: readItem, region: got.region, expected, got: value });
  }

  /** The last acknowledged write's seq of `item`; -1 when none. */
  private lastAcked(item: number): number {
    for (let i = this.writes.length - 1; i >= 0; i--) if (this.writes[i].item === item && this.writes[i].ackedAt !== undefined) return this.writes[i].seq;
    return -1;
  }

  /** Tells the drill when a write was the first the region took after another one did. */
  private noteTakeover(w: Write): void {
    const previous = [...this.writes].reverse().find((x) => x.seq < w.seq && x.region !== undefined);
    if (previous && previous.region !== w.region) this.options.note?.(`data: writes moved from ${previous.region} to ${w.region} (write ${w.seq})`);
  }

  /** Writes acknowledged elsewhere that `region` has not been seen to have, nor overwritten. */
  private pendingAt(region: string): Write[] {
    const fates = this.fates.get(region)!;
    return this.writes.filter((w) => w.ackedAt !== undefined && w.region !== region && !fates.has(w.seq));
  }

  private pendingCount(): number {
    let n = 0;
    for (const region of this.fates.keys()) n += this.pendingAt(region).length;
    return n;
  }

  /** Reads the items with pending writes through `region`'s ALB, every lag poll, and settles their fate. */
  private async watcher(region: string): Promise<void> {
    const url = this.options.albUrls[region];
    const fates = this.fates.get(region)!;
    const timeoutMs = this.options.requestTimeoutMs ?? 5000;
    while (this.watching && !this.options.signal?.aborted) {
      const tick = this.pause(this.poll).catch(() => undefined);
      const pending = this.pendingAt(region);
      const items = [...new Set(pending.map((w) => w.item))];
      await Promise.all(
        items.map(async (item) => {
          const r = await probe(`${url}/items/${encodeURIComponent(this.itemId(item))}`, { timeoutMs });
          const seen = seqOf(r);
          if (seen === undefined || seen < 0) return;
          const at = this.options.now();
          const writer = this.writes[seen];
          // A write whose answer has not come back yet may be this region's own: look again next time.
          if (writer && writer.status === undefined) return;
          for (const w of pending) {
            if (w.item !== item || w.seq > seen || fates.has(w.seq)) continue;
            if (writer?.region === region && writer.seq > w.seq) {
              // The item holds this region's own later write: the pending one never reached it before.
              fates.set(w.seq, { overwrittenBy: writer.seq });
            } else if (writer && writer.region === undefined && writer.seq > w.seq) {
              // A later write that was never acknowledged (its answer lost) but stored somewhere: whether it
              // replicated here or was written here cannot be told, so the pending one is neither seen nor lost.
              fates.set(w.seq, {});
            } else {
              fates.set(w.seq, { visibleAt: at });
            }
          }
        }),
      );
      await tick;
    }
  }

  /**
   * Reads every item through every watched region until they all hold the same version of it, at
   * least its last acknowledged write (a write whose answer was lost may be later still), or `until`.
   */
  private async converged(until: number): Promise<boolean | null> {
    const regions = [...this.fates.keys()];
    if (regions.length === 0) return null;
    const expected = Array.from({ length: this.itemCount }, (_, item) => this.lastAcked(item));
    for (;;) {
      const seen = await Promise.all(
        regions.flatMap((region) => expected.map((_, item) => probe(`${this.options.albUrls[region]}/items/${encodeURIComponent(this.itemId(item))}`).then(seqOf))),
      );
      const agree = expected.every((last, item) => {
        const values = regions.map((_, r) => seen[r * this.itemCount + item]);
        return values.every((v) => v !== undefined && v === values[0] && v >= last);
      });
      if (agree) return true;
      if (this.options.now() >= until || this.options.signal?.aborted) return false;
      await this.pause(Math.max(this.poll, 0.5)).catch(() => undefined);
    }
  }

  private summary(failedAt: number, converged: boolean | null, cleanedUp: boolean): DataResult {
    const acked = this.writes.filter((w) => w.ackedAt !== undefined);
    const writesByRegion: Record<string, number> = {};
    for (const w of acked) writesByRegion[w.region ?? "?"] = (writesByRegion[w.region ?? "?"] ?? 0) + 1;
    const lags: number[] = [];
    const conflicts: DataConflict[] = [];
    for (const [region, fates] of this.fates) {
      for (const [seq, fate] of fates) {
        const w = this.writes[seq];
        if (fate.visibleAt !== undefined) lags.push(fate.visibleAt - (w.ackedAt as number));
        if (fate.overwrittenBy !== undefined) conflicts.push({ item: this.itemId(w.item), lost: { seq, region: w.region as string }, kept: { seq: fate.overwrittenBy, region } });
      }
    }
    lags.sort((a, b) => a - b);
    const takeovers = this.takeovers();
    const first = takeovers.find((t) => t.at >= failedAt);
    const stale = this.reads.filter((r) => r.got < r.expected);
    const watched = this.fates.size > 0;
    const notes = watched ? [] : ["no ALB URLs to read each region through (HTTPS on?): lag, exposure, conflicts and convergence not measured"];
    return {
      writes: acked.length,
      writeErrors: this.writes.length - acked.length,
      skippedWrites: this.skipped,
      writesByRegion,
      ratePerSecond: this.rate,
      items: this.itemCount,
      replicationLagSeconds: lags.length ? { p50: round(percentile(lags, 50)), p99: round(percentile(lags, 99)), max: round(lags[lags.length - 1]) } : null,
      lagSamples: lags.length,
      lagPollSeconds: this.poll,
      notYetReplicatedAtFailover: first ? first.notYetReplicated : null,
      takeovers,
      reads: this.reads.length,
      staleReads: stale.length,
      staleReadDetails: stale.slice(0, MAX_DETAILS).map((r) => ({ t: r.t, item: this.itemId(r.item), region: r.region, expected: r.expected, got: r.got })),
      conflicts: watched ? conflicts.length : null,
      conflictDetails: conflicts.sort((a, b) => a.lost.seq - b.lost.seq).slice(0, MAX_DETAILS),
      converged,
      cleanedUp,
      ...(notes.length ? { notes } : {}),
      writeLog: this.writes.map((w) => ({
        seq: w.seq,
        item: w.item,
        sentAt: round(w.sentAt),
        ...(w.ackedAt !== undefined ? { ackedAt: round(w.ackedAt) } : {}),
        ...(w.region ? { region: w.region } : {}),
        status: w.status ?? 0,
      })),
    };
  }

  /** Each first write a region took after another region took the one before, with what it did not have yet. */
  private takeovers(): Takeover[] {
    const out: Takeover[] = [];
    let previous: Write | undefined;
    for (const w of this.writes) {
      if (w.ackedAt === undefined || w.region === undefined) continue;
      if (previous && previous.region !== w.region) {
        const from = previous.region as string;
        const to = w.region;
        const fates = this.fates.get(to);
        const at = w.ackedAt;
        const notYet = fates
          ? this.writes.filter((x) => x.region === from && x.ackedAt !== undefined && x.ackedAt <= at && !(fates.get(x.seq)?.visibleAt !== undefined && (fates.get(x.seq)?.visibleAt as number) <= at)).length
          : null;
        out.push({ at: round(at), from, to, notYetReplicated: notYet });
      }
      previous = w;
    }
    return out;
  }
}
