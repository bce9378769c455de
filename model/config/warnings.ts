/**
 * What a valid config still deserves a warning for at synth time: choices that are allowed but
 * that an operator should make knowingly. `npm run synth` prints them on stderr; the stack also adds
 * them as cdktf annotations, so `cdktf synth|diff|deploy` print them too.
 */
import { capacityWarnings } from "../capacity";
import { isOptInRegion } from "../regions";
import { httpsEnabled, usesAccelerator } from "./resolve";
import type { AppConfig } from "./schema";

/** One warning: the key it is about and what to know. */
export interface ConfigWarning {
  readonly key: string;
  readonly message: string;
}

/** Every warning for a valid config, in a stable order. */
export function configWarnings(config: AppConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  if (!httpsEnabled(config)) {
    warnings.push({
      key: "https.certificateArns",
      message:
        `is empty: the ALBs${usesAccelerator(config) ? " and the accelerator" : ""} serve plain HTTP on port 80 only. ` +
        "Set one ACM certificate per region (or https.issueCertificates with a domain) for HTTPS on 443 with HTTP redirected to it.",
    });
  }
  config.regions.forEach((region, i) => {
    if (isOptInRegion(region)) {
      warnings.push({
        key: `regions[${i}]`,
        message: `${region} is an opt-in region: enable it for the account first (Account → AWS Regions, or aws account enable-region --region-name ${region}), or the deploy fails there`,
      });
    }
  });
  if (config.routing === "route53") {
    for (const key of ["trafficDials", "endpointWeights"] as const) {
      if (Object.keys(config.accelerator[key]).length > 0) {
        warnings.push({ key: `accelerator.${key}`, message: 'has no effect with routing "route53": there is no accelerator' });
      }
    }
  }
  warnings.push(...capacityWarnings(config));
  return warnings;
}
