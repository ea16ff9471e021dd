/* Search a built site with lunr.js under Node, as search.html does in the browser.
 *
 * stdin: {"site": "<output dir>", "queries": [...], "texts": [...]}
 *        optional "words": [...] whole words to score alone,
 *                 "hits": [...] queries whose every clause's results are wanted
 *                 "typos": [...] queries searched as search.html does (misspellings corrected,
 *                            quoted phrases first), "top": keep only so many refs of each,
 *                 "typing": the typos are being typed (a prefix found is not misspelt)
 * stdout: {"searches": {query: {"refs": [...], "mode": "all"|"any"}},
 *          "arrivals": {query: the same, shards searched in reverse order},
 *          "analyze": {text: [terms]}, "written": {text: [words as written]},
 *          "titles": {text: its whole-title term}, "shards": {query: [numbers]},
 *          "words": {word: {ref: score}} (stored results of a common word, else lunr.js's),
 *          "hits": {query: {"clause/shard": {ref: score}}} for each query of "hits",
 *          "typos": {query: {"refs", "mode", "exact": refs as written, "corrections": [{"text", "written", "terms"}]}}}
 * Run by tests/test_search_agreement.py, which compares it with lunr.py.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const ROOT = path.resolve(__dirname, "..", "..");
const lunr = require(path.join(ROOT, "node_modules", "lunr"));
const { stem } = require(path.join(ROOT, "node_modules", "porter2"));
const { Engine, shardFor, words } = require(path.join(ROOT, "theme", "static", "js", "search-engine.js"));

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const searchDir = path.join(input.site, "search");
const sandbox = {};
sandbox.window = sandbox;
vm.createContext(sandbox);
const load = (relative) => vm.runInContext(fs.readFileSync(path.join(searchDir, relative), "utf8"), sandbox);
load("manifest.js");
const registry = sandbox.ARCHIVE_SEARCH;
const engine = new Engine(registry.manifest, lunr, stem);
const shards = new Map();
const shard = (n) => {
  if (!shards.has(n)) {
    if (!registry.terms[n]) load(`t/${n}.js`);
    shards.set(n, engine.shard(registry.terms[n]));
  }
  return shards.get(n);
};

const wordShard = (n) => {
  if (!registry.words[n]) load(`w/${n}.js`);
  return registry.words[n];
};

const output = { searches: {}, arrivals: {}, analyze: {}, written: {}, titles: {}, shards: {}, words: {}, hits: {},
  typos: {} };
for (const query of input.queries || []) {
  const plan = engine.plan(query);
  output.searches[query] = engine.run(plan, shard);
  output.shards[query] = plan.shards;
  // As search.html does: shards searched in the order they arrive (here the
  // reverse of the plan's), each added once however often it arrives.
  const tally = engine.tally(plan);
  for (const n of [...plan.shards].reverse().concat(plan.shards)) tally.add(n, shard(n));
  output.arrivals[query] = tally.result();
}
for (const word of input.words || []) {
  const loaded = shard(shardFor(word, registry.manifest.termShards));
  const stored = loaded.exact[word];
  const results = stored
    ? stored[0].map((ref, i) => ({ ref: String(ref), score: stored[1][i] }))
    : loaded.index.query((q) => q.term(word, { fields: registry.manifest.wordFields, usePipeline: false, boost: 1 }));
  output.words[word] = Object.fromEntries(results.map((result) => [result.ref, result.score]));
}
for (const query of input.hits || []) {
  const plan = engine.plan(query);
  const tally = engine.tally(plan);
  for (const n of plan.shards) tally.add(n, shard(n));
  output.hits[query] = {};
  for (const [key, results] of tally.hits) {
    output.hits[query][key] = Object.fromEntries(results.refs.map((ref, i) => [String(ref), results.scores[i]]));
  }
}
const DOC_SHARD = registry.manifest.docShardSize;
const PASSAGE_SHARD = registry.manifest.passageShardSize;
const texts = (ref) => {
  const number = Number(ref);
  const [d, x] = [Math.floor(number / DOC_SHARD), Math.floor(number / PASSAGE_SHARD)];
  if (!registry.docs[d]) load(`d/${d}.js`);
  if (!registry.passages[x]) load(`x/${x}.js`);
  const entry = registry.docs[d][number - d * DOC_SHARD];
  return [entry.title, entry.summary, registry.passages[x][number - x * PASSAGE_SHARD]];
};
for (const query of input.typos || []) {
  const found = engine.searchNow(query, shard, wordShard, texts, Boolean(input.typing));
  output.typos[query] = { refs: found.refs.slice(0, input.top || found.refs.length), mode: found.mode,
    exact: found.exact.slice(0, input.top || found.exact.length),
    corrections: found.corrections.map((c) => ({ text: c.text, written: c.written, terms: c.terms })) };
}
for (const text of input.texts || []) {
  output.analyze[text] = engine.analyzer.analyze(text);
  output.written[text] = words(text, registry.manifest.analysis.termMax);
  output.titles[text] = engine.analyzer.titleTerm(text);
}
process.stdout.write(JSON.stringify(output));
