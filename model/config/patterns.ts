/** Patterns shared by the schema (./schema.ts) and the cross-key rules (./rules.ts). */

/** An ACM certificate ARN; its region is checked against the key it is configured under. */
export const ACM_ARN = /^arn:aws(-[a-z]+)*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
