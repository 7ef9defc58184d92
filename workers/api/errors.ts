// One error path: throw ApiError(code, …); onError turns it into RFC 9457 problem+json.
import type { Problem } from "#schemas/common";

export const errorStatus = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  SIGNATURE_INVALID: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  INVITATION_INVALID: 410,
  VERSION_CONFLICT: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** A media provider (YouTube, 3Play Media, Google Drive) failed; the caller may retry. */
  PROVIDER_UNAVAILABLE: 502,
} as const;

export type ErrorCode = keyof typeof errorStatus;

const titles: Record<ErrorCode, string> = {
  VALIDATION_FAILED: "The request is not valid",
  MALFORMED_JSON: "The request body is not valid JSON",
  UNSUPPORTED_MEDIA_TYPE: "The request body must be application/json",
  UNAUTHENTICATED: "Sign in or send an API token",
  INVALID_CREDENTIALS: "Email or password is wrong",
  SIGNATURE_INVALID: "The URL's signature is not valid",
  FORBIDDEN: "You may not do this",
  CSRF_REJECTED: "Cross-site request rejected",
  NOT_FOUND: "Not found",
  METHOD_NOT_ALLOWED: "Method not allowed",
  CONFLICT: "Conflict",
  ALREADY_EXISTS: "Already exists",
  INVITATION_INVALID: "This invitation link can no longer be used",
  VERSION_CONFLICT: "The resource changed since you read it",
  PAYLOAD_TOO_LARGE: "The request body is too large",
  UNPROCESSABLE: "The upload could not be processed",
  PRECONDITION_REQUIRED: "Send If-Match with the ETag you read",
  RATE_LIMITED: "Too many attempts; try again later",
  INTERNAL: "Something went wrong on our side",
  PROVIDER_UNAVAILABLE: "A media provider did not answer as expected",
};

export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  /** Extension members of the problem (RFC 9457 §3.2), e.g. `current` on a 412. */
  readonly members: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options?: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      members?: Record<string, unknown>;
    },
  ) {
    super(detail ?? titles[code]);
    this.name = "ApiError";
    this.code = code;
    this.status = errorStatus[code];
    this.errors = options?.errors;
    this.headers = options?.headers;
    this.members = options?.members;
  }
}

export function problemBody(
  code: ErrorCode,
  detail: string | undefined,
  extra: { instance?: string; requestId?: string; errors?: FieldError[] } = {},
): Problem {
  return {
    type: `https://lectern.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`,
    title: titles[code],
    status: errorStatus[code],
    code,
    ...(detail ? { detail } : {}),
    ...extra,
  };
}

export function problemResponse(
  code: ErrorCode,
  detail?: string,
  extra: {
    instance?: string;
    requestId?: string;
    errors?: FieldError[];
    headers?: Record<string, string>;
    members?: Record<string, unknown>;
  } = {},
): Response {
  const { headers, members, ...rest } = extra;
  return new Response(JSON.stringify({ ...members, ...problemBody(code, detail, rest) }), {
    status: errorStatus[code],
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** Turns zod issues into field errors with dotted paths (`collections.3.fields.2.widget`). */
export function fieldErrors(
  issues: ReadonlyArray<{
    path: ReadonlyArray<PropertyKey>;
    message: string;
    code?: string;
    keys?: string[];
  }>,
  prefix?: string,
): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String);
    if (prefix) base.unshift(prefix);
    if (issue.code === "unrecognized_keys" && issue.keys) {
      for (const key of issue.keys) {
        out.push({ field: [...base, key].join("."), message: "is not a known field" });
      }
      continue;
    }
    out.push({ field: base.join(".") || (prefix ?? "body"), message: issue.message });
  }
  return out;
}
