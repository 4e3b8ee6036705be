import type { NextConfig } from "next";

// A static export: the API serves `out/` at / on the embedded profile, and Amplify hosts the
// same files in production (its rewrites send /api/* to the API, so the client is always
// same-origin and its cookies and CSRF token work unchanged).
const config: NextConfig = {
  output: "export",
  trailingSlash: true,
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // `npm run dev` only: the dev server forwards /api to a running API (./scripts/serve), so
  // the client stays same-origin as in every other setting. A static export has no rewrites.
  ...(process.env.NODE_ENV === "development"
    ? {
        rewrites: async () => [
          { source: "/api/:path*", destination: `${process.env.REFOCUSED_API ?? "http://127.0.0.1:8000"}/api/:path*` },
        ],
      }
    : {}),
};

export default config;
