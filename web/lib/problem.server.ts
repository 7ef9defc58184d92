// How API failures reach the screen. Loaders turn them into the route's error (shown by its
// ErrorBoundary); actions turn them into errors next to the fields that caused them.
import { data, redirect } from "react-router";
import { type Problem, problem as problemSchema } from "#schemas/common";
import { type FieldErrors, sentence } from "./forms.ts";

/** What loaders and actions need from a typed client response, whatever its declared type. */
type ApiResponse = { status: number; headers: Headers; json(): Promise<unknown> };

/**
 * The status as a plain number: the typed client only lists the statuses whose bodies are
 * JSON (the successes), while errors arrive as problem+json with any status.
 */
export function statusOf(res: { status: number }): number {
  return res.status;
}

export async function readProblem(res: ApiResponse): Promise<Problem> {
  const body = await res.json().catch(() => null);
  const parsed = problemSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  return { type: "about:blank", title: "The request failed", status: res.status, code: "UNKNOWN" };
}

/** Where to send someone who is not signed in, so they come back here afterwards. */
export function signInPath(request: Request): string {
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  return back === "/" ? "/sign-in" : `/sign-in?redirectTo=${encodeURIComponent(back)}`;
}

/** Data an ErrorBoundary finds in `error.data` for a failed API call. */
export type RouteProblem = { problem: Problem };

/** For loaders: a failed call becomes the route's error, or a trip to the sign-in page. */
export async function failLoader(res: ApiResponse, request: Request): Promise<never> {
  if (res.status === 401) throw redirect(signInPath(request));
  const problem = await readProblem(res);
  throw data({ problem } satisfies RouteProblem, { status: res.status });
}

export type FormFailure = {
  ok: false;
  /** Which form on the page this answers (pages with several forms). */
  intent: string;
  /** The row a per-row form acted on (e.g. a member id). */
  target?: string;
  fieldErrors: FieldErrors;
  /** A message that belongs to no single field. */
  formError: string | null;
  values: Record<string, string>;
  /** What keeps an operation from going ahead (422 with a list): each field and its problem. */
  problems?: { field: string; message: string }[];
};

export function formFailure(
  failure: Omit<FormFailure, "ok" | "formError" | "values"> & {
    formError?: string | null;
    values?: Record<string, string>;
  },
  status = 400,
) {
  return data<FormFailure>({ ok: false, formError: null, values: {}, ...failure }, { status });
}

/**
 * For actions: field errors from the API (`errors[].field`) go next to the matching inputs;
 * anything else becomes the form's message.
 */
export async function failForm(
  res: ApiResponse,
  request: Request,
  form: {
    intent: string;
    target?: string;
    labels: Record<string, string>;
    values?: Record<string, string>;
  },
) {
  if (res.status === 401) throw redirect(signInPath(request));
  const problem = await readProblem(res);
  const fieldErrors: FieldErrors = {};
  for (const error of problem.errors ?? []) {
    fieldErrors[error.field] ??= sentence(form.labels[error.field] ?? error.field, error.message);
  }
  const shown = Object.keys(fieldErrors).some((field) => field in form.labels);
  return formFailure(
    {
      intent: form.intent,
      ...(form.target ? { target: form.target } : {}),
      fieldErrors,
      formError: shown ? null : messageOf(problem),
      values: form.values ?? {},
    },
    res.status,
  );
}

export function messageOf(problem: Problem): string {
  const text = problem.detail ?? problem.title;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
