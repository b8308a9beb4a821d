// Copies the pinned front-end packages into Django's static files: served locally, never from a CDN.
import { copyFileSync, mkdirSync, cpSync } from "node:fs";
import { dirname, join } from "node:path";

const out = "src/dimis/static/vendor";
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
};
for (const [src, dest] of Object.entries(files)) {
  const target = join(out, dest);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join("node_modules", src), target);
}
cpSync("node_modules/bootstrap-icons/font/fonts", join(out, "bootstrap-icons/fonts"), { recursive: true });
console.log(`front-end assets copied to ${out}`);
