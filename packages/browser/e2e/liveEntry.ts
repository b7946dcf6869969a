/** The live pieces for a test page, as `window.SchematicLive`. */
import { LiveConnection } from "../src/live";
import { mergeLivePush } from "../src/livePush";
import { browserPlatform } from "../src/platform";

Object.assign(window, { SchematicLive: { LiveConnection, mergeLivePush, browserPlatform } });
