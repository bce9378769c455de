/**
 * AWS list prices the monthly estimate (model/cost.ts) uses, as data: each figure with the page it
 * comes from, the day it was read, and how far it could be checked from here.
 *
 * Read on 2026-12-01 from stored copies of public pages (this machine has no live web access). The
 * AWS pricing pages render most figures per region with scripts that the stored copies do not
 * contain, so a figure is marked:
 *   "aws"        read on an AWS page (pricing page, documentation or AWS blog);
 *   "secondary"  read on a third-party page quoting AWS's US East (N. Virginia) list price;
 *   "not-read"   not found in any copy read here: AWS's published US East list price as known to the
 *                author, to be checked on the source page before relying on it.
 * Prices are US East (N. Virginia) unless a region is named. Other regions may differ (often
 * higher); no regional figure could be read, so the estimate applies these to every region and
 * says so. USD, before tax, before any free tier.
 */

/** How far a figure was checked: see the module comment. */
export type PriceCheck = "aws" | "secondary" | "not-read";

/** One price. */
export interface Price {
  /** USD per `unit`. */
  readonly usd: number;
  /** What one `usd` buys, e.g. "accelerator-hour", "GB", "1M requests". */
  readonly unit: string;
  /** How many counted things one `unit` is (1,000,000 for "1M requests"). @default 1 */
  readonly per?: number;
  /** Where the figure comes from. */
  readonly source: string;
  /** How far it was checked. */
  readonly check: PriceCheck;
  /** Day it was read (or looked for). */
  readonly read: string;
  /** Anything a reader of the bill should know about the figure. */
  readonly note?: string;
}

const READ = "2026-12-01";
const p = (usd: number, unit: string, source: string, check: PriceCheck, note?: string): Price => {
  // "1M requests", "10,000 requests", …: the count one unit stands for.
  const lead = /^(1M|[\d,]+) /.exec(unit)?.[1];
  const per = lead === undefined ? 1 : lead === "1M" ? 1e6 : Number(lead.replaceAll(",", ""));
  return { usd, unit, ...(per !== 1 ? { per } : {}), source, check, read: READ, ...(note ? { note } : {}) };
};

const GA = "https://aws.amazon.com/global-accelerator/pricing/";
const GA_TRANSCRIPT = "https://github.com/api-evangelist/amazon-global-accelerator (plans/…-pricing.yml, a transcription of the GA pricing page read 2026-09-20)";
const ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const LAMBDA = "https://aws.amazon.com/lambda/pricing/";
const DDB = "https://aws.amazon.com/dynamodb/pricing/on-demand/";
const DDB_GT = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/global-tables-billing.html";
const CW = "https://aws.amazon.com/cloudwatch/pricing/";
const KMS = "https://aws.amazon.com/kms/pricing/";
const S3 = "https://aws.amazon.com/s3/pricing/";
const EC2_DT = "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer";
const R53 = "https://aws.amazon.com/route53/pricing/";
const SNS = "https://aws.amazon.com/sns/pricing/";

/** Global Accelerator's DT-Premium areas (source = AWS Region, destination = edge location). */
export type PremiumArea = "na" | "eu" | "apac" | "india" | "anz" | "sa" | "me" | "af";

/** The DT-Premium area of a region's own clients. */
export function premiumArea(region: string): PremiumArea {
  if (/^(us|ca|mx)-/.test(region)) return "na";
  if (region.startsWith("eu-")) return "eu";
  if (/^ap-south-/.test(region)) return "india";
  // Sydney, Melbourne, Auckland.
  if (/^ap-southeast-(2|4|6)$/.test(region)) return "anz";
  if (region.startsWith("ap-")) return "apac";
  if (region.startsWith("sa-")) return "sa";
  if (/^(me|il)-/.test(region)) return "me";
  return "af";
}

/**
 * DT-Premium per GB, source area → destination area, for the pairs that could be read. The stored
 * copy of the GA pricing page shows a North America / Europe / Asia Pacific table without its header
 * row; its diagonal (what the estimate uses) reads the same either way round.
 */
export const DT_PREMIUM: Readonly<Partial<Record<`${PremiumArea}->${PremiumArea}`, Price>>> = {
  "na->na": p(0.015, "GB", GA, "aws"),
  "na->eu": p(0.015, "GB", GA, "aws"),
  "na->apac": p(0.035, "GB", GA, "aws"),
  "eu->na": p(0.015, "GB", GA, "aws"),
  "eu->eu": p(0.015, "GB", GA, "aws"),
  "eu->apac": p(0.043, "GB", GA, "aws"),
  "apac->na": p(0.012, "GB", GA, "aws"),
  "apac->eu": p(0.043, "GB", GA, "aws"),
  "apac->apac": p(0.01, "GB", GA, "aws"),
  "na->anz": p(0.105, "GB", GA_TRANSCRIPT, "secondary", "United States & Canada → Australia & New Zealand"),
  "india->na": p(0.025, "GB", GA_TRANSCRIPT, "secondary", "India → United States"),
  "af->af": p(0.01, "GB", GA_TRANSCRIPT, "secondary", "South Africa → South Africa, Kenya & Nigeria"),
};

/** For a pair not in {@link DT_PREMIUM}: the highest figure of the stored table, marked not read. */
export const DT_PREMIUM_UNREAD = p(0.043, "GB", GA, "not-read", "pair not in the copies read; the highest figure of the stored North America / Europe / Asia Pacific table is used");

/** Every other price the estimate uses. */
export const PRICES = {
  acceleratorHour: p(0.025, "accelerator-hour", GA, "aws", "charged for every full or partial hour, enabled or disabled"),
  albHour: p(0.0225, "ALB-hour", ELB, "secondary", "cloud-horizons.com and cal53.calculator.city quote US East; per full or partial hour"),
  albLcuHour: p(0.008, "LCU-hour", ELB, "secondary", "one LCU: 25 new connections/s, 3,000 active connections/min, 0.4 GB/h processed for Lambda targets, 1,000 rule evaluations/s (first 10 rules free) — handbook.vantage.sh"),
  publicIpv4Hour: p(0.005, "address-hour", VPC, "secondary", "AWS's networking blog (Identify and optimize public IPv4 address usage on AWS) says the charge applies to every AWS-provided public IPv4 type, service-managed included (load balancers, Global Accelerator), except BYOIP; the $0.005 figure is quoted by haufe-akademie.de and blog.avangards.io"),
  lambdaRequestsMillion: p(0.2, "1M requests", LAMBDA, "secondary", "cloudchipr.com, US East"),
  lambdaArmGbSecond: p(0.0000133334, "GB-second", LAMBDA, "secondary", "first 7.5 billion GB-s a month; cloudchipr.com, US East"),
  dynamoReadMillion: p(0.125, "1M RRU", DDB, "secondary", "after the November 2024 price cut; airbyte.com, US East"),
  dynamoReplicatedWriteMillion: p(0.625, "1M rWRU", DDB_GT, "secondary", "the AWS billing guide says one rWRU per replica per write up to 1 KB, priced as a WRU; the WRU figure ($0.625) is airbyte.com's, US East"),
  dynamoStorageGbMonth: p(0.25, "GB-month", DDB, "not-read", "first 25 GB a month free"),
  dynamoPitrGbMonth: p(0.2, "GB-month", DDB, "not-read", "continuous backups, charged on the table size in each region"),
  dynamoStreamsReads: p(0, "read", DDB, "not-read", "the replication stream of a global table is read by DynamoDB itself, at no charge"),
  interRegionGb: p(0.02, "GB", EC2_DT, "not-read", "data transfer between regions, out of US regions; global table replication pays it (the AWS billing guide says cross-Region transfer applies)"),
  internetOutGb: p(0.09, "GB", EC2_DT, "not-read", "data transfer out to the internet, first 10 TB a month; first 100 GB a month free across services"),
  alarmMonth: p(0.1, "alarm-month", CW, "not-read", "standard-resolution metric alarm; the AWS page read shows the free tier (10 alarms) but not the paid figure"),
  dashboardMonth: p(3, "dashboard-month", CW, "secondary", "factualminds.com; the AWS page read shows the free tier (3 dashboards of up to 50 metrics)"),
  customMetricMonth: p(0.3, "metric-month", CW, "secondary", "first 10,000 metrics, prorated by the hour a metric is published in; signoz.io"),
  logsIngestionGb: p(0.5, "GB", CW, "secondary", "standard (and Lambda vended-log first tier); factualminds.com"),
  logsStorageGbMonth: p(0.03, "GB-month", CW, "not-read"),
  kmsKeyMonth: p(1, "key-month", KMS, "aws", "each automatic rotation adds $1/month for the first two rotations (year 2 and 3), per cloudburn.io on AWS's May 2024 change"),
  kmsRequests10k: p(0.03, "10,000 requests", KMS, "secondary", "20,000 requests a month free (AWS page); wring.co"),
  s3StorageGbMonth: p(0.023, "GB-month", S3, "not-read", "S3 Standard, first 50 TB"),
  s3PutThousand: p(0.005, "1,000 PUT requests", S3, "not-read"),
  vendedLogsToS3Gb: p(0.25, "GB delivered", CW, "not-read", "vended logs (accelerator flow logs) delivered to S3"),
  snsEmailHundredThousand: p(2, "100,000 email notifications", SNS, "not-read", "first 1,000 a month free"),
  route53HostedZoneMonth: p(0.5, "hosted zone-month", R53, "secondary", "first 25 zones; ns1.com, eatsip365.com"),
  route53StandardQueriesMillion: p(0.4, "1M standard queries", R53, "not-read", "first billion a month"),
  route53LatencyQueriesMillion: p(0.6, "1M latency-based queries", R53, "not-read", "first billion a month"),
  route53AliasQueriesMillion: p(0, "1M alias queries", R53, "not-read", "alias queries to AWS resources such as ALBs are free"),
  route53HealthCheckAwsMonth: p(0.5, "health check-month (AWS endpoint)", R53, "not-read"),
  route53HealthCheckOtherMonth: p(0.75, "health check-month (non-AWS endpoint)", R53, "not-read"),
  route53HealthCheckFeatureAwsMonth: p(1, "optional feature-month (AWS endpoint)", R53, "not-read", "HTTPS, string matching, fast interval, latency measurement: each"),
  route53HealthCheckFeatureOtherMonth: p(2, "optional feature-month (non-AWS endpoint)", R53, "not-read"),
} as const satisfies Record<string, Price>;

/** A price's name in {@link PRICES}. */
export type PriceName = keyof typeof PRICES;

/** Free tiers the estimate does not deduct (they are per account, shared with everything else in it). */
export const FREE_TIERS: readonly string[] = [
  "Lambda: 1M requests and 400,000 GB-seconds a month",
  "DynamoDB: 25 GB of storage",
  "CloudWatch: 10 alarms, 3 dashboards (up to 50 metrics each), 10 custom metrics, 5 GB of logs a month",
  "Data transfer out to the internet: 100 GB a month",
  "KMS: 20,000 requests a month",
  "SNS: 1,000 email notifications a month",
];
