/** The end-to-end tests' Chromium launcher (one file, shared with the consumer matrix's plain-Node scripts). */
export { CHROMIUM, launchChromium } from "./chromium.mjs";
