import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Bundle, bundleHandler, PROJECT_ROOT } from "./lib/bundle";
import { createZip } from "./lib/zip";

/** Props of {@link FunctionAsset}. */
export interface FunctionAssetProps {
  /** Handler entry file, relative to the project root. @default "functions/get.ts" */
  readonly entry?: string;
  /** A bundle built already (the config's function: constructs/lib/bundle.ts functionBundle); `entry` is then ignored. @default bundled from `entry` */
  readonly bundle?: Bundle;
  /** Where the zip is staged before cdktf copies it into the stack's assets. @default "<project>/.build" */
  readonly buildDir?: string;
}

/**
 * The Lambda deployment package: `functions/get.ts` (or the given entry or bundle) bundled by esbuild into one `index.js`, zipped
 * deterministically and handed to Terraform as a file asset. Built once per stack and shared by
 * every region. Same source → same bytes → same hash → no spurious redeploys.
 */
export class FunctionAsset extends Construct {
  /** The asset; its `path` is relative to the synthesized stack directory. */
  public readonly asset: TerraformAsset;
  /** base64 SHA-256 of the zip, exactly what Lambda reports as CodeSha256 (`source_code_hash`). */
  public readonly sourceCodeHash: string;
  /** Size of the zip in bytes. */
  public readonly zipBytes: number;
  /** Lambda handler setting for this package. */
  public readonly handler = "index.handler";

  constructor(scope: Construct, id: string, props: FunctionAssetProps = {}) {
    super(scope, id);
    const bundle = props.bundle ?? bundleHandler({ entry: props.entry });
    const zip = createZip([{ name: bundle.fileName, data: bundle.code }]);
    const digest = createHash("sha256").update(zip).digest();
    this.sourceCodeHash = digest.toString("base64");
    this.zipBytes = zip.length;

    const hex = digest.toString("hex").slice(0, 16).toUpperCase();
    const dir = join(props.buildDir ?? join(PROJECT_ROOT, ".build"), hex);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "function.zip");
    writeFileSync(file, zip);
    this.asset = new TerraformAsset(this, "zip", { path: file, type: AssetType.FILE, assetHash: hex });
  }

  /** Path of the zip relative to the synthesized stack directory (Lambda `filename`). */
  public get path(): string {
    return this.asset.path;
  }
}
