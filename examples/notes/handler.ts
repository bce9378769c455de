/**
 * A small notes API of its own, run by GlobalApp as `function.entry` (examples/notes/globalapp.json):
 * every region serves it from its own replica of the global table, GlobalApp answers the health check
 * around it, and a STATUS flip drains a region as it does for the article's API.
 *
 *   GET    /                  200 what this service is (a cheap path to probe: `npm run drill -- --path /`)
 *   GET    /notes/{id}        200 {id, text, version} with ETag "<version>"; 404
 *   PUT    /notes/{id}        {"text": "…"}: creates the note (201) when it does not exist; with
 *                             If-Match: "<version>" replaces it (200) only if it still has that version.
 *                             412 when the condition fails, 428 to replace without If-Match
 *   DELETE /notes/{id}        with If-Match: "<version>": 200; 412 when the version differs, 428 without If-Match
 *
 * Conditional writes keep concurrent writers in one region from losing each other's updates (a
 * DynamoDB condition expression per write). Across regions the global table's last writer wins.
 *
 * Env: TABLE_NAME and AWS_REGION (GlobalApp and Lambda set them), NOTES_MAX_TEXT_BYTES (this
 * example's own, from function.environment).
 */
import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { ALBEvent, ALBResult } from "aws-lambda";

const TABLE_NAME = requiredEnv("TABLE_NAME");
const REGION = requiredEnv("AWS_REGION");
const MAX_TEXT_BYTES = Number(process.env.NOTES_MAX_TEXT_BYTES ?? "10000");
// One client per execution environment; AWS_ENDPOINT_URL_DYNAMODB points it at the local system's store.
const dynamo = new DynamoDBClient({ region: REGION });

/** Note ids: what a path segment carries without encoding. */
const NOTE_ID = /^[A-Za-z0-9._~-]{1,128}$/;
/** The table's key of a note: notes share the table with other items, under their own prefix. */
const keyOf = (id: string) => ({ item_id: { S: `note/${id}` } });

interface Note {
  readonly id: string;
  readonly text: string;
  readonly version: number;
}

/** An answer the handler gives on purpose (not found, precondition failed, …). */
class Answer extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

export async function handler(event: ALBEvent): Promise<ALBResult> {
  try {
    return await route(event);
  } catch (err) {
    if (err instanceof Answer) return reply(event, err.statusCode, { error: err.message });
    // Anything else is a bug or an outage: GlobalApp's wrapper answers 502 with the request id and logs it.
    throw err;
  }
}

async function route(event: ALBEvent): Promise<ALBResult> {
  const method = event.httpMethod;
  if (event.path === "/") {
    if (method !== "GET" && method !== "HEAD") throw new Answer(405, "method not allowed");
    return reply(event, 200, { service: "notes", region: REGION, routes: ["GET /notes/{id}", "PUT /notes/{id}", "DELETE /notes/{id}"] });
  }
  const match = /^\/notes\/([^/]+)$/.exec(event.path);
  if (!match) throw new Answer(404, "not found");
  const id = match[1];
  if (!NOTE_ID.test(id)) throw new Answer(400, "a note id is 1-128 letters, digits or . _ ~ -");
  switch (method) {
    case "GET":
    case "HEAD": {
      const note = await readNote(id);
      if (!note) throw new Answer(404, "no such note");
      return reply(event, 200, { ...note, region: REGION }, { etag: `"${note.version}"` });
    }
    case "PUT":
      return putNote(event, id);
    case "DELETE":
      return deleteNote(event, id);
    default:
      throw new Answer(405, "method not allowed");
  }
}

async function readNote(id: string): Promise<Note | undefined> {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: TABLE_NAME, Key: keyOf(id), ConsistentRead: true }));
  if (!Item?.text?.S || !Item.version?.N) return undefined;
  return { id, text: Item.text.S, version: Number(Item.version.N) };
}

async function putNote(event: ALBEvent, id: string): Promise<ALBResult> {
  const text = textOf(event);
  const expected = ifMatch(event);
  const version = expected === undefined ? 1 : expected + 1;
  try {
    await dynamo.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: { ...keyOf(id), text: { S: text }, version: { N: String(version) } },
        // Create only when there is no note; replace only the version the client read.
        ConditionExpression: expected === undefined ? "attribute_not_exists(item_id)" : "version = :expected",
        ...(expected === undefined ? {} : { ExpressionAttributeValues: { ":expected": { N: String(expected) } } }),
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    if (expected === undefined) throw new Answer(428, 'the note exists: send If-Match: "<version>" to replace it');
    throw new Answer(412, `the note is not at version ${expected} (any more)`);
  }
  return reply(event, expected === undefined ? 201 : 200, { id, text, version, region: REGION }, { etag: `"${version}"` });
}

async function deleteNote(event: ALBEvent, id: string): Promise<ALBResult> {
  const expected = ifMatch(event);
  if (expected === undefined) throw new Answer(428, 'send If-Match: "<version>" to delete the note');
  try {
    await dynamo.send(
      new DeleteItemCommand({
        TableName: TABLE_NAME,
        Key: keyOf(id),
        ConditionExpression: "version = :expected",
        ExpressionAttributeValues: { ":expected": { N: String(expected) } },
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new Answer(412, `the note is not at version ${expected}`);
    throw err;
  }
  return reply(event, 200, { id, deleted: true, region: REGION });
}

/** The body's `text`: a JSON object `{"text": "…"}` within NOTES_MAX_TEXT_BYTES. */
function textOf(event: ALBEvent): string {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new Answer(400, 'the body must be JSON: {"text": "…"}');
  }
  const text = (body as { text?: unknown } | null)?.text;
  if (typeof text !== "string") throw new Answer(400, 'the body must be JSON: {"text": "…"}');
  if (Buffer.byteLength(text, "utf8") > MAX_TEXT_BYTES) throw new Answer(413, `a note's text is at most ${MAX_TEXT_BYTES} bytes`);
  return text;
}

/** The version in If-Match (`"3"`, or `3`), undefined when there is no If-Match. */
function ifMatch(event: ALBEvent): number | undefined {
  const value = header(event, "if-match");
  if (value === undefined) return undefined;
  const m = /^\s*"?(\d{1,15})"?\s*$/.exec(value);
  if (!m) throw new Answer(400, 'If-Match must be a note version, e.g. "3"');
  return Number(m[1]);
}

/** A request header in either of the ALB's forms (single- or multi-value headers). */
function header(event: ALBEvent, name: string): string | undefined {
  const single = event.headers?.[name];
  if (single !== undefined) return single;
  return event.multiValueHeaders?.[name]?.[0];
}

/** A JSON answer in the header form the request came in (the target group's multi-value setting). */
function reply(event: ALBEvent, statusCode: number, body: object, extra: Record<string, string> = {}): ALBResult {
  const headers = { "content-type": "application/json", ...extra };
  const text = event.httpMethod === "HEAD" ? "" : JSON.stringify(body);
  return event.multiValueHeaders
    ? { statusCode, multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), body: text }
    : { statusCode, headers, body: text };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
