/**
 * A polite live region. It is always rendered, so a message that appears later (after a
 * submit) is announced by screen readers.
 */
export function StatusMessage({ message }: { message: string | null | undefined }) {
  return (
    <div className={message ? "status-message" : "status-message status-empty"} role="status">
      {message ?? ""}
    </div>
  );
}
