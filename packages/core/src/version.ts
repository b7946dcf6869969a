declare const __SDK_VERSION__: string | undefined;

/** The SDK's version, set at build time from package.json (the packages are versioned together). */
export const VERSION: string = typeof __SDK_VERSION__ === "string" ? __SDK_VERSION__ : "0.0.0-dev";
