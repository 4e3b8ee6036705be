"use client";
/** The signed-in frame: navigation (a sidebar, a menu on a phone), the user, and sign-out.
 * A visitor without a session is sent to sign in, and comes back here afterwards. */
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { prefetchToday } from "@/features/today/queries";
import { useAuth } from "@/lib/auth";
import { NAV } from "./nav";
import { Button, Loading, cx } from "./ui";

function isCurrent(pathname: string, href: string): boolean {
  const p = pathname.endsWith("/") ? pathname : `${pathname}/`;
  return href === "/" ? p === "/" : p.startsWith(href);
}

export function AppShell({ children }: { children: ReactNode }) {
  const { user, loading, signOut } = useAuth();
  const pathname = usePathname();
  const router = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);
  const queryClient = useQueryClient();

  // Today's data is asked for beside "who is signed in", not after it.
  useEffect(() => {
    if (isCurrent(pathname, "/")) prefetchToday(queryClient);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!loading && user === null) {
      const next = encodeURIComponent(pathname + window.location.search);
      router.replace(`/signin/?next=${next}`);
    }
  }, [loading, user, pathname, router]);

  useEffect(() => setMenuOpen(false), [pathname]);

  if (!user) {
    return (
      <main className="mx-auto max-w-md p-8">
        <Loading label="Opening ReFocused" />
      </main>
    );
  }

  const nav = (
    <ul className="flex flex-col gap-1">
      {NAV.map((item) => {
        const current = isCurrent(pathname, item.href);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={cx(
                "flex items-center gap-3 rounded-lg px-3 py-2 text-sm",
                current ? "bg-brand-100 font-semibold text-brand-800" : "text-ink hover:bg-stone-100",
              )}
            >
              <span aria-hidden className="w-5 text-center">
                {item.icon}
              </span>
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );

  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="flex items-center justify-between border-b border-stone-200 bg-white px-4 py-3 md:hidden">
        <span className="text-lg font-semibold text-brand-800">ReFocused</span>
        <Button variant="secondary" aria-expanded={menuOpen} aria-controls="mobile-nav" onClick={() => setMenuOpen((o) => !o)}>
          Menu
        </Button>
      </header>
      {menuOpen && (
        <nav id="mobile-nav" aria-label="Main" className="border-b border-stone-200 bg-white p-3 md:hidden">
          {nav}
        </nav>
      )}
      <aside className="hidden w-60 shrink-0 flex-col border-r border-stone-200 bg-white p-4 md:flex">
        <Link href="/" className="mb-6 px-3 text-xl font-semibold text-brand-800">
          ReFocused
        </Link>
        <nav aria-label="Main" className="flex-1">
          {nav}
        </nav>
        <div className="mt-6 border-t border-stone-200 pt-4 text-sm">
          <p className="truncate px-3 text-muted" title={user.email}>
            {user.display_name || user.email}
          </p>
          <Button variant="ghost" className="mt-2 w-full justify-start" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </aside>
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 md:px-8 md:py-10">
        {children}
        <div className="mt-10 md:hidden">
          <Button variant="secondary" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </main>
    </div>
  );
}
