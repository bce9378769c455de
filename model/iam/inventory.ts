/**
 * What a synthesized stack (`cdk.tf.json`) holds, as the IAM model needs it: every resource and data
 * source with its type, region (from its aliased provider) and body. Pure: reads the JSON, nothing else.
 */

/** One resource or data source of the synthesized stack. */
export interface StackElement {
  /** Terraform type, e.g. "aws_lambda_function". */
  readonly type: string;
  /** Terraform address, e.g. "aws_lambda_function.backend-us-west-2_function_1A2B3C4D". */
  readonly address: string;
  /** The region of its provider (every element names an aliased provider; the alias is the region). */
  readonly region: string;
  /** The synthesized arguments (strings may hold Terraform references: `${…}`). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** The resources and data sources of one synthesized stack. */
export interface StackInventory {
  readonly resources: readonly StackElement[];
  readonly dataSources: readonly StackElement[];
}

import type { SynthesizedStack } from "../synthesized";

export type { SynthesizedStack };

/** The region an element's provider is aliased to: `aws.eu-central-1` → `eu-central-1`. */
function regionOf(address: string, body: Readonly<Record<string, unknown>>): string {
  const provider = body.provider;
  const m = typeof provider === "string" ? /^aws\.([a-z0-9-]+)$/.exec(provider) : null;
  if (!m) throw new Error(`${address}: no aliased aws provider (got ${JSON.stringify(provider)}); every GlobalApp element names its region's provider`);
  return m[1];
}

function elements(blocks: SynthesizedStack["resource"], prefix: string): StackElement[] {
  return Object.entries(blocks ?? {}).flatMap(([type, byId]) =>
    Object.entries(byId).map(([id, body]) => {
      const address = `${prefix}${type}.${id}`;
      return { type, address, region: regionOf(address, body), body };
    }),
  );
}

/** Reads the inventory of a synthesized stack (the parsed `cdk.tf.json`). */
export function inventoryOf(tf: SynthesizedStack): StackInventory {
  return { resources: elements(tf.resource, ""), dataSources: elements(tf.data, "data.") };
}

/** True when a synthesized string holds a Terraform reference, i.e. its value is only known at apply time. */
export function isReference(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/**
 * A literal string argument of an element, for ARN patterns built from physical names. A name that is
 * a Terraform reference cannot scope a policy written before the apply, so it is an error.
 */
export function literal(element: StackElement, key: string): string | undefined {
  const value = element.body[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || isReference(value)) {
    throw new Error(`${element.address}.${key} = ${JSON.stringify(value)}: the IAM policy scopes by this name, so it must be a literal`);
  }
  return value;
}
