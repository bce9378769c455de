import type { Tf } from "./rules";

/** The hardened prod config: certificates in both regions, an alarm email, reserved concurrency. */
export const HARDENED_PROD = {
  environment: "prod",
  https: {
    certificateArns: {
      "us-west-2": "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
      "eu-central-1": "arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-7777-8888-9999-000011112222",
    },
  },
  alarms: { email: "oncall@example.com" },
  function: { reservedConcurrency: 100 },
};

type Body = Record<string, unknown>;

/** Every resource body of a type (mutable: the tests break copies of the stack). */
export function all(tf: Tf, type: string): Body[] {
  return Object.values(tf.resource?.[type] ?? {});
}

/** The first resource body of a type; throws when there is none (a breaker must break something). */
export function first(tf: Tf, type: string, match: (b: Body) => boolean = () => true): Body {
  const found = all(tf, type).find(match);
  if (!found) throw new Error(`no ${type} to break`);
  return found;
}

/** Adds a resource. */
export function add(tf: Tf, type: string, name: string, body: Body): void {
  tf.resource ??= {};
  tf.resource[type] ??= {};
  tf.resource[type][name] = body;
}

/** Adds an inline IAM role policy with a plain JSON document. */
export function addRolePolicy(tf: Tf, statement: Body): void {
  add(tf, "aws_iam_role_policy", "broken", {
    role: "${aws_iam_role.x.id}",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] }),
  });
}

/** The ingress/egress rule shape of an inline security-group block. */
export function sgRule(from: number, to: number, protocol: string): Body {
  return { from_port: from, to_port: to, protocol, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: [], description: "broken" };
}
