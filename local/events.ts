/**
 * The local system's event stream: every state change, typed, with the model time it happened at.
 * The terminal view prints them; anything else (a dashboard, a test) subscribes to the same stream.
 */
import type { TargetState } from "./health-checker";

/** Something that happened in the local system. `t` is model seconds since the system started. */
export type SystemEvent =
  | { readonly t: number; readonly type: "health"; readonly region: string; readonly from: TargetState; readonly to: TargetState; readonly reason: string }
  | { readonly t: number; readonly type: "propagated"; readonly region: string; readonly health: TargetState }
  /** STATUS changed; `error` when the environment with it failed to load (the value is set all the same). */
  | { readonly t: number; readonly type: "status"; readonly region: string; readonly status: string; readonly error?: string }
  | { readonly t: number; readonly type: "kill" | "restore"; readonly region: string }
  | { readonly t: number; readonly type: "dial" | "weight"; readonly region: string; readonly value: number };

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
