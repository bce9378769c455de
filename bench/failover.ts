/**
 * bench/failover: what each health-check preset predicts for failover and recovery, next to the
 * source article's settings (≈ 90 s observed) and AWS's Lambda target-group defaults, and what each
 * costs in health-check invocations. Pure arithmetic over model/failover.ts; the drill
 * (`npm run drill`) measures the real thing.
 */
import {
  GA_PROPAGATION_SECONDS,
  HEALTH_CHECK_PRESETS,
  HealthCheckPreset,
  ALB_ALIAS_TTL_SECONDS,
  type DnsFailoverSettings,
  monthlyHealthCheckInvocations,
  predictDnsFailover,
  predictFailover,
  predictRecovery,
  ROUTE53_CHECK_TIMEOUT_SECONDS,
  ROUTE53_PROPAGATION_SECONDS,
  SecondsRange,
} from "../model/failover";
import { runCli } from "../lib/cli";
import { BenchReport, formatReport, renderTable } from "../lib/stats";

/** One preset's row. */
export interface FailoverRow {
  readonly preset: HealthCheckPreset;
  readonly settings: string;
  readonly failover: SecondsRange;
  readonly recovery: SecondsRange;
  /** Health-check invocations of the function per region per 30-day month. */
  readonly monthlyInvocations: number;
  readonly observed?: string;
}

/** Who the preset is for, in the table. */
const ROLE: Record<HealthCheckPreset, string> = {
  fast: "offered",
  default: "offered (default)",
  article: "the article",
  "aws-default": "AWS Lambda TG default",
};

/** The rows, in the order of HEALTH_CHECK_PRESETS. */
export function failoverRows(): FailoverRow[] {
  return (Object.keys(HEALTH_CHECK_PRESETS) as HealthCheckPreset[]).map((preset) => {
    const s = HEALTH_CHECK_PRESETS[preset];
    return {
      preset,
      settings: `${s.intervalSeconds} s / ${s.timeoutSeconds} s / ${s.healthyThreshold}/${s.unhealthyThreshold}`,
      failover: predictFailover(s),
      recovery: predictRecovery(s),
      monthlyInvocations: monthlyHealthCheckInvocations(s),
      observed: preset === "article" ? "≈ 90 s" : undefined,
    };
  });
}

const range = (r: SecondsRange) => `${r.min}–${r.max} s`;

/** The failover table and its notes. */
export function failoverReport(): BenchReport {
  const rows = failoverRows();
  const table = renderTable(
    ["preset", "role", "interval / timeout / healthy/unhealthy", "failover (predicted)", "recovery (predicted)", "observed", "HC invocations / month / region"],
    rows.map((r) => [r.preset, ROLE[r.preset], r.settings, range(r.failover), range(r.recovery), r.observed ?? "—", r.monthlyInvocations.toLocaleString("en-US")]),
    ["l", "l", "l", "r", "r", "r", "r"],
  );
  const byName = (p: HealthCheckPreset) => rows.find((r) => r.preset === p) as FailoverRow;
  const article = byName("article");
  const notes = [
    `our default fails over in ${range(byName("default").failover)}, fast in ${range(byName("fast").failover)}; the article's settings ${range(byName("article").failover)} (≈ 90 s observed), AWS's Lambda defaults ${range(byName("aws-default").failover)}.`,
    `failover = (unhealthy − 1) × interval … unhealthy × interval + timeout + Global Accelerator propagation (0 … ${GA_PROPAGATION_SECONDS} s); recovery: the same with the healthy threshold.`,
    "invocations: one check per interval from each of the ALB's 2 nodes (2 AZs), 30-day month; each is a Lambda request.",
    article.failover.max < 90
      ? `the article observed ≈ 90 s, above this model's ${article.failover.max} s upper bound for its settings: the model leaves out everything beyond the ALB and GA timers (client connection reuse and retries, GA propagation beyond ${GA_PROPAGATION_SECONDS} s); \`npm run drill\` measures the real figure.`
      : "the article observed ≈ 90 s with its settings.",
  ];
  return { title: "bench/failover: predicted failover and recovery per health-check preset", table, notes };
}

/** The DNS routing variants compared per preset (routing route53 / both). */
export const DNS_VARIANTS: ReadonlyArray<{ readonly name: string; readonly dns: DnsFailoverSettings }> = [
  { name: "Route 53, alias health, TTL 60 s", dns: { healthChecks: "alias", requestIntervalSeconds: 30, failureThreshold: 3 } },
  { name: "Route 53, alias health, client pins 300 s", dns: { healthChecks: "alias", requestIntervalSeconds: 30, failureThreshold: 3, clientPinSeconds: 300 } },
  { name: "Route 53 checks 30 s × 3, TTL 60 s", dns: { healthChecks: "route53", requestIntervalSeconds: 30, failureThreshold: 3 } },
  { name: "Route 53 checks 10 s × 3, TTL 60 s", dns: { healthChecks: "route53", requestIntervalSeconds: 10, failureThreshold: 3 } },
];

/** One preset's predicted failover per routing: Global Accelerator and each DNS variant. */
export function routingRows(): Array<{ preset: HealthCheckPreset; accelerator: SecondsRange; dns: SecondsRange[] }> {
  return (Object.keys(HEALTH_CHECK_PRESETS) as HealthCheckPreset[]).map((preset) => {
    const s = HEALTH_CHECK_PRESETS[preset];
    return { preset, accelerator: predictFailover(s), dns: DNS_VARIANTS.map((v) => predictDnsFailover(s, v.dns)) };
  });
}

/** Global Accelerator against Route 53 latency records, per preset: the article's comparison. */
export function routingReport(): BenchReport {
  const rows = routingRows();
  const table = renderTable(
    ["preset", "Global Accelerator", ...DNS_VARIANTS.map((v) => v.name)],
    rows.map((r) => [r.preset, range(r.accelerator), ...r.dns.map(range)]),
    ["l", "r", ...DNS_VARIANTS.map(() => "r" as const)],
  );
  const def = rows.find((r) => r.preset === "default")!;
  const notes = [
    `with our default health check, Global Accelerator moves traffic in ${range(def.accelerator)}; Route 53 latency records in ${range(def.dns[0])} when resolvers honour the TTL, ${range(def.dns[1])} when clients keep answers 300 s.`,
    `DNS failover = detection (the target group's checks for alias health; Route 53's interval × threshold + ${ROUTE53_CHECK_TIMEOUT_SECONDS} s for its checks) + Route 53 propagation (0 … ${ROUTE53_PROPAGATION_SECONDS} s, assumed: AWS documents none) + the answer's cache (the alias TTL, ${ALB_ALIAS_TTL_SECONDS} s, or what the client pins).`,
    "the cache term is the article's argument: it belongs to resolvers and clients, not to the operator, and only Global Accelerator's static IPs take it out; `npm run drill -- --target local --compare` measures both on one system.",
  ];
  return { title: "bench/failover: Global Accelerator vs Route 53 latency routing, predicted failover per preset", table, notes };
}

if (require.main === module) {
  runCli("bench/failover", async () => {
    console.log(formatReport(failoverReport()));
    console.log(formatReport(routingReport()));
    return 0;
  });
}
