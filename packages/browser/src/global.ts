/** Entry of the IIFE build (`dist/schematic.global.js`): `new window.Schematic("api_…")` from a plain `<script>`. */
import { Schematic } from "./schematic";

declare global {
  interface Window {
    Schematic: typeof Schematic;
  }
}

window.Schematic = Schematic;
