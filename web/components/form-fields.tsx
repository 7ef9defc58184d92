// Labelled inputs whose errors sit next to them (and are announced with them), plus the
// summary at the top of a form that links to each one.
import {
  createContext,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useContext,
  useEffect,
  useRef,
  useState,
} from "react";
import type { z } from "zod";
import { type FieldErrors, type FormSpec, parseForm } from "../lib/forms.ts";

type Scope = { id: string; errors: FieldErrors; values: Record<string, string> };

const FieldScope = createContext<Scope>({ id: "form", errors: {}, values: {} });

/** Gives the fields inside one form their id prefix, errors and echoed values. */
export function FormScope({
  id,
  errors,
  values,
  children,
}: {
  id: string;
  errors?: FieldErrors | null | undefined;
  values?: Record<string, string> | undefined;
  children: ReactNode;
}) {
  return (
    <FieldScope.Provider value={{ id, errors: errors ?? {}, values: values ?? {} }}>
      {children}
    </FieldScope.Provider>
  );
}

function useField(name: string, hint: ReactNode | undefined) {
  const scope = useContext(FieldScope);
  const id = `${scope.id}-${name}`;
  const error = scope.errors[name];
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return { id, error, hintId, errorId, describedBy, echoed: scope.values[name] };
}

function FieldFrame({
  field,
  label,
  hint,
  children,
}: {
  field: ReturnType<typeof useField>;
  label: ReactNode;
  hint: ReactNode | undefined;
  children: ReactNode;
}) {
  return (
    <div className={field.error ? "field field-invalid" : "field"}>
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <p className="field-hint" id={field.hintId}>
          {hint}
        </p>
      ) : null}
      {field.error ? (
        <p className="field-error" id={field.errorId}>
          <span className="visually-hidden">Error: </span>
          {field.error}
        </p>
      ) : null}
      {children}
    </div>
  );
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name"> & {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
};

export function TextField({ name, label, hint, defaultValue, ...input }: TextFieldProps) {
  const field = useField(name, hint);
  const secret = input.type === "password";
  return (
    <FieldFrame field={field} label={label} hint={hint}>
      <input
        id={field.id}
        name={name}
        aria-invalid={field.error ? true : undefined}
        aria-describedby={field.describedBy}
        defaultValue={secret ? undefined : (field.echoed ?? defaultValue)}
        {...input}
      />
    </FieldFrame>
  );
}

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "name"> & {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  /** More about the error (e.g. a list of problems inside the text), shown under it. */
  errorDetails?: ReactNode;
};

export function TextAreaField({
  name,
  label,
  hint,
  errorDetails,
  defaultValue,
  ...textarea
}: TextAreaFieldProps) {
  const field = useField(name, hint);
  const detailsId = field.error && errorDetails ? `${field.id}-details` : undefined;
  return (
    <FieldFrame field={field} label={label} hint={hint}>
      {detailsId ? (
        <div className="field-error-details" id={detailsId}>
          {errorDetails}
        </div>
      ) : null}
      <textarea
        id={field.id}
        name={name}
        aria-invalid={field.error ? true : undefined}
        aria-describedby={[field.describedBy, detailsId].filter(Boolean).join(" ") || undefined}
        defaultValue={field.echoed ?? defaultValue}
        {...textarea}
      />
    </FieldFrame>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "name"> & {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  options: ReadonlyArray<{ value: string; label: string }>;
};

export function SelectField({
  name,
  label,
  hint,
  options,
  defaultValue,
  ...select
}: SelectFieldProps) {
  const field = useField(name, hint);
  return (
    <FieldFrame field={field} label={label} hint={hint}>
      <select
        id={field.id}
        name={name}
        aria-invalid={field.error ? true : undefined}
        aria-describedby={field.describedBy}
        defaultValue={field.echoed ?? defaultValue}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/**
 * "There is a problem" box: each error links to its field. It takes focus when it appears so
 * keyboard and screen-reader users land on it after a failed submit.
 */
export function ErrorSummary({
  id,
  errors,
  formError,
  labels,
}: {
  id: string;
  errors?: FieldErrors | null | undefined;
  formError?: string | null | undefined;
  labels: Record<string, string>;
}) {
  const ref = useRef<HTMLElement>(null);
  const entries = Object.entries(errors ?? {});
  const signature = JSON.stringify([formError ?? null, entries]);
  const empty = entries.length === 0 && !formError;
  useEffect(() => {
    if (!empty && signature) ref.current?.focus();
  }, [empty, signature]);
  if (empty) return null;
  return (
    <section
      className="error-summary"
      ref={ref}
      tabIndex={-1}
      aria-labelledby={`${id}-summary-title`}
    >
      <h2 id={`${id}-summary-title`}>There is a problem</h2>
      <ul>
        {formError ? <li>{formError}</li> : null}
        {entries.map(([field, message]) => (
          <li key={field}>
            {field in labels ? <a href={`#${id}-${field}`}>{message}</a> : message}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Validates a form in the browser with the same schema the action and the API use, and stops
 * the submit when it fails. Without JavaScript the action does the same check.
 */
export function useClientValidation<S extends z.ZodType>(spec: FormSpec<S>) {
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    const result = parseForm(spec, new FormData(event.currentTarget));
    if (result.ok) {
      setErrors(null);
    } else {
      event.preventDefault();
      setErrors(result.fieldErrors);
    }
  };
  return { clientErrors: errors, onSubmit, clearClientErrors: () => setErrors(null) };
}
