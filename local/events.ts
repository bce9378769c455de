/**
 * The local system's event stream: every state change, typed, with the model time it happened at.
 * The terminal view prints them; anything else (a dashboard, a test) subscribes to the same stream.
 */
import type { Route53Health } from "./edge/dns-health";
import type { TargetState } from "./region/health-checker";
import type { ReplicationConflict } from "./store/replicator";

/** Something that happened in the local system. `t` is model seconds since the system started. */
export type SystemEvent =
  | { readonly t: number; readonly type: "health"; readonly region: string; readonly from: TargetState; readonly to: TargetState; readonly reason: string }
  | { readonly t: number; readonly type: "propagated"; readonly region: string; readonly health: TargetState }
  /** STATUS changed; `error` when the environment with it failed to load (the value is set all the same). */
  | { readonly t: number; readonly type: "status"; readonly region: string; readonly status: string; readonly error?: string }
  | { readonly t: number; readonly type: "kill" | "restore"; readonly region: string }
  | { readonly t: number; readonly type: "dial" | "weight"; readonly region: string; readonly value: number }
  /** Replication to and from the region was paused or resumed through the admin API. */
  | { readonly t: number; readonly type: "replication"; readonly region: string; readonly paused: boolean }
  /** Two writes to one item in different regions, each made without the other: last writer wins kept the later (`kept.region`'s). */
  | ({ readonly type: "conflict"; readonly region: string } & ReplicationConflict)
  /** A local Route 53 health check changed status (route53.healthChecks "route53"); its answers follow after the DNS propagation delay. */
  | { readonly t: number; readonly type: "route53-check"; readonly region: string; readonly from: TargetState; readonly to: TargetState; readonly reason: string }
  /**
   * Route 53's answers now see `region` as `health` (after the DNS propagation delay); `answer` is
   * what the latency name answers the default client region from now on.
   */
  | {
      readonly t: number;
      readonly type: "dns";
      readonly region: string;
      readonly health: Route53Health;
      readonly answer: { readonly name: string; readonly clientRegion: string; readonly region: string; readonly address: string; readonly failOpen: boolean };
    };

/** The `type` of a {@link SystemEvent}. */
export type SystemEventType = SystemEvent["type"];

/** Told of each event. A listener that throws is logged through `onListenerError`, never breaks the system. */
export type SystemEventListener = (event: SystemEvent) => void;

/** Fans events out to subscribers, in subscription order. */
export class EventHub {
  private readonly listeners = new Set<SystemEventListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: SystemEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SystemEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
