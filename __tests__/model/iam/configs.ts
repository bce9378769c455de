/**
 * The configs whose policies the IAM tests check: each adds policies or resource types of its own
 * (issue 21: default, prod, route53/both with certificates, GitHub delivery).
 */
export const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
export const IAM_CONFIGS: Readonly<Record<string, unknown>> = {
  default: {},
  prod: { environment: "prod" },
  "route53 with certificates": { routing: "route53", domain: DOMAIN, https: { issueCertificates: true } },
  "both with certificates": { routing: "both", domain: DOMAIN, https: { issueCertificates: true }, route53: { healthChecks: "route53" } },
  "GitHub delivery": { ci: { github: { repository: "acme/globalapp" } } },
};
