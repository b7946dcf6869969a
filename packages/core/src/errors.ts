/**
 * One error base class with named subclasses. Guards check a brand symbol
 * from the global registry, so they work across realms and across two copies
 * of this package.
 */

const BRAND = Symbol.for("schematic-sdk.error");

type ErrorName =
  | "SchematicError"
  | "SchematicValidationError"
  | "SchematicApiError"
  | "SchematicTimeoutError"
  | "SchematicNetworkError"
  | "SchematicConfigError";

/** Base class of every error this SDK throws. */
export class SchematicError extends Error {
  override name: ErrorName = "SchematicError";
  // Narrows Error's signature: a message is required.
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
  /** What the guards look for: on the prototype, so every instance (of any copy of this package) has it. */
  get [BRAND](): true {
    return true;
  }
}

/** One problem with an input: where it is (`company.keys.id`) and what to do about it. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Input that can never be sent. Nothing reached the network and nothing
 * stored changed.
 */
export class SchematicValidationError extends SchematicError {
  override name = "SchematicValidationError" as const;
  // Declared only (no field emitted): the constructor sets it.
  declare readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[]) {
    super(`Invalid input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`);
    this.issues = issues;
  }
}

/** The API answered with a non-2xx status. */
export class SchematicApiError extends SchematicError {
  override name = "SchematicApiError" as const;
  // Declared only: the constructor copies them from its parameters.
  declare readonly status: number;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  declare readonly body: unknown;
  declare readonly method: string;
  /** The request URL. API keys never travel in URLs, so it is safe to log. */
  declare readonly url: string;
  declare readonly requestId?: string | undefined;
  /** Milliseconds the server asked to wait (`Retry-After`), when it said. */
  declare readonly retryAfter?: number | undefined;
  constructor(params: {
    status: number;
    body: unknown;
    method: string;
    url: string;
    requestId?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    const serverMessage = messageOf(params.body);
    super(
      `${params.method} ${params.url} failed with ${params.status}${serverMessage ? `: ${serverMessage}` : ""}`,
    );
    Object.assign(this, params);
  }
}

/** The API did not answer within the timeout. */
export class SchematicTimeoutError extends SchematicError {
  override name = "SchematicTimeoutError" as const;
  declare readonly timeout: number;
  constructor(params: { method: string; url: string; timeout: number }) {
    super(`${params.method} ${params.url} timed out after ${params.timeout} ms`);
    this.timeout = params.timeout;
  }
}

/** The request never got an answer: DNS, connection refused, offline, CORS. */
export class SchematicNetworkError extends SchematicError {
  override name = "SchematicNetworkError" as const;
  constructor(params: { method: string; url: string; cause: unknown }) {
    super(
      `${params.method} ${params.url} failed: ${String((params.cause as Error)?.message ?? params.cause)}`,
      {
        cause: params.cause,
      },
    );
  }
}

/** The client was constructed with options that cannot work (a missing or wrong kind of key…). */
export class SchematicConfigError extends SchematicError {
  override name = "SchematicConfigError" as const;
}

function messageOf(body: unknown): string | undefined {
  if (typeof body === "string") return body.slice(0, 200) || undefined;
  const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
  return [error, message].find((said): said is string => typeof said === "string");
}

const guard =
  <T extends SchematicError>(name: ErrorName | undefined) =>
  (error: unknown): error is T =>
    (error as Record<symbol, unknown> | undefined)?.[BRAND] === true &&
    (name === undefined || (error as Error).name === name);

export const isSchematicError = /* @__PURE__ */ guard<SchematicError>(undefined);
export const isSchematicValidationError =
  /* @__PURE__ */ guard<SchematicValidationError>("SchematicValidationError");
export const isSchematicApiError = /* @__PURE__ */ guard<SchematicApiError>("SchematicApiError");
export const isSchematicTimeoutError = /* @__PURE__ */ guard<SchematicTimeoutError>("SchematicTimeoutError");
export const isSchematicNetworkError = /* @__PURE__ */ guard<SchematicNetworkError>("SchematicNetworkError");
export const isSchematicConfigError = /* @__PURE__ */ guard<SchematicConfigError>("SchematicConfigError");
