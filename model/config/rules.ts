/**
 * Rules that relate config keys to each other (the value space of each key is ./schema.ts). Each
 * problem is reported against the key a user has to change, with what is allowed.
 */
import { ITEM_ROUTE } from "../../functions/lib/env";
import { zoneInRegion } from "../regions";
import { ACM_ARN } from "./patterns";
import type { AppConfig } from "./schema";

/** Reports one problem: the path of the key to change and what is allowed. */
export type ReportIssue = (path: (string | number)[], message: string) => void;

/** Checks the relations between keys of an otherwise well-typed config, reporting each problem. */
export function relationRules(c: AppConfig, issue: ReportIssue): void {
  c.regions.forEach((r, i) => {
    if (c.regions.indexOf(r) !== i) issue(["regions", i], `duplicate region (already at regions[${c.regions.indexOf(r)}])`);
  });
  if (!c.regions.includes(c.homeRegion)) {
    issue(["homeRegion"], `must be one of regions (${c.regions.join(", ")})`);
  }
  if (ITEM_ROUTE.test(c.healthCheck.path)) {
    issue(["healthCheck", "path"], "must be outside /get/ and /items/ (those are the item routes)");
  }
  if (c.healthCheck.timeoutSeconds >= c.healthCheck.intervalSeconds) {
    issue(
      ["healthCheck", "timeoutSeconds"],
      `must be below healthCheck.intervalSeconds (${c.healthCheck.intervalSeconds})`,
    );
  }
  if (c.function.timeoutSeconds >= c.healthCheck.timeoutSeconds) {
    issue(
      ["function", "timeoutSeconds"],
      `must be below healthCheck.timeoutSeconds (${c.healthCheck.timeoutSeconds}) so a slow /health fails as a timeout, not a hung check`,
    );
  }
  for (const key of ["trafficDials", "endpointWeights"] as const) {
    for (const r of Object.keys(c.accelerator[key])) {
      if (!c.regions.includes(r)) issue(["accelerator", key, r], `is not one of regions (${c.regions.join(", ")})`);
    }
  }
  if (c.local.port === c.local.adminPort) issue(["local", "adminPort"], `must differ from local.port (${c.local.port})`);
  const certRegions = Object.keys(c.https.certificateArns);
  for (const [r, arn] of Object.entries(c.https.certificateArns)) {
    if (!c.regions.includes(r)) issue(["https", "certificateArns", r], `is not one of regions (${c.regions.join(", ")})`);
    else if (ACM_ARN.exec(arn)?.[2] !== r) {
      issue(["https", "certificateArns", r], `must be an ACM certificate in ${r} (an ALB only uses certificates from its own region)`);
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
    if (!c.regions.includes(r)) {
      issue(["network", "availabilityZones", r], `is not one of regions (${c.regions.join(", ")})`);
    }
    c.network.availabilityZones[r].forEach((az, i) => {
      if (!zoneInRegion(az, r)) issue(["network", "availabilityZones", r, i], `must be an availability zone of ${r}`);
    });
  }
}
