// The shell's header: brand, tenant switcher, and the navigation the user's role may use.
// Without JavaScript every link is simply shown; with it, narrow screens get a Menu button.
import { useEffect, useRef, useState } from "react";
import { Form, Link, NavLink, useLocation } from "react-router";
import { roleLabels } from "../lib/format.ts";
import { useHydrated } from "../lib/use-hydrated.ts";
import type { ShellData } from "../routes/shell.server.ts";
import { Brand } from "./brand.tsx";

type Membership = ShellData["memberships"][number];

/** Closes when the location changes (a link was followed). */
function useClosesOnNavigation(close: () => void) {
  const { pathname } = useLocation();
  const [seen, setSeen] = useState(pathname);
  if (seen !== pathname) {
    setSeen(pathname);
    close();
  }
}

function TenantSwitcher({
  memberships,
  current,
}: {
  memberships: Membership[];
  current: Membership | undefined;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const close = () => {
    if (ref.current) ref.current.open = false;
  };

  useEffect(() => {
    const details = ref.current;
    if (!details) return;
    const onPointer = (event: MouseEvent) => {
      if (details.open && !details.contains(event.target as Node)) details.open = false;
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary")?.focus();
      }
    };
    document.addEventListener("click", onPointer);
    details.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("click", onPointer);
      details.removeEventListener("keydown", onKey);
    };
  }, []);

  if (memberships.length === 1 && current) {
    return (
      <p className="tenant-name">
        <span className="visually-hidden">Tenant: </span>
        {current.tenantName}
      </p>
    );
  }
  return (
    <details className="tenant-switcher" ref={ref}>
      <summary>
        <span className="visually-hidden">Tenant: </span>
        <span className="tenant-switcher-current">{current?.tenantName ?? "Choose a tenant"}</span>
        <span className="visually-hidden"> (switch tenant)</span>
      </summary>
      <ul className="tenant-menu">
        {memberships.map((m) => (
          <li key={m.tenantId}>
            <Link
              to={`/t/${m.tenantId}`}
              aria-current={m.tenantId === current?.tenantId ? "true" : undefined}
              onClick={close}
            >
              <span>{m.tenantName}</span>
              <span className="tenant-menu-role">{roleLabels[m.role]}</span>
            </Link>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function AppHeader({
  user,
  memberships,
  currentTenantId,
}: {
  user: ShellData["user"];
  memberships: Membership[];
  currentTenantId: string | null;
}) {
  const hydrated = useHydrated();
  const [menuOpen, setMenuOpen] = useState(false);
  useClosesOnNavigation(() => setMenuOpen(false));
  const current = memberships.find((m) => m.tenantId === currentTenantId);
  const base = current ? `/t/${current.tenantId}` : null;

  return (
    <header className="app-header">
      <div className="header-bar">
        <Brand />
        {memberships.length > 0 ? (
          <TenantSwitcher memberships={memberships} current={current} />
        ) : null}
        {hydrated ? (
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <svg aria-hidden="true" viewBox="0 0 20 20" width="18" height="18" focusable="false">
              <path d="M3 5h14M3 10h14M3 15h14" />
            </svg>
            Menu
          </button>
        ) : null}
        <nav
          id="main-nav"
          className="main-nav"
          aria-label="Main"
          data-collapsed={hydrated && !menuOpen ? "true" : undefined}
        >
          {base && current ? (
            <ul className="nav-list">
              <li>
                <NavLink to={base} end>
                  Dashboard
                </NavLink>
              </li>
              <li>
                <NavLink to={`${base}/sites`}>Sites</NavLink>
              </li>
              {current.can.manageStarters ? (
                <li>
                  <NavLink to={`${base}/starters`}>Starters</NavLink>
                </li>
              ) : null}
              {current.can.manageDomains ? (
                <li>
                  <NavLink to={`${base}/domains`}>Domains</NavLink>
                </li>
              ) : null}
              {current.can.manageProviders ? (
                <li>
                  <NavLink to={`${base}/providers`}>Media providers</NavLink>
                </li>
              ) : null}
              {current.can.manageCatalog ? (
                <li>
                  <NavLink to={`${base}/catalog`}>Catalog</NavLink>
                </li>
              ) : null}
              {current.can.manageMembers ? (
                <li>
                  <NavLink to={`${base}/members`}>Members</NavLink>
                </li>
              ) : null}
              {current.can.ownTokens ? (
                <li>
                  <NavLink to={`${base}/tokens`}>API tokens</NavLink>
                </li>
              ) : null}
              {current.can.readAudit ? (
                <li>
                  <NavLink to={`${base}/audit`}>Audit log</NavLink>
                </li>
              ) : null}
            </ul>
          ) : null}
          <ul className="nav-list nav-list-account">
            {user.isOperator ? (
              <li>
                <NavLink to="/operator">Operator</NavLink>
              </li>
            ) : null}
            <li>
              <NavLink to="/account">
                Account<span className="nav-user"> ({user.name})</span>
              </NavLink>
            </li>
            <li>
              <Form method="post" action="/sign-out">
                <button type="submit" className="nav-button">
                  Sign out
                </button>
              </Form>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}
