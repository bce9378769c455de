import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { DynamodbTableItem } from "@cdktf/provider-aws/lib/dynamodb-table-item";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { replaceRegionInArn } from "./lib/arn";
import { jsonDocument } from "./lib/json-document";

/** The article's seed item: `GET /get/foobar` finds it in every region. */
export const SEED_ITEM = { item_id: "foobar", message: "Hello from GlobalApp" } as const;

/**
 * How long terraform waits on the table, written out so the configuration says when a stuck create
 * ends: with an error after 30 minutes per step. Creating a table with inline replicas and
 * customer-managed keys (prod's default) has been reported to hang with aws 5.100.0
 * (hashicorp/terraform-provider-aws#43347). These are the provider's own floors, the shortest waits
 * it honours: each wait takes the longer of its built-in duration and the configured one
 * (internal/service/dynamodb/wait.go, `max(createTableTimeout, timeout)` and
 * `max(replicaUpdateTimeout, timeout)`: 30 min for the table and for each replica to become ACTIVE,
 * 10 min for the table to be deleted, 30 min for a replica to be deleted), and the resource has no
 * overall deadline (registered `CreateWithoutTimeout`). So a shorter value is ignored and a longer one
 * only lengthens a hang; prod and dev get the same. A replica added later (a new region) waits under
 * `create` as well, and a replica of a large table that takes longer fails the deploy while DynamoDB
 * keeps copying: the next deploy finds it and carries on.
 */
export const TABLE_TIMEOUTS = { create: "30m", update: "60m", delete: "10m" } as const;

/** Props of {@link GlobalTable}. */
export interface GlobalTableProps {
  /** Table name, e.g. "GlobalApp". */
  readonly tableName: string;
  /** The table's primary region; the table resource lives there. */
  readonly homeRegion: string;
  /** Provider aliased to `homeRegion`. */
  readonly provider: AwsProvider;
  /** Every serving region; each one other than `homeRegion` gets a replica. */
  readonly regions: readonly string[];
  /** Refuse `DeleteTable` while on. @default false */
  readonly deletionProtection?: boolean;
  /**
   * Terraform `prevent_destroy` on the table: any plan that would delete or replace it (a rename, a
   * new home region, `cdktf destroy`) fails instead of deleting the data. @default false
   */
  readonly preventDestroy?: boolean;
  /** Customer-managed KMS key ARN per region; absent regions use the AWS-owned key. @default {} */
  readonly kmsKeyArns?: Readonly<Record<string, string>>;
  /** Write the article's `foobar` item. @default true */
  readonly seedItem?: boolean;
}

/**
 * A DynamoDB global table (version 2019.11.21): one `aws_dynamodb_table` in the home region with a
 * `replica` block per other region. Streams with NEW_AND_OLD_IMAGES are what replication runs on.
 * Key: `item_id` (string). On-demand capacity, point-in-time recovery on the table and every replica.
 */
export class GlobalTable extends Construct {
  /** The table resource (home region). */
  public readonly table: DynamodbTable;
  /** The table's primary region. */
  public readonly homeRegion: string;
  /** Every region that holds a copy, home region first. */
  public readonly regions: readonly string[];
  /** Partition key attribute name. */
  public readonly partitionKey = "item_id";
  /** Customer-managed KMS key ARNs keyed by region (empty: the AWS-owned key everywhere). */
  public readonly kmsKeyArns: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: GlobalTableProps) {
    super(scope, id);
    if (!props.regions.includes(props.homeRegion)) {
      throw new Error(`GlobalTable: homeRegion "${props.homeRegion}" is not one of regions (${props.regions.join(", ")})`);
    }
    for (const r of Object.keys(props.kmsKeyArns ?? {})) {
      if (!props.regions.includes(r)) throw new Error(`GlobalTable: kmsKeyArns names "${r}", which is not one of regions`);
    }
    this.homeRegion = props.homeRegion;
    this.regions = [props.homeRegion, ...props.regions.filter((r) => r !== props.homeRegion)];
    const kms = props.kmsKeyArns ?? {};
    this.kmsKeyArns = kms;

    this.table = new DynamodbTable(this, "table", {
      provider: props.provider,
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: this.partitionKey,
      attribute: [{ name: this.partitionKey, type: "S" }],
      // Global tables replicate from the stream; NEW_AND_OLD_IMAGES is required.
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: kms[props.homeRegion]
        ? { enabled: true, kmsKeyArn: kms[props.homeRegion] }
        : { enabled: false },
      deletionProtectionEnabled: props.deletionProtection ?? false,
      timeouts: { ...TABLE_TIMEOUTS },
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
      replica: this.regions.slice(1).map((regionName) => ({
        regionName,
        pointInTimeRecovery: true,
        propagateTags: true,
        ...(kms[regionName] ? { kmsKeyArn: kms[regionName] } : {}),
      })),
    });

    if (props.seedItem ?? true) {
      new DynamodbTableItem(this, "seed-item", {
        provider: props.provider,
        tableName: this.table.name,
        hashKey: this.table.hashKey,
        item: jsonDocument(Object.fromEntries(Object.entries(SEED_ITEM).map(([k, v]) => [k, { S: v }]))),
      });
    }
  }

  /**
   * ARN of the copy of the table in `region` (the table itself in the home region, else its replica).
   * Derived from the table's own ARN so the account and partition are always right.
   */
  public arnIn(region: string): string {
    if (!this.regions.includes(region)) {
      throw new Error(`GlobalTable: no replica in "${region}"; regions: ${this.regions.join(", ")}`);
    }
    return region === this.homeRegion ? this.table.arn : replaceRegionInArn(this.table.arn, this.homeRegion, region);
  }
}
