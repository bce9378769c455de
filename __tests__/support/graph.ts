import type { TerraformJson } from "./synth";

/**
 * The dependency graph Terraform builds from a synthesized stack: an edge A → B when resource A
 * refers to B (`${aws_x.name…}` anywhere in its body) or names it in `depends_on`. Terraform creates
 * B before A and destroys A before B.
 */
export class ResourceGraph {
  private readonly edges = new Map<string, Set<string>>();

  constructor(tf: TerraformJson) {
    for (const [type, resources] of Object.entries(tf.resource)) {
      for (const [name, body] of Object.entries(resources)) {
        const { "//": _metadata, ...rest } = body;
        const text = JSON.stringify(rest);
        const targets = new Set<string>();
        for (const m of text.matchAll(/\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) {
          if (tf.resource[m[1]]?.[m[2]]) targets.add(`${m[1]}.${m[2]}`);
        }
        targets.delete(`${type}.${name}`);
        this.edges.set(`${type}.${name}`, targets);
      }
    }
  }

  /** Every address in the stack. */
  get addresses(): string[] {
    return [...this.edges.keys()];
  }

  /** True when `from` depends on `to`, directly or through others (so `from` is destroyed first). */
  dependsOn(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const next = stack.pop()!;
      for (const t of this.edges.get(next) ?? []) {
        if (t === to) return true;
        if (!seen.has(t)) {
          seen.add(t);
          stack.push(t);
        }
      }
    }
    return false;
  }
}
