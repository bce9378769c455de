import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { type AppConfig, localStatePath, stateKey } from "../../model/config";

/** A state backend with every default resolved: what {@link configureBackend} writes. */
export type BackendSettings =
  | { readonly backend: "s3"; readonly bucket: string; readonly key: string; readonly region: string }
  | { readonly backend: "cloud"; readonly organization: string; readonly workspace: string; readonly hostname?: string }
  | { readonly backend: "local"; readonly path: string };

/** The `globalapp` stack's backend for a config: the S3 key and local path default per app and environment. */
export function backendSettings(config: AppConfig): BackendSettings {
  const state = config.state;
  switch (state.backend) {
    case "s3":
      return { backend: "s3", bucket: state.bucket, key: stateKey(config), region: state.region };
    case "cloud":
      return state;
    case "local":
      return { backend: "local", path: localStatePath(config) };
  }
}

/**
 * Where state lives: S3 with native lockfile locking (default), Terraform Cloud, or local.
 * The S3 backend needs `use_lockfile` (Terraform ≥ 1.10), which cdktf 0.21's S3Backend does not
 * type yet, so it is set as an override.
 */
export function configureBackend(stack: TerraformStack, state: BackendSettings): void {
  switch (state.backend) {
    case "s3": {
      const backend = new S3Backend(stack, { bucket: state.bucket, key: state.key, region: state.region, encrypt: true });
      backend.addOverride("use_lockfile", true);
      return;
    }
    case "cloud":
      new CloudBackend(stack, {
        organization: state.organization,
        workspaces: new NamedCloudWorkspace(state.workspace),
        ...(state.hostname ? { hostname: state.hostname } : {}),
      });
      return;
    case "local":
      // Relative to the stack's working directory (cdktf.out/stacks/<stack>), so no machine's
      // absolute path is baked in.
      new LocalBackend(stack, { path: state.path });
      return;
  }
}
