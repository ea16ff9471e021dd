/* Snippets of search results under Node, as search.html makes them.
 *
 * stdin: {"manifest": {...}, "cases": [{"summary", "passage", "query", "chars"}]}
 * stdout: [[{"text", "mark"}, ...] per case]
 * Run by tests/test_search_snippet.py.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
const { Engine } = require(path.join(ROOT, "theme", "static", "js", "search-engine.js"));
const { stem } = require(path.join(ROOT, "node_modules", "porter2"));

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const engine = new Engine(input.manifest, null, stem);
const output = input.cases.map((item) =>
  engine.snippet(item.summary, item.passage, engine.plan(item.query), item.chars));
process.stdout.write(JSON.stringify(output));
