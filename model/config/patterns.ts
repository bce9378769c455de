/** Patterns shared by the schema (./schema.ts) and the cross-key rules (./rules.ts). */

/** An ACM certificate ARN; its region is checked against the key it is configured under. */
export const ACM_ARN = /^arn:aws(-[a-z]+)*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;

/** The VPC's /16: `10.N.0.0/16` with N a canonical 0-255. */
export const VPC_CIDR = /^10\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.0\.0\/16$/;

/** A health-check matcher: one code, a list of codes, or one range `low-high` (each 3 digits; range checked in rules). */
export const MATCHER = /^([0-9]{3}(,[0-9]{3})*|[0-9]{3}-[0-9]{3})$/;

/** A lower-case DNS name of two or more labels (1-63 characters each, letters, digits, inner hyphens). */
export const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A Route 53 hosted zone id (Z followed by upper-case letters and digits). */
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
