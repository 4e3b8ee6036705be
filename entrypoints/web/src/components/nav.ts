/** Every screen of the signed-in app, in the order the navigation shows them. */
export const NAV = [
  { href: "/", label: "Today", icon: "☀" },
  { href: "/pomodoro/", label: "Focus", icon: "◷" },
  { href: "/habits/", label: "Habits", icon: "✓" },
  { href: "/journal/", label: "Journal", icon: "✎" },
  { href: "/study/", label: "Study", icon: "❏" },
  { href: "/breathing/", label: "Breathe", icon: "◌" },
  { href: "/mood/", label: "Mood", icon: "☺" },
  { href: "/goals/", label: "Goals", icon: "⚑" },
  { href: "/calendar/", label: "Calendar", icon: "▦" },
  { href: "/assistant/", label: "Assistant", icon: "✦" },
  { href: "/feedback/", label: "Feedback", icon: "✉" },
  { href: "/settings/", label: "Settings", icon: "⚙" },
] as const;
