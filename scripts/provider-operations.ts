/**
 * `npm run iam:operations -- [--binary FILE] [--out FILE]`: extracts, from the released hashicorp/aws
 * provider binary itself, the AWS API operations each resource type GlobalApp synthesizes calls to
 * create, read, update and delete, and writes them as the fixture model/iam/provider-operations.json
 * (with the provider's commit, read from the binary's build info, and each type's source file).
 *
 * Why the binary: it is exactly the code `terraform` runs (the build records its commit,
 * f7a3b98da589ab1d52756b0dcee0dbf2de83d635 for v5.100.0), and unlike the 930 MB repository it is on
 * every machine that has run `terraform init` with this provider (and in the registry:
 * https://releases.hashicorp.com/terraform-provider-aws/5.100.0/). Go keeps every function's name and
 * source file in `.gopclntab`, so the call graph can be followed without the source:
 *   1. roots: the functions the resource's schema registers for Create, Read, Update and Delete
 *      ({@link ROOTS}; each must be defined in the file named there, or the script stops);
 *   2. from each root, every provider function it calls or refers to (closures, function values),
 *      transitively, inside github.com/hashicorp/terraform-provider-aws;
 *   3. an operation is a call of an AWS SDK for Go v2 client method, `<service>.(*Client).<Op>`, or a
 *      paginator's `(*<Op>Paginator).NextPage`;
 *   4. types with `tags_all` tag through the provider's transparent tagging (an interceptor calls the
 *      service package's ListTags after create, read and update, and UpdateTags on create and update):
 *      the operations those two reach are added to them (for IAM and S3, whose tagging switches on the
 *      resource type, those of the type's own branch: {@link TAG_BRANCHES}).
 * The result over-approximates what one apply calls (every branch counts: an argument GlobalApp never
 * sets still contributes its calls), which is what a completeness check wants.
 *
 * Needs gdb (its disassembler). The default binary is the one the tests' provider mirror holds
 * (GLOBALAPP_TF_PROVIDER_MIRROR, else /opt/tf-plugins).
 *
 * Exit status: 0 written, 1 the binary is not the expected provider or a root is missing, 2 bad usage.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseOptions, runCli, UsageError } from "../lib/cli";
import { GoBinary, type GoFunction } from "./provider-operations/go-binary";

/** Where the fixture goes. */
export const FIXTURE = join(__dirname, "..", "model", "iam", "provider-operations.json");
const MODULE = "github.com/hashicorp/terraform-provider-aws/";
const SERVICE = `${MODULE}internal/service/`;

/** A resource type's CRUD functions: package, file, and function names per operation (none: a no-op). */
interface Root {
  readonly pkg: string;
  readonly file: string;
  readonly create: readonly string[];
  readonly read: readonly string[];
  readonly update: readonly string[];
  readonly delete: readonly string[];
}

/** `resourceFoo{Create,Read,Update,Delete}` of one package and file. */
const crud = (pkg: string, file: string, base: string, ops: Partial<Record<"create" | "read" | "update" | "delete", string | null>> = {}): Root => {
  const name = (op: "create" | "read" | "update" | "delete", suffix: string) => {
    const given = ops[op];
    return given === null ? [] : [given ?? `${base}${suffix}`];
  };
  return { pkg, file, create: name("create", "Create"), read: name("read", "Read"), update: name("update", "Update"), delete: name("delete", "Delete") };
};
/** A framework resource: methods `(*<type>).Create` etc. */
const framework = (pkg: string, file: string, type: string): Root => ({
  pkg,
  file,
  create: [`(*${type}).Create`],
  read: [`(*${type}).Read`],
  update: [`(*${type}).Update`],
  delete: [`(*${type}).Delete`],
});

/**
 * The functions each resource type's schema registers (read off the schema constructor, e.g.
 * `resourceDefaultSecurityGroup`, whose function values are its CRUD functions).
 */
export const ROOTS: Readonly<Record<string, Root>> = {
  aws_acm_certificate: crud("acm", "certificate.go", "resourceCertificate"),
  aws_acm_certificate_validation: crud("acm", "certificate_validation.go", "resourceCertificateValidation", { update: null, delete: null }),
  aws_cloudwatch_dashboard: crud("cloudwatch", "dashboard.go", "resourceDashboard", { create: "resourceDashboardPut", update: "resourceDashboardPut" }),
  aws_cloudwatch_log_group: crud("logs", "group.go", "resourceGroup"),
  aws_cloudwatch_metric_alarm: crud("cloudwatch", "metric_alarm.go", "resourceMetricAlarm"),
  aws_default_security_group: crud("ec2", "vpc_default_security_group.go", "resourceDefaultSecurityGroup", {
    read: "resourceSecurityGroupRead",
    update: "resourceSecurityGroupUpdate",
    delete: null,
  }),
  aws_dynamodb_table: crud("dynamodb", "table.go", "resourceTable"),
  aws_dynamodb_table_item: crud("dynamodb", "table_item.go", "resourceTableItem"),
  aws_globalaccelerator_accelerator: crud("globalaccelerator", "accelerator.go", "resourceAccelerator"),
  aws_globalaccelerator_endpoint_group: crud("globalaccelerator", "endpoint_group.go", "resourceEndpointGroup"),
  aws_globalaccelerator_listener: crud("globalaccelerator", "listener.go", "resourceListener"),
  aws_iam_role: crud("iam", "role.go", "resourceRole"),
  aws_iam_role_policy: crud("iam", "role_policy.go", "resourceRolePolicy", { create: "resourceRolePolicyPut", update: "resourceRolePolicyPut" }),
  aws_internet_gateway: crud("ec2", "vpc_internet_gateway.go", "resourceInternetGateway"),
  aws_kms_alias: crud("kms", "alias.go", "resourceAlias"),
  aws_kms_key: crud("kms", "key.go", "resourceKey"),
  aws_lambda_function: crud("lambda", "function.go", "resourceFunction"),
  aws_lambda_invocation: crud("lambda", "invocation.go", "resourceInvocation", { read: null }),
  aws_lambda_permission: crud("lambda", "permission.go", "resourcePermission", { update: null }),
  aws_lb: crud("elbv2", "load_balancer.go", "resourceLoadBalancer"),
  aws_lb_listener: crud("elbv2", "listener.go", "resourceListener"),
  aws_lb_listener_rule: crud("elbv2", "listener_rule.go", "resourceListenerRule"),
  aws_lb_target_group: crud("elbv2", "target_group.go", "resourceTargetGroup"),
  aws_lb_target_group_attachment: crud("elbv2", "target_group_attachment.go", "resourceAttachment", { update: null }),
  aws_route53_health_check: crud("route53", "health_check.go", "resourceHealthCheck"),
  aws_route53_record: crud("route53", "record.go", "resourceRecord"),
  aws_route_table: crud("ec2", "vpc_route_table.go", "resourceRouteTable"),
  aws_route_table_association: crud("ec2", "vpc_route_table_association.go", "resourceRouteTableAssociation"),
  aws_s3_bucket: crud("s3", "bucket.go", "resourceBucket"),
  aws_s3_bucket_lifecycle_configuration: framework("s3", "bucket_lifecycle_configuration.go", "resourceBucketLifecycleConfiguration"),
  aws_s3_bucket_ownership_controls: crud("s3", "bucket_ownership_controls.go", "resourceBucketOwnershipControls"),
  aws_s3_bucket_policy: crud("s3", "bucket_policy.go", "resourceBucketPolicy", { create: "resourceBucketPolicyPut", update: "resourceBucketPolicyPut" }),
  aws_s3_bucket_public_access_block: crud("s3", "bucket_public_access_block.go", "resourceBucketPublicAccessBlock"),
  aws_s3_bucket_server_side_encryption_configuration: crud("s3", "bucket_server_side_encryption_configuration.go", "resourceBucketServerSideEncryptionConfiguration"),
  aws_s3_bucket_versioning: crud("s3", "bucket_versioning.go", "resourceBucketVersioning"),
  aws_security_group: crud("ec2", "vpc_security_group.go", "resourceSecurityGroup"),
  aws_sns_topic: crud("sns", "topic.go", "resourceTopic"),
  aws_sns_topic_subscription: crud("sns", "topic_subscription.go", "resourceTopicSubscription"),
  aws_subnet: crud("ec2", "vpc_subnet.go", "resourceSubnet"),
  aws_vpc: crud("ec2", "vpc_.go", "resourceVPC"),
};

/**
 * Service packages whose ListTags/UpdateTags switch on the resource type: only the type's own branch
 * runs for it (IAM tags roles with TagRole, S3 buckets with PutBucketTagging; the other branches serve
 * users, policies, objects …).
 */
export const TAG_BRANCHES: Readonly<Record<string, RegExp>> = {
  aws_iam_role: /^iam:(ListRoleTags|TagRole|UntagRole)$/,
  aws_s3_bucket: /^s3:(GetBucketTagging|PutBucketTagging|DeleteBucketTagging)$/,
};

/** The fixture's shape. */
export interface ProviderOperations {
  readonly provider: string;
  readonly version: string;
  /** The provider repository's commit the binary was built from (its build info's vcs.revision). */
  readonly commit: string;
  readonly method: string;
  readonly types: Readonly<
    Record<
      string,
      {
        /** Source file of the CRUD functions, relative to the repository. */
        readonly file: string;
        /** The root functions, per operation. */
        readonly functions: Readonly<Record<"create" | "read" | "update" | "delete", readonly string[]>>;
        /** Whether transparent tagging adds the package's ListTags/UpdateTags operations. */
        readonly taggable: boolean;
        readonly create: readonly string[];
        readonly read: readonly string[];
        readonly update: readonly string[];
        readonly delete: readonly string[];
      }
    >
  >;
}

/** `<service>:<Op>` when the function is an SDK client call or a paginator page, else undefined. */
export function operationOf(name: string): string | undefined {
  const client = /^github\.com\/aws\/aws-sdk-go-v2\/service\/([a-z0-9]+)\.\(\*Client\)\.([A-Z][A-Za-z0-9]+)$/.exec(name);
  if (client && client[2] !== "Options") return `${client[1]}:${client[2]}`;
  const page = /^github\.com\/aws\/aws-sdk-go-v2\/service\/([a-z0-9]+)\.\(\*([A-Z][A-Za-z0-9]+)Paginator\)\.NextPage$/.exec(name);
  if (page) return `${page[1]}:${page[2]}`;
  return undefined;
}

/** Provider code the walk follows (the provider's own packages; not the SDKs, not Terraform's). */
const follows = (name: string) => name.startsWith(MODULE) && !name.includes("/internal/sweep");

/** Every operation the given roots reach. */
function reach(binary: GoBinary, roots: readonly GoFunction[], cache: Map<GoFunction, GoFunction[]>): string[] {
  const seen = new Set<GoFunction>(roots);
  let frontier = [...roots];
  const ops = new Set<string>();
  while (frontier.length > 0) {
    const missing = frontier.filter((f) => !cache.has(f));
    for (const [f, refs] of binary.references(missing)) cache.set(f, refs);
    const next: GoFunction[] = [];
    for (const f of frontier) {
      for (const target of cache.get(f) ?? []) {
        const op = operationOf(target.name);
        if (op) ops.add(op);
        else if (follows(target.name) && !seen.has(target)) {
          seen.add(target);
          next.push(target);
        }
      }
    }
    frontier = next;
  }
  return [...ops].sort();
}

/** True when the cdktf binding of the type has `tagsAll` (the provider schema's tags_all). */
function taggable(type: string): boolean {
  const dir = join(__dirname, "..", "node_modules", "@cdktf", "provider-aws", "lib", type.replace(/^aws_/, "").replace(/_/g, "-"), "index.d.ts");
  return existsSync(dir) && readFileSync(dir, "utf8").includes("tagsAll");
}

/** Extracts the fixture from a provider binary (every type of {@link ROOTS}, or `only` these). */
export function extract(binaryPath: string, log: (line: string) => void, only?: readonly string[]): ProviderOperations {
  const binary = new GoBinary(binaryPath);
  try {
    const { revision } = binary.buildInfo();
    if (!revision) throw new Error(`${binaryPath}: no vcs.revision in its build info; not a release build of the provider?`);
    const cache = new Map<GoFunction, GoFunction[]>();
    const fn = (pkg: string, name: string): GoFunction => {
      const f = binary.function(`${SERVICE}${pkg}.${name}`);
      if (!f) throw new Error(`${binaryPath}: no function ${pkg}.${name}: the provider is not the one ROOTS was written for`);
      // A type may share a function with another (aws_default_security_group reads like aws_security_group):
      // each root must be in the type's package; its own file is checked for the type's create function.
      if (!f.file.startsWith(`${SERVICE}${pkg}/`)) throw new Error(`${pkg}.${name} is defined in ${f.file}, outside package ${pkg}`);
      return f;
    };
    const tagOps = new Map<string, { list: string[]; update: string[] }>();
    const tagsOf = (pkg: string) => {
      if (!tagOps.has(pkg)) {
        const at = (m: string) => binary.function(`${SERVICE}${pkg}.(*servicePackage).${m}`);
        const list = at("ListTags");
        const update = at("UpdateTags");
        if (!list || !update) throw new Error(`${pkg}: no (*servicePackage).ListTags/UpdateTags for transparent tagging`);
        tagOps.set(pkg, { list: reach(binary, [list], cache), update: reach(binary, [update], cache) });
      }
      return tagOps.get(pkg)!;
    };
    const types: Record<string, ProviderOperations["types"][string]> = {};
    for (const [type, root] of Object.entries(ROOTS).filter(([t]) => !only || only.includes(t))) {
      const ops = (names: readonly string[]) => reach(binary, names.map((n) => fn(root.pkg, n)), cache);
      const declared = `${SERVICE}${root.pkg}/${root.file}`;
      const creator = fn(root.pkg, root.create[0]);
      if (creator.file !== declared) throw new Error(`${root.pkg}.${root.create[0]} is defined in ${creator.file}, not ${declared}`);
      const all = taggable(type) ? tagsOf(root.pkg) : { list: [], update: [] };
      const branch = TAG_BRANCHES[type];
      const tags = branch ? { list: all.list.filter((o) => branch.test(o)), update: all.update.filter((o) => branch.test(o)) } : all;
      const merge = (...lists: string[][]) => [...new Set(lists.flat())].sort();
      types[type] = {
        file: `internal/service/${root.pkg}/${root.file}`,
        functions: { create: root.create, read: root.read, update: root.update, delete: root.delete },
        taggable: taggable(type),
        create: merge(ops(root.create), tags.list, tags.update),
        read: merge(ops(root.read), tags.list),
        update: merge(ops(root.update), tags.list, tags.update),
        delete: ops(root.delete),
      };
      log(`iam:operations: ${type}: ${new Set([...types[type].create, ...types[type].read, ...types[type].update, ...types[type].delete]).size} operations`);
    }
    return {
      provider: "registry.terraform.io/hashicorp/aws",
      version: "5.100.0",
      commit: revision,
      method:
        "npm run iam:operations: the provider binary's Go function table and call graph (direct calls and function references, " +
        "within the provider's own packages) from each resource's CRUD functions to AWS SDK for Go v2 client calls and paginators, " +
        "plus the service package's ListTags/UpdateTags for types with tags_all",
      types,
    };
  } finally {
    binary.close();
  }
}

/** The provider binary the tests' mirror holds. */
export function defaultBinary(env: NodeJS.ProcessEnv): string {
  const mirror = env.GLOBALAPP_TF_PROVIDER_MIRROR ?? "/opt/tf-plugins";
  return join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64", "terraform-provider-aws_v5.100.0_x5");
}

/** The options `npm run iam:operations` accepts (node:util parseArgs). */
export const OPTIONS = {
  binary: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const USAGE = `Usage: npm run -s iam:operations -- [--binary FILE] [--out FILE]

Extracts the AWS API operations hashicorp/aws 5.100.0 calls to create, read, update and delete each
resource type GlobalApp synthesizes, from the provider binary, and writes them as JSON with the
provider's commit and each type's source file. Needs gdb.

Options:
  --binary FILE  the provider binary (default: the tests' provider mirror, GLOBALAPP_TF_PROVIDER_MIRROR
                 or /opt/tf-plugins, registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/…)
  --out FILE     where to write (default: model/iam/provider-operations.json)
  -h, --help     this text

Exit status: 0 written, 1 the binary is not the expected provider, 2 bad usage or no binary.
`;

async function main(): Promise<number> {
  const values = parseOptions(OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const binary = values.binary ?? defaultBinary(process.env);
  if (!existsSync(binary)) throw new UsageError(`no provider binary at ${binary} (--binary FILE)`);
  const result = extract(binary, (line) => process.stderr.write(`${line}\n`));
  writeFileSync(values.out ?? FIXTURE, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`iam:operations: wrote ${values.out ?? FIXTURE} (commit ${result.commit})\n`);
  return 0;
}

if (require.main === module) runCli("iam:operations", main);
