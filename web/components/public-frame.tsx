import type { ReactNode } from "react";
import { Brand } from "./brand.tsx";

/** The frame of pages used before signing in (sign-in, invitations, errors outside the shell). */
export function PublicFrame({ children }: { children: ReactNode }) {
  return (
    <>
      <header className="public-header">
        <Brand />
      </header>
      <main id="main" tabIndex={-1} className="public-main">
        {children}
      </main>
    </>
  );
}
