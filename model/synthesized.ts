/** The parts of a synthesized stack (`cdk.tf.json`) the pure models read: IAM inventory, change impact. */

type Blocks = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;

/** A synthesized Terraform JSON configuration, as far as the models read it. */
export interface SynthesizedStack {
  readonly resource?: Blocks;
  readonly data?: Blocks;
  /** The backend (or Terraform Cloud) block: which state the configuration is for. */
  readonly terraform?: { readonly backend?: unknown; readonly cloud?: unknown };
  /** The aws provider configurations, one per alias. */
  readonly provider?: { readonly aws?: ReadonlyArray<{ readonly alias?: string }> };
}
