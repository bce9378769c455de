import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { policyDocument } from "./lib/iam";

/** Props of {@link TableKeys}. */
export interface TableKeysProps {
  /** Every region holding a copy of the table. */
  readonly regions: readonly string[];
  /** Providers keyed by region (alias = region name); one key is created with each. */
  readonly providers: Readonly<Record<string, AwsProvider>>;
  /** Physical-name prefix, `${appName}-${environment}`; aliases are `alias/${namePrefix}-table`. */
  readonly namePrefix: string;
  /** The account that owns the stack; it administers the keys through IAM. */
  readonly accountId: string;
  /** Days KMS waits before deleting a key scheduled for deletion (7-30). @default 30 */
  readonly deletionWindowDays?: number;
  /**
   * Terraform `prevent_destroy` on the keys: a plan that would schedule one for deletion fails, since a
   * table copy encrypted under a deleted key becomes unreadable. @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * One customer-managed KMS key per region for the DynamoDB global table (a replica can only use a key
 * in its own region), with yearly automatic rotation. The key policy is written out (the account
 * administers the key through IAM, as in KMS's default policy). DynamoDB uses the key on behalf of the
 * caller, so each region's function gets `kms:Decrypt`/`Encrypt`/`GenerateDataKey`/`DescribeKey` on
 * its own region's key, only via DynamoDB (`kms:ViaService`) — see RegionalBackend.
 */
export class TableKeys extends Construct {
  /** Key ARNs keyed by region, for `GlobalTable`'s `kmsKeyArns`. */
  public readonly arns: Readonly<Record<string, string>>;
  /** The keys keyed by region. */
  public readonly keys: Readonly<Record<string, KmsKey>>;

  constructor(scope: Construct, id: string, props: TableKeysProps) {
    super(scope, id);
    const window = props.deletionWindowDays ?? 30;
    if (!Number.isInteger(window) || window < 7 || window > 30) {
      throw new Error(`TableKeys: deletionWindowDays ${window} must be a whole number between 7 and 30`);
    }
    const keys: Record<string, KmsKey> = {};
    for (const region of props.regions) {
      const provider = props.providers[region];
      if (!provider) throw new Error(`TableKeys: no provider for region "${region}"`);
      keys[region] = new KmsKey(this, `key-${region}`, {
        provider,
        description: `${props.namePrefix} DynamoDB table encryption in ${region}`,
        enableKeyRotation: true,
        deletionWindowInDays: window,
        lifecycle: { preventDestroy: props.preventDestroy ?? false },
        // In a key policy, Resource "*" means "this key".
        policy: policyDocument([
          { sid: "AccountAdministersKey", principals: { AWS: [props.accountId] }, actions: ["kms:*"], resources: ["*"] },
        ]),
      });
      new KmsAlias(this, `alias-${region}`, { provider, name: `alias/${props.namePrefix}-table`, targetKeyId: keys[region].keyId });
    }
    this.keys = keys;
    this.arns = Object.fromEntries(Object.entries(keys).map(([r, k]) => [r, k.arn]));
  }
}
