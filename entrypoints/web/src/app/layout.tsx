import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ReFocused", template: "%s · ReFocused" },
  description: "Focus, habits, journal, study and calm in one place.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#17655c" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
