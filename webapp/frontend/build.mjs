// Bundles the front end into webapp/static/ (or into --outdir DIR, used by the freshness check):
// the explorer and the graph page's companions into explorer/, the other pages' scripts into
// pages/. Each entry is one self-contained script, so a page loads one file. Output is
// deterministic: minified, no source maps, no timestamps.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const flag = process.argv.indexOf("--outdir");
const outdir = flag > 0 ? path.resolve(process.argv[flag + 1]) : path.join(here, "..", "static");
const src = (file) => path.join(here, "src", file);

// Output path under outdir (without its extension) -> source.
const entryPoints = {
  "explorer/explorer": src("explorer.js"),
  "explorer/scores.worker": src("scores.worker.js"),
  "explorer/upload": src("upload.js"),
  "explorer/collab": src("collab.js"),
  "explorer/compare": src("compare.js"),
  "explorer/compare-style": src("compare.css"),
  "explorer/explorer-style": src("explorer.css"),
  "pages/generate": src("pages/generate.js"),
  "pages/validator": src("pages/validator.js"),
};

await build({
  entryPoints,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  outdir,
  logLevel: "warning",
});
console.log(`bundles written to ${path.join(outdir, "explorer")} and ${path.join(outdir, "pages")}`);
