// A secret or link the server returns once (API token, invitation link): shown in a read-only
// field that is easy to select, with a copy button once JavaScript is running.
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { useHydrated } from "../lib/use-hydrated.ts";

export function OneTimeSecret({
  title,
  label,
  value,
  children,
  testId,
}: {
  title: string;
  label: string;
  value: string;
  children?: ReactNode;
  testId?: string;
}) {
  const id = useId();
  const panel = useRef<HTMLElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const hydrated = useHydrated();
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    if (value) panel.current?.focus();
  }, [value]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("Copied to the clipboard.");
    } catch {
      input.current?.select();
      setCopied("Copying was blocked; the text is selected, press Ctrl+C (or ⌘C) to copy it.");
    }
  }

  return (
    <section
      className="secret-panel"
      ref={panel}
      tabIndex={-1}
      aria-labelledby={`${id}-title`}
      data-testid={testId}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
      <label htmlFor={`${id}-value`}>{label}</label>
      <div className="copy-row">
        <input
          id={`${id}-value`}
          ref={input}
          className="secret-value"
          readOnly
          value={value}
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
        {hydrated ? (
          <button type="button" className="button" onClick={copy}>
            Copy
          </button>
        ) : null}
      </div>
      <p className="copy-status" role="status">
        {copied ?? ""}
      </p>
    </section>
  );
}
