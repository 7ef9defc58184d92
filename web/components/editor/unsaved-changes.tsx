// Unsaved edits are not lost by accident: leaving the page (a link, back, closing the tab)
// asks first. In-app navigation shows our own dialog (React Router's blocker); reloads and
// closing the tab get the browser's own question.
import { useEffect, useId, useRef } from "react";
import { useBlocker } from "react-router";

export function UnsavedChanges({ dirty }: { dirty: () => boolean }) {
  const id = useId();
  const stay = useRef<HTMLButtonElement>(null);
  const isDirty = useRef(dirty);
  isDirty.current = dirty;
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      isDirty.current() && currentLocation.pathname !== nextLocation.pathname,
  );

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (!isDirty.current()) return;
      event.preventDefault();
      // Older browsers show the question only when returnValue is set.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  const blocked = blocker.state === "blocked";
  useEffect(() => {
    if (blocked) stay.current?.focus();
  }, [blocked]);

  if (!blocked) return null;
  return (
    <div className="dialog-backdrop">
      <div
        className="leave-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        onKeyDown={(e) => {
          if (e.key === "Escape") blocker.reset();
        }}
      >
        <h2 id={`${id}-title`}>Leave without saving?</h2>
        <p id={`${id}-text`}>
          Your changes to this item have not been saved. They are lost if you leave.
        </p>
        <div className="dialog-actions">
          <button
            ref={stay}
            type="button"
            className="button primary"
            onClick={() => blocker.reset()}
          >
            Stay and keep editing
          </button>
          <button type="button" className="button subtle-danger" onClick={() => blocker.proceed()}>
            Leave without saving
          </button>
        </div>
      </div>
    </div>
  );
}
