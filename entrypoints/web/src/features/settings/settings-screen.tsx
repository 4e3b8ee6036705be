"use client";
/** Settings: the profile and time zone, signing in (address, password, devices), and the
 * user's data (export, newsletter, deleting the account). */
import { useEffect } from "react";
import { Loading, PageHeader } from "@/components/ui";
import { useAuth } from "@/lib/auth";
import { DeleteAccountCard, ExportCard, NewsletterCard } from "./data";
import { ProfileCard } from "./profile";
import { EmailCard, PasswordCard, SessionsCard } from "./security";

export function SettingsScreen() {
  const { user } = useAuth();
  useEffect(() => {
    document.title = "Settings · ReFocused";
  }, []);
  if (!user) return <Loading label="Loading your settings" />;
  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="flex flex-col gap-4">
          <ProfileCard key={user.id} user={user} />
          <EmailCard user={user} />
          <PasswordCard user={user} />
        </div>
        <div className="flex flex-col gap-4">
          <SessionsCard />
          <ExportCard user={user} />
          <NewsletterCard user={user} />
          <DeleteAccountCard user={user} />
        </div>
      </div>
    </>
  );
}
