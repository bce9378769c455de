/**
 * Global Accelerator's choice of endpoint for a new connection, as AWS documents it, without I/O:
 *
 * - endpoint groups are tried closest first (to the client's location);
 * - a group with a traffic dial of d% takes d% of the connections that reach it; the rest go on to
 *   the next-closest group (where that group's dial applies in turn). Connections that every dial
 *   turned away go to the closest group that can take traffic. A 0% dial drains the group;
 * - only healthy endpoints with a weight above 0 take traffic; within a group the choice is by weight;
 * - when no endpoint of any group is healthy, the accelerator fails open: it routes as if all were;
 * - the "random" draws come from a hash of the flow: the 5-tuple with client affinity NONE, the
 *   source and destination IP with SOURCE_IP, so a SOURCE_IP client always lands on the same endpoint
 *   while health and settings stay the same.
 */
import { createHash } from "node:crypto";
import { regionDistanceKm } from "./regions";

/** An endpoint's health as the accelerator last heard of it: `initial` (not checked yet) counts as not healthy. */
export type EndpointHealth = "initial" | "healthy" | "unhealthy";

/** One endpoint (here: a region's ALB) as the accelerator sees it. */
export interface EndpointView {
  readonly id: string;
  /** 0–255; 0 sends it nothing. */
  readonly weight: number;
  /** Health as last propagated to the accelerator. */
  readonly health: EndpointHealth;
}

/** One endpoint group (one per region). */
export interface EndpointGroupView {
  readonly region: string;
  /** Traffic dial, percent. */
  readonly dial: number;
  readonly endpoints: readonly EndpointView[];
}

/** A TCP flow: who connects to which listener address. */
export interface Flow {
  readonly sourceIp: string;
  readonly sourcePort: number;
  readonly destinationIp: string;
  readonly destinationPort: number;
}

/** Where a new connection goes. */
export interface RouteDecision {
  readonly region: string;
  readonly endpointId: string;
  /** True when no endpoint was healthy and the accelerator failed open. */
  readonly failOpen: boolean;
}

/** A uniform draw in [0, 1) from the flow's hash (per affinity) and a salt. */
export function flowDraw(flow: Flow, affinity: "NONE" | "SOURCE_IP", salt: string): number {
  const key = affinity === "SOURCE_IP"
    ? `${flow.sourceIp}|${flow.destinationIp}`
    : `${flow.sourceIp}|${flow.sourcePort}|${flow.destinationIp}|${flow.destinationPort}|tcp`;
  return createHash("sha256").update(`${key}|${salt}`).digest().readUInt32BE(0) / 0x100000000;
}

/** Groups ordered closest first to `clientRegion` (ties keep the given order). */
export function byProximity<T extends { region: string }>(groups: readonly T[], clientRegion: string): T[] {
  return groups
    .map((g, i) => ({ g, i, d: regionDistanceKm(clientRegion, g.region) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.g);
}

/**
 * Chooses the endpoint for a new connection, or undefined when no endpoint can take traffic at all
 * (every dial at 0 or every weight at 0).
 */
export function routeConnection(
  groups: readonly EndpointGroupView[],
  clientRegion: string,
  draw: (salt: string) => number,
): RouteDecision | undefined {
  const usable = (e: EndpointView, failOpen: boolean) => e.weight > 0 && (failOpen || e.health === "healthy");
  const eligible = (failOpen: boolean) =>
    byProximity(groups, clientRegion).filter((g) => g.dial > 0 && g.endpoints.some((e) => usable(e, failOpen)));
  let failOpen = false;
  let candidates = eligible(false);
  if (candidates.length === 0) {
    failOpen = true;
    candidates = eligible(true);
  }
  if (candidates.length === 0) return undefined;
  const group = candidates.find((g) => draw(`dial|${g.region}`) < g.dial / 100) ?? candidates[0];
  const endpoints = group.endpoints.filter((e) => usable(e, failOpen));
  const total = endpoints.reduce((sum, e) => sum + e.weight, 0);
  let point = draw(`weight|${group.region}`) * total;
  const endpoint = endpoints.find((e) => (point -= e.weight) < 0) ?? endpoints[endpoints.length - 1];
  return { region: group.region, endpointId: endpoint.id, failOpen };
}
