/**
 * Global Accelerator's choice of endpoint for a new connection, as AWS documents it, without I/O
 * (the local accelerator routes every connection by it; the capacity model, model/capacity.ts,
 * takes its expected shares):
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

const usable = (e: EndpointView, failOpen: boolean) => e.weight > 0 && (failOpen || e.health === "healthy");

/**
 * The groups a new connection from `clientRegion` may go to, closest first: those with a dial above 0
 * and a usable endpoint (healthy, weight above 0); when no endpoint is healthy, the same as if all
 * were (fail-open). Empty when every dial or every weight is 0.
 */
function candidatesFor(groups: readonly EndpointGroupView[], clientRegion: string): { readonly groups: EndpointGroupView[]; readonly failOpen: boolean } {
  const eligible = (failOpen: boolean) =>
    byProximity(groups, clientRegion).filter((g) => g.dial > 0 && g.endpoints.some((e) => usable(e, failOpen)));
  const healthy = eligible(false);
  return healthy.length > 0 ? { groups: healthy, failOpen: false } : { groups: eligible(true), failOpen: true };
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
  const { groups: candidates, failOpen } = candidatesFor(groups, clientRegion);
  if (candidates.length === 0) return undefined;
  const group = candidates.find((g) => draw(`dial|${g.region}`) < g.dial / 100) ?? candidates[0];
  const endpoints = group.endpoints.filter((e) => usable(e, failOpen));
  const total = endpoints.reduce((sum, e) => sum + e.weight, 0);
  let point = draw(`weight|${group.region}`) * total;
  const endpoint = endpoints.find((e) => (point -= e.weight) < 0) ?? endpoints[endpoints.length - 1];
  return { region: group.region, endpointId: endpoint.id, failOpen };
}

/**
 * The share of a client location's new connections each region gets, in expectation: what
 * {@link routeConnection} does with independent uniform draws, as arithmetic. Walking the candidates
 * closest first, a group keeps its dial's share of what reaches it and passes the rest on; what every
 * dial passed on goes to the closest candidate. Shares sum to 1 over the regions that get any, or
 * the result is empty when no group can take traffic. Endpoints within a group (one ALB per region
 * here) share its part by weight, so a region's share is its group's.
 */
export function routeShares(groups: readonly EndpointGroupView[], clientRegion: string): Record<string, number> {
  const { groups: candidates } = candidatesFor(groups, clientRegion);
  const shares: Record<string, number> = {};
  let reaching = 1;
  for (const g of candidates) {
    const kept = reaching * (g.dial / 100);
    shares[g.region] = kept;
    reaching -= kept;
  }
  if (candidates.length > 0) shares[candidates[0].region] += reaching;
  // Groups past a 100 % dial get nothing: leave them out, as routeConnection never picks them.
  return Object.fromEntries(Object.entries(shares).filter(([, share]) => share > 0));
}
