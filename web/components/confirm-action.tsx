// A destructive action behind a disclosure: the first click only opens the question, the
// second does it. Works without JavaScript and with the keyboard (summary is a button).
import type { ReactNode } from "react";
import { Form } from "react-router";

export function ConfirmAction({
  summary,
  question,
  confirmLabel,
  fields,
}: {
  summary: ReactNode;
  question: ReactNode;
  confirmLabel: ReactNode;
  fields: Record<string, string>;
}) {
  return (
    <details className="confirm">
      <summary className="button small subtle-danger">{summary}</summary>
      <div className="confirm-panel">
        <p>{question}</p>
        <Form method="post">
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <button type="submit" className="button small danger">
            {confirmLabel}
          </button>
        </Form>
      </div>
    </details>
  );
}
