import {
  BadRequestError,
  ConfigurationError,
  HttpError,
  InternalError,
  isDependencyUnavailable,
  MethodNotAllowedError,
  NotFoundError,
  RETRY_AFTER_SECONDS,
  ServiceUnavailableError,
  toHttpError,
} from "../../../functions/lib/errors";

/** An error shaped like the AWS SDK's service exceptions. */
function sdkError(name: string, httpStatusCode: number, message = `${name}: details from AWS`): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? "server" : "client", $metadata: { httpStatusCode } });
}

/** An error shaped like Node's network errors. */
function netError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code, syscall: "connect" });
}

describe("HttpError subclasses", () => {
  test.each<[HttpError, number]>([
    [new BadRequestError("bad"), 400],
    [new NotFoundError("nope"), 404],
    [new MethodNotAllowedError(["GET"]), 405],
    [new ConfigurationError(["TABLE_NAME = missing"]), 500],
    [new InternalError("internal error"), 500],
    [new ServiceUnavailableError("later"), 503],
  ])("%s → %i", (error, status) => {
    expect(error.statusCode).toBe(status);
    expect(toHttpError(error)).toBe(error);
  });

  test("names survive minification (literal names, not class names)", () => {
    expect(new BadRequestError("x").name).toBe("BadRequestError");
    expect(new ServiceUnavailableError("x").name).toBe("ServiceUnavailableError");
  });

  test("405 lists the allowed methods in Allow", () => {
    expect(new MethodNotAllowedError(["GET", "HEAD"]).headers).toEqual({ allow: "GET, HEAD" });
  });

  test("503 carries Retry-After", () => {
    expect(new ServiceUnavailableError("x").headers).toEqual({ "retry-after": String(RETRY_AFTER_SECONDS) });
  });

  test("a configuration error keeps its problems for the log but shows a generic message", () => {
    const error = new ConfigurationError(["STATUS = \"abc\": must be an integer"]);
    expect(error.problems).toEqual(["STATUS = \"abc\": must be an integer"]);
    expect(error.message).toBe("internal error");
  });
});

describe("toHttpError: dependency trouble → 503", () => {
  test.each([
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TimeoutError",
    "AbortError",
    "RequestTimeout",
  ])("%s", (name) => {
    const error = toHttpError(sdkError(name, 400));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.statusCode).toBe(503);
    expect(error.headers["retry-after"]).toBe("1");
  });

  test.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"])("network %s", (code) => {
    expect(toHttpError(netError(code)).statusCode).toBe(503);
  });

  test("any DynamoDB 5xx (InternalServerError, ServiceUnavailable)", () => {
    expect(toHttpError(sdkError("InternalServerError", 500)).statusCode).toBe(503);
    expect(toHttpError(sdkError("SomethingNew", 502)).statusCode).toBe(503);
  });

  test("SDK-marked throttling", () => {
    expect(toHttpError(Object.assign(new Error("x"), { name: "X", $retryable: { throttling: true } })).statusCode).toBe(503);
  });

  test("a network error in the cause chain (an AbortError wrapping a timeout)", () => {
    const wrapped = new Error("outer", { cause: new Error("middle", { cause: netError("ECONNRESET") }) });
    expect(isDependencyUnavailable(wrapped)).toBe(true);
  });

  test("the cause is kept for the log, the message is not the SDK's", () => {
    const cause = sdkError("ThrottlingException", 400, "Rate of requests exceeds the allowed throughput");
    const error = toHttpError(cause);
    expect(error.cause).toBe(cause);
    expect(error.message).not.toMatch(/Rate of requests/);
  });
});

describe("toHttpError: everything else → 500 with a generic message", () => {
  test.each<[string, unknown]>([
    ["a TypeError", new TypeError("Cannot read properties of undefined (reading 'x')")],
    ["a client-side DynamoDB error", sdkError("ValidationException", 400, "One or more parameter values were invalid")],
    ["a missing table", sdkError("ResourceNotFoundException", 400, "Requested resource not found")],
    ["a credentials error", Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" })],
    ["a string", "boom"],
    ["undefined", undefined],
    ["null", null],
    ["an unrelated error code", Object.assign(new Error("x"), { code: "ENOENT" })],
  ])("%s", (_label, thrown) => {
    const error = toHttpError(thrown);
    expect(error).toBeInstanceOf(InternalError);
    expect(error.statusCode).toBe(500);
    expect(error.message).toBe("internal error");
    expect(error.cause).toBe(thrown);
  });

  test("a cycle in the cause chain ends", () => {
    const a: Error & { cause?: unknown } = new Error("a");
    a.cause = a;
    expect(isDependencyUnavailable(a)).toBe(false);
  });
});
