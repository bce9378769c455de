/**
 * The AWS commercial regions GlobalApp can serve from, with the approximate location of each
 * (used by the local accelerator emulation to pick the "closest" endpoint group, as Global
 * Accelerator does for a client's edge location), the availability zones that exist there, and
 * where Global Accelerator can place endpoints.
 *
 * Sources (read 2026-12-01):
 * - AZ IDs: AWS Global Infrastructure guide, "AWS Availability Zones"
 *   (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html).
 * - Global Accelerator endpoint Regions and the AZs it does not support: GA developer guide,
 *   "Supported AWS Regions for client IP address preservation"
 *   (https://docs.aws.amazon.com/global-accelerator/latest/dg/preserve-client-ip-address.regions.html).
 * - Opt-in regions: AWS Account Management guide, "Specify which AWS Regions your account can use".
 */
export interface RegionInfo {
  /** Region code, e.g. "eu-central-1". */
  readonly name: string;
  /** Latitude of the region's metro area, degrees. */
  readonly lat: number;
  /** Longitude of the region's metro area, degrees. */
  readonly lon: number;
  /**
   * Opt-in region: an account must enable it first (every region launched after 20 March 2019; AWS
   * Account Management guide, "Specify which AWS Regions your account can use").
   */
  readonly optIn?: true;
  /** Numbers of the AZ IDs that exist (`<prefix>-az<N>`). @default [1, 2, 3] */
  readonly azIds?: readonly number[];
  /** AZ IDs where Global Accelerator cannot use an endpoint with client IP preservation. @default none */
  readonly gaExcludedAzIds?: readonly number[];
  /** Global Accelerator cannot place an endpoint group in this region. @default false (it can) */
  readonly noGaEndpoints?: true;
  /**
   * Route 53 latency records cannot name this region: aws provider 5.100 validates
   * `latency_routing_policy.region` against a list without it. @default false (they can)
   */
  readonly noLatencyRouting?: true;
}

const REGION_TABLE: readonly RegionInfo[] = [
  { name: "us-east-1", lat: 38.9, lon: -77.4, azIds: [1, 2, 3, 4, 5, 6] },
  { name: "us-east-2", lat: 40.0, lon: -83.0 },
  { name: "us-west-1", lat: 37.4, lon: -121.9, gaExcludedAzIds: [2] },
  { name: "us-west-2", lat: 45.8, lon: -119.7, azIds: [1, 2, 3, 4] },
  { name: "ca-central-1", lat: 45.5, lon: -73.6, azIds: [1, 2, 4] },
  { name: "ca-west-1", lat: 51.0, lon: -114.1, optIn: true },
  { name: "mx-central-1", lat: 20.6, lon: -100.4, optIn: true },
  { name: "sa-east-1", lat: -23.5, lon: -46.6 },
  { name: "eu-west-1", lat: 53.3, lon: -6.3 },
  { name: "eu-west-2", lat: 51.5, lon: -0.1, azIds: [1, 2, 3, 4] },
  { name: "eu-west-3", lat: 48.9, lon: 2.4 },
  { name: "eu-central-1", lat: 50.1, lon: 8.7 },
  { name: "eu-central-2", lat: 47.4, lon: 8.5, optIn: true },
  { name: "eu-north-1", lat: 59.3, lon: 18.1 },
  { name: "eu-south-1", lat: 45.5, lon: 9.2, optIn: true },
  { name: "eu-south-2", lat: 41.6, lon: -0.9, optIn: true },
  { name: "il-central-1", lat: 32.1, lon: 34.8, optIn: true },
  { name: "me-south-1", lat: 26.1, lon: 50.6, optIn: true },
  { name: "me-central-1", lat: 25.2, lon: 55.3, optIn: true },
  { name: "af-south-1", lat: -33.9, lon: 18.4, optIn: true },
  { name: "ap-east-1", lat: 22.3, lon: 114.2, optIn: true },
  { name: "ap-south-1", lat: 19.1, lon: 72.9 },
  { name: "ap-south-2", lat: 17.4, lon: 78.5, optIn: true },
  { name: "ap-southeast-1", lat: 1.35, lon: 103.8 },
  { name: "ap-southeast-2", lat: -33.9, lon: 151.2 },
  { name: "ap-southeast-3", lat: -6.2, lon: 106.8, optIn: true },
  { name: "ap-southeast-4", lat: -37.8, lon: 145.0, optIn: true },
  { name: "ap-southeast-5", lat: 3.1, lon: 101.7, optIn: true },
  { name: "ap-southeast-7", lat: 13.8, lon: 100.5, optIn: true },
  { name: "ap-northeast-1", lat: 35.7, lon: 139.7, azIds: [1, 2, 3, 4], gaExcludedAzIds: [3] },
  { name: "ap-northeast-2", lat: 37.6, lon: 127.0, azIds: [1, 2, 3, 4] },
  { name: "ap-northeast-3", lat: 34.7, lon: 135.5 },
  { name: "ap-east-2", lat: 25.0, lon: 121.6, optIn: true },
  // Auckland: Global Accelerator's list of endpoint Regions does not include it (yet).
  { name: "ap-southeast-6", lat: -36.8, lon: 174.8, optIn: true, noGaEndpoints: true, noLatencyRouting: true },
];

/** Every region code GlobalApp accepts in `regions`, in a stable order. */
export const AWS_REGIONS: readonly string[] = REGION_TABLE.map((r) => r.name);

/** The region whose API hosts Global Accelerator; its resources are always created there. */
export const GLOBAL_ACCELERATOR_REGION = "us-west-2";

/** The AZ IDs that exist in a region, e.g. ["usw2-az1", …, "usw2-az4"]. */
export function azIdsOf(region: string): string[] {
  return (regionInfo(region).azIds ?? [1, 2, 3]).map((n) => `${azIdPrefix(region)}-az${n}`);
}

/** True when Global Accelerator cannot use an endpoint in this AZ ID (client IP preservation). */
export function gaExcludedAzId(region: string, azId: string): boolean {
  return (regionInfo(region).gaExcludedAzIds ?? []).some((n) => `${azIdPrefix(region)}-az${n}` === azId);
}

/** True when Global Accelerator can place an endpoint group in the region. */
export function gaSupportsRegion(region: string): boolean {
  return regionInfo(region).noGaEndpoints !== true;
}

/** True when Route 53 latency records (in aws provider 5.100) can name the region. */
export function latencyRoutingSupports(region: string): boolean {
  return regionInfo(region).noLatencyRouting !== true;
}

/** True for a region an account must enable before it can deploy there. */
export function isOptInRegion(name: string): boolean {
  return regionInfo(name).optIn === true;
}

/** Looks up a region's metadata; throws on an unknown region code. */
export function regionInfo(name: string): RegionInfo {
  const info = REGION_TABLE.find((r) => r.name === name);
  if (!info) {
    throw new Error(`unknown AWS region "${name}"; allowed: ${AWS_REGIONS.join(", ")}`);
  }
  return info;
}

const COMPASS: Readonly<Record<string, string>> = {
  east: "e", west: "w", north: "n", south: "s", central: "c", northeast: "ne", southeast: "se", northwest: "nw", southwest: "sw",
};

/** The AZ-ID prefix of a region, e.g. "use1" for us-east-1, "apne1" for ap-northeast-1. */
export function azIdPrefix(region: string): string {
  const [area, direction, number] = regionInfo(region).name.split("-");
  const short = COMPASS[direction];
  if (!short) throw new Error(`no AZ-ID abbreviation for "${direction}" in region "${region}"`);
  return `${area}${short}${number}`;
}

/**
 * AZ IDs that differ from "<prefix>-az1"/"<prefix>-az2" because one of those is closed to new
 * accounts: us-west-1 has no usw1-az2 for them. (us-east-1's constrained zone is use1-az3 and
 * ap-northeast-1's is apne1-az3, so az1/az2 are fine there.)
 */
const DEFAULT_AZ_IDS: Readonly<Record<string, readonly [string, string]>> = {
  "us-west-1": ["usw1-az1", "usw1-az3"],
};

/**
 * The two availability zones GlobalApp uses in a region when none are configured, as AZ IDs.
 * AZ IDs name the same physical zone in every account; zone names ("us-west-1b") are mapped per
 * account in the oldest regions, and some letters do not exist in some accounts.
 */
export function defaultAzIds(region: string): [string, string] {
  const known = DEFAULT_AZ_IDS[region];
  if (known) return [known[0], known[1]];
  const prefix = azIdPrefix(region);
  return [`${prefix}-az1`, `${prefix}-az2`];
}

/** True for an AZ ID ("usw2-az1"), false for a zone name ("us-west-2a"). */
export function isAzId(zone: string): boolean {
  return /^[a-z]{3,6}\d-az\d+$/.test(zone);
}

/** Whether `zone` (a name or an AZ ID) belongs to `region`. */
export function zoneInRegion(zone: string, region: string): boolean {
  return isAzId(zone) ? zone.startsWith(`${azIdPrefix(region)}-az`) : new RegExp(`^${region}[a-z]$`).test(zone);
}

/** Great-circle distance between two regions in kilometres (haversine). */
export function regionDistanceKm(a: string, b: string): number {
  const p = regionInfo(a);
  const q = regionInfo(b);
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(q.lat - p.lat);
  const dLon = rad(q.lon - p.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(p.lat)) * Math.cos(rad(q.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
