// An action behind a disclosure: the first click only opens the question, the second does it.
// Works without JavaScript and with the keyboard (summary is a button). Destructive by default;
// `tone="primary"` for a big but harmless step (e.g. rebuilding every site).
import { type ReactNode, useRef } from "react";
import { Form } from "react-router";

const tones = {
  danger: {
    details: "confirm",
    summary: "button small subtle-danger",
    confirm: "button small danger",
  },
  primary: { details: "confirm confirm-primary", summary: "button", confirm: "button primary" },
} as const;

export function ConfirmAction({
  summary,
  question,
  confirmLabel,
  fields,
  tone = "danger",
}: {
  summary: ReactNode;
  question: ReactNode;
  confirmLabel: ReactNode;
  fields: Record<string, string>;
  tone?: keyof typeof tones;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  // Once asked, the question closes (the page stays, e.g. after starting a rebuild); focus goes
  // back to the button that opened it.
  const close = () => {
    const details = ref.current;
    if (!details) return;
    details.open = false;
    details.querySelector("summary")?.focus();
  };
  return (
    <details className={tones[tone].details} ref={ref}>
      <summary className={tones[tone].summary}>{summary}</summary>
      <div className="confirm-panel">
        <p>{question}</p>
        <Form method="post" onSubmit={close}>
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <button type="submit" className={tones[tone].confirm}>
            {confirmLabel}
          </button>
        </Form>
      </div>
    </details>
  );
}
