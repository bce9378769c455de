/**
 * Rules that relate config keys to each other (the value space of each key is ./schema.ts). Each
 * problem is reported against the key a user has to change, with what is allowed.
 */
import { ITEM_ROUTE } from "../../functions/lib/env";
import { AWS_REGIONS, azIdsOf, gaExcludedAzId, gaSupportsRegion, isAzId, latencyRoutingSupports, zoneInRegion } from "../regions";
import { functionRules } from "./function";
import { ACM_ARN, MATCHER } from "./patterns";
import { healthCheckMode } from "./resolve";
import { type AppConfig, CONFIG_SHAPE } from "./schema";

/** Reports one problem: the path of the key to change and what is allowed. */
export type ReportIssue = (path: (string | number)[], message: string) => void;

/**
 * Checks the relations between keys of an otherwise well-typed config, reporting each problem.
 * Values that failed their own check still arrive here (zod runs these rules alongside), so every
 * lookup in the region tables first checks that the region is one it knows.
 */
export function relationRules(c: AppConfig, issue: ReportIssue): void {
  const known = (r: string) => AWS_REGIONS.includes(r);
  // ELB: a load balancer name must not begin with "internal-" (ours is `${appName}-${environment}`).
  if (c.appName === "internal" || c.appName.startsWith("internal-")) {
    issue(["appName"], 'must not be "internal" or start with "internal-": ALB names (appName-environment) may not begin with "internal-"');
  }
  c.regions.forEach((r, i) => {
    if (c.regions.indexOf(r) !== i) issue(["regions", i], `duplicate region (already at regions[${c.regions.indexOf(r)}])`);
    else if (known(r) && c.routing !== "route53" && !gaSupportsRegion(r)) {
      issue(["regions", i], `Global Accelerator cannot place an endpoint group in ${r} (not in AWS's list of Global Accelerator endpoint Regions)`);
    } else if (known(r) && c.routing !== "accelerator" && !latencyRoutingSupports(r)) {
      issue(["regions", i], `Route 53 latency records cannot name ${r} (aws provider 5.100's latency_routing_policy regions)`);
    }
  });
  c.retiredRegions.forEach((r, i) => {
    if (c.regions.includes(r)) issue(["retiredRegions", i], `is still in regions: a region is either served or being retired`);
    else if (c.retiredRegions.indexOf(r) !== i) issue(["retiredRegions", i], `duplicate region (already at retiredRegions[${c.retiredRegions.indexOf(r)}])`);
  });
  if (!c.regions.includes(c.homeRegion)) {
    issue(["homeRegion"], `must be one of regions (${c.regions.join(", ")})`);
  }
  if (ITEM_ROUTE.test(c.healthCheck.path)) {
    issue(["healthCheck", "path"], "must be outside /get/ and /items/ (those are the item routes)");
  }
  const range = MATCHER.test(c.healthCheck.matcher) ? c.healthCheck.matcher.split(/[,-]/).map(Number) : [];
  if (range.some((code) => code < 200 || code > 499)) {
    issue(["healthCheck", "matcher"], "codes must be between 200 and 499 (what an ALB health check accepts)");
  } else if (c.healthCheck.matcher.includes("-") && range[0] >= range[1]) {
    issue(["healthCheck", "matcher"], `must be a range from low to high, e.g. "${Math.min(...range)}-${Math.max(...range)}"`);
  }
  if (c.healthCheck.timeoutSeconds >= c.healthCheck.intervalSeconds) {
    issue(
      ["healthCheck", "timeoutSeconds"],
      `must be below healthCheck.intervalSeconds (${c.healthCheck.intervalSeconds})`,
    );
  }
  const lag = c.local.replication.lagSeconds;
  if (lag.p99 < lag.median) issue(["local", "replication", "lagSeconds", "p99"], `must be at least local.replication.lagSeconds.median (${lag.median})`);
  if (c.function.timeoutSeconds >= c.healthCheck.timeoutSeconds) {
    issue(
      ["function", "timeoutSeconds"],
      `must be below healthCheck.timeoutSeconds (${c.healthCheck.timeoutSeconds}) so a slow /health fails as a timeout, not a hung check`,
    );
  }
  if (c.capacity.functionMilliseconds > c.function.timeoutSeconds * 1000) {
    issue(["capacity", "functionMilliseconds"], `must be at most function.timeoutSeconds × 1000 (${c.function.timeoutSeconds * 1000}): an invocation ends at the function's timeout`);
  }
  for (const key of ["trafficDials", "endpointWeights"] as const) {
    for (const r of Object.keys(c.accelerator[key])) {
      if (!c.regions.includes(r)) issue(["accelerator", key, r], `is not one of regions (${c.regions.join(", ")})`);
    }
  }
  if (c.local.port === c.local.adminPort) issue(["local", "adminPort"], `must differ from local.port (${c.local.port})`);
  if (c.local.dnsPort === c.local.port || c.local.dnsPort === c.local.adminPort) {
    issue(["local", "dnsPort"], `must differ from local.port (${c.local.port}) and local.adminPort (${c.local.adminPort})`);
  }
  // Route 53 routing and issued certificates live in the domain's hosted zone.
  if (c.routing !== "accelerator" && c.domain === undefined) {
    issue(["routing"], `"${c.routing}" needs domain (name and hostedZoneId): the latency records live in its hosted zone`);
  }
  if (c.routing !== "accelerator" && c.alb.internal) {
    issue(["alb", "internal"], `must be false with routing "${c.routing}": with Route 53, clients resolve straight to the ALBs (and Route 53 health checks need to reach them)`);
  }
  if (c.https.issueCertificates === true) {
    if (c.domain === undefined) issue(["https", "issueCertificates"], "needs domain (name and hostedZoneId): the certificates are validated through DNS records in its hosted zone");
    else if (Object.keys(c.https.certificateArns).length > 0) {
      issue(["https", "issueCertificates"], "cannot be combined with https.certificateArns: issue certificates or bring your own, not both");
    }
  }
  const certRegions = Object.keys(c.https.certificateArns);
  for (const [r, arn] of Object.entries(c.https.certificateArns)) {
    const certRegion = ACM_ARN.exec(arn)?.[2];
    if (!c.regions.includes(r)) issue(["https", "certificateArns", r], `is not one of regions (${c.regions.join(", ")})`);
    // A malformed ARN is reported once, by the schema; only a well-formed one can be in the wrong region.
    else if (certRegion !== undefined && certRegion !== r) {
      const hint = c.regions.includes(certRegion) && !certRegions.includes(certRegion) ? ` — did you mean https.certificateArns.${certRegion}?` : "";
      issue(["https", "certificateArns", r], `is a certificate in ${certRegion}; an ALB in ${r} only uses certificates from its own region${hint}`);
    }
  }
  if (certRegions.length > 0) {
    // Half-HTTPS would let the accelerator's 443 fail over into a region that refuses TLS.
    for (const r of c.regions.filter((r) => !certRegions.includes(r))) {
      issue(["https", "certificateArns", r], "with HTTPS on, every region needs its own certificate");
    }
  }
  if (c.alarms.email !== undefined && c.alarms.enabled === false) {
    issue(["alarms", "email"], "needs alarms.enabled true (or unset): there is no topic without alarms");
  }
  for (const r of Object.keys(c.network.availabilityZones)) {
    if (!c.regions.includes(r) || !known(r)) {
      if (known(r)) issue(["network", "availabilityZones", r], `is not one of regions (${c.regions.join(", ")})`);
      continue;
    }
    const [first, second] = c.network.availabilityZones[r];
    if (second === first) issue(["network", "availabilityZones", r, 1], `must differ from network.availabilityZones.${r}[0]: an ALB needs two zones`);
    c.network.availabilityZones[r].forEach((az, i) => {
      const path = ["network", "availabilityZones", r, i];
      if (!zoneInRegion(az, r)) issue(path, `must be an availability zone of ${r}`);
      else if (isAzId(az) && !azIdsOf(r).includes(az)) issue(path, `is not an AZ ID of ${r} (it has ${azIdsOf(r).join(", ")})`);
      // Client IP preservation (every endpoint here) is not available in a few zones.
      else if (isAzId(az) && gaExcludedAzId(r, az)) issue(path, `Global Accelerator does not support endpoints in ${az}; choose another of ${azIdsOf(r).join(", ")}`);
    });
  }
  functionRules(c, healthCheckMode(c), issue);
  if (c.ci.github !== undefined && c.state.backend !== "s3") {
    // The roles come from the bootstrap stack, which exists only for S3 state.
    issue(["ci", "github", "repository"], `needs state.backend "s3" (the globalapp-state bootstrap stack creates the roles; it is not synthesized for "${c.state.backend}")`);
  }
}

/**
 * The schema of the whole config: every key's value space (./schema.ts, whose metadata documents
 * every key: npm run docs) and these rules relating them.
 */
export const CONFIG_SCHEMA = CONFIG_SHAPE.superRefine((c, ctx) =>
  relationRules(c, (path, message) => ctx.addIssue({ code: "custom", path, message })),
);
