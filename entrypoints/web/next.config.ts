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
};

export default config;
