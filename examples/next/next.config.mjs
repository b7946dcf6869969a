/** @type {import("next").NextConfig} */
const nextConfig = {
  // The Node client stays a plain Node dependency of the server, never bundled.
  serverExternalPackages: ["@schematic-sdk/node"],
};

export default nextConfig;
