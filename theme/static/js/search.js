/* The search page: reads ?q=, loads the index shards a query needs with
 * <script> tags (works from file://), shows results as you type.
 * Result text comes from the index: it is only ever set with textContent. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 150;
  var SNIPPET_CHARS = 200;  // a body passage shown when the summary has no matched word

  var root = document.getElementById("search");
  var registry = window.ARCHIVE_SEARCH;
  if (!root) return;
  var noJs = document.getElementById("search-nojs");
  var form = document.getElementById("search-form");
  var box = document.getElementById("search-query");
  var topicSelect = document.getElementById("search-topic");
  var yearSelect = document.getElementById("search-year");
  var fromBox = document.getElementById("search-from");
  var toBox = document.getElementById("search-to");
  var sortSelect = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var empty = document.getElementById("search-empty");
  var tip = document.getElementById("search-tip");
  var suggestion = document.getElementById("search-suggestion");
  var suggestionLink = document.getElementById("search-suggestion-link");

  if (!registry || !window.lunr || !window.porter2 || !window.ArchiveSearchEngine) {
    root.hidden = false;
    if (noJs) noJs.hidden = true;
    form.hidden = true;
    status.textContent = "The search index is missing from this copy of the site. Rebuild it with `make site`.";
    empty.hidden = false;
    return;
  }

  var manifest = registry.manifest;
  var engine = new window.ArchiveSearchEngine.Engine(manifest, window.lunr, window.porter2.stem);
  var indexBase = root.getAttribute("data-index");
  var siteBase = root.getAttribute("data-site");
  var scripts = new Map();
  var loadedShards = new Map();  // term shards by number, loaded for lunr.js
  var generation = 0;
  var timer = null;
  // Whether the current history entry holds a search the reader settled on
  // (loaded, submitted or returned to). Typing after one starts a new entry,
  // further typing refines that entry, so Back always returns to the last
  // settled search, whether or not the debounce fired before Enter.
  var settled = true;
  var current = { refs: [], shown: 0, plan: null };

  // -- loading -------------------------------------------------------------

  /* When a loaded script's bytes had arrived: the Resource Timing entry when
   * the browser keeps one (its end does not wait for a busy main thread),
   * else the time its load event ran. */
  function arrivalTime(url) {
    var entries = window.performance.getEntriesByName ? performance.getEntriesByName(url) : [];
    var last = entries.length ? entries[entries.length - 1].responseEnd : 0;
    return last > 0 ? last : performance.now();
  }

  function loadScript(relative) {
    if (!scripts.has(relative)) {
      scripts.set(relative, new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = indexBase + relative;
        script.onload = function () { resolve(arrivalTime(script.src)); };
        script.onerror = function () {
          scripts.delete(relative);
          reject(new Error("could not load search/" + relative));
        };
        document.head.appendChild(script);
      }));
    }
    return scripts.get(relative);
  }

  /* Load the term shards of a plan, searching each one as soon as it is
   * there; resolves with the tally, the time the last shard arrived and the
   * time spent searching shards (wherever it fell). */
  function searchShards(plan, mine) {
    var tally = engine.tally(plan);
    var lastArrival = performance.now();
    var work = 0;
    return Promise.all(plan.shards.map(function (n) {
      var loading = registry.terms[n] ? Promise.resolve(lastArrival) : loadScript("t/" + n + ".js");
      return loading.then(function (arrived) {
        lastArrival = Math.max(lastArrival, arrived);
        if (mine !== generation) return;
        var begun = performance.now();
        tally.add(n, shard(n));
        work += performance.now() - begun;
      });
    })).then(function () {
      return { tally: tally, loaded: lastArrival, work: work };
    });
  }

  function docShard(ref) {
    return Math.floor(Number(ref) / manifest.docShardSize);
  }

  function loadDocs(refs) {
    var numbers = new Set(refs.map(docShard));
    return Promise.all(Array.from(numbers).map(function (n) {
      return registry.docs[n] ? null : loadScript("d/" + n + ".js");
    }));
  }

  function passageShard(ref) {
    return Math.floor(Number(ref) / manifest.passageShardSize);
  }

  /* The passage shards of the shown results whose summary has no matched
   * word (their snippet comes from the body). A passage that fails to load
   * leaves the summary as the snippet: it does not fail the search. */
  function loadPassages(refs, plan) {
    var numbers = new Set();
    if (!plan.words.length) return Promise.resolve([]);  // browsing: every snippet is a summary
    refs.forEach(function (ref) {
      if (!engine.matches(doc(ref).summary, plan).length) numbers.add(passageShard(ref));
    });
    return loadPassageShards(numbers);
  }

  function loadPassageShards(numbers) {
    return Promise.all(Array.from(numbers).map(function (n) {
      return registry.passages[n] ? null : loadScript("x/" + n + ".js").catch(function () { return null; });
    }));
  }

  /* The word-list shards a correction needs; one that fails to load leaves
   * the word uncorrected: it does not fail the search. */
  function loadWords(numbers) {
    return Promise.all(numbers.map(function (n) {
      return registry.words[n] ? null : loadScript("w/" + n + ".js").catch(function () { return null; });
    }));
  }

  /* The search of a plan whose term shards were searched, with its rare
   * words corrected when the archive has words near them (search-engine.js):
   * {plan, found, loaded, work, corrections, exact: the results as written}. */
  function forgive(plan, shards, mine, typing) {
    var exact = shards.tally.result();
    var plain = { plan: plan, found: exact, exact: exact, loaded: shards.loaded, work: shards.work, corrections: [] };
    var rare = engine.rare(shards.tally, typing);
    if (!rare.length) return Promise.resolve(plain);
    return loadWords(engine.wordShards(rare)).then(function () {
      if (mine !== generation) return plain;
      var corrections = engine.corrections(rare, function (n) { return registry.words[n] || ["", []]; });
      if (!corrections.length) return plain;
      return searchShards(engine.corrected(plan, corrections), mine).then(function (wider) {
        return { plan: wider.tally.plan, found: wider.tally.result(), exact: exact, loaded: wider.loaded,
          work: shards.work + wider.work, corrections: corrections };
      });
    });
  }

  /* Browse mode (no words, some filters): every article, newest first. */
  function browse(plan) {
    var refs = [];
    for (var ref = 0; ref < manifest.docCount; ref++) refs.push(String(ref));
    var found = { refs: refs, mode: "browse" };
    return { plan: plan, found: found, exact: found, loaded: performance.now(), work: 0, corrections: [] };
  }

  /* The query with its corrected words written as their corrections. */
  function correctedQuery(query, corrections) {
    return corrections.reduce(function (text, correction) {
      var escaped = correction.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      var word = new RegExp("(^|[^\\p{L}\\p{N}])" + escaped + "(?![\\p{L}\\p{N}])", "iu");
      return text.replace(word, function (all, before) { return before + correction.written; });
    }, query.trim());
  }

  /* refs with those of the first results that hold the plan's quoted
   * phrases (in their title, summary or passage) first (search-engine.js). */
  function phrasesFirst(refs, plan) {
    var checked = engine.phraseChecked(refs, plan);
    if (!checked.length) return Promise.resolve(refs);
    function texts(ref) {
      var entry = doc(ref);
      return [entry.title, entry.summary, passage(ref) || ""];
    }
    return loadDocs(checked).then(function () {
      var numbers = new Set();
      checked.forEach(function (ref) {
        if (!engine.hasPhrases([doc(ref).title, doc(ref).summary], plan)) numbers.add(passageShard(ref));
      });
      return loadPassageShards(numbers);
    }).then(function () {
      return engine.phrasesFirst(refs, plan, texts);
    });
  }

  /* Everything the results `refs` show: their documents, then passages. */
  function loadResults(refs, plan) {
    return loadDocs(refs).then(function () { return loadPassages(refs, plan); });
  }

  function passage(ref) {
    var n = passageShard(ref);
    var shard = registry.passages[n];
    return shard ? shard[Number(ref) - n * manifest.passageShardSize] : null;
  }

  function shard(n) {
    if (!loadedShards.has(n)) loadedShards.set(n, engine.shard(registry.terms[n]));
    return loadedShards.get(n);
  }

  function doc(ref) {
    var n = docShard(ref);
    return registry.docs[n][Number(ref) - n * manifest.docShardSize];
  }

  // -- facets --------------------------------------------------------------

  function yearOf(ref) {
    var number = Number(ref);
    for (var i = 0; i < manifest.years.length; i++) {
      var range = manifest.years[i];
      if (number >= range[1] && number <= range[2]) return String(range[0]);
    }
    return "";
  }

  function topicOf(ref) {
    return manifest.topics[manifest.docTopics[Number(ref)]];
  }

  function fillSelect(select, values) {
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      option.setAttribute("data-label", value);
      select.appendChild(option);
    });
  }

  function showCounts(select, counts) {
    Array.prototype.forEach.call(select.options, function (option) {
      var label = option.getAttribute("data-label");
      if (!label) return;
      option.textContent = counts ? label + " (" + (counts.get(label) || 0) + ")" : label;
    });
  }

  // -- state in the URL -------------------------------------------------------

  // The parameters of a search, in the URL, the form and the state.
  var KEYS = ["q", "topic", "year", "from", "to", "sort"];

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    KEYS.forEach(function (key) { state[key] = params.get(key) || ""; });
    return state;
  }

  function formState() {
    return { q: box.value, topic: topicSelect.value, year: yearSelect.value, from: fromBox.value.trim(),
      to: toBox.value.trim(), sort: sortSelect.value };
  }

  function applyState(state) {
    box.value = state.q;
    fromBox.value = state.from;
    toBox.value = state.to;
    [[topicSelect, state.topic], [yearSelect, state.year], [sortSelect, state.sort]].forEach(function (pair) {
      pair[0].value = pair[1];
      if (pair[0].value !== pair[1]) pair[0].value = "";
    });
  }

  function queryString(state) {
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { if (state[key]) params.set(key, state[key]); });
    return params.toString();
  }

  // -- dates ------------------------------------------------------------------------

  /* "2024" or "2024-03" as year * 100 + month (a year's first month, or its
   * last for the end of a range); null when empty, NaN when not a date. */
  function monthOf(text, end) {
    if (!text) return null;
    var match = /^(\d{4})(?:-(\d{1,2}))?$/.exec(text);
    if (!match) return NaN;
    var month = match[2] ? Number(match[2]) : (end ? 12 : 1);
    return month >= 1 && month <= 12 ? Number(match[1]) * 100 + month : NaN;
  }

  /* The refs of the state's date range, {low, high} (refs are newest first,
   * so a range of months is a range of refs); null for no range. */
  function dateRange(state) {
    var from = monthOf(state.from, false);
    var to = monthOf(state.to, true);
    if (from === null && to === null) return null;
    var range = { low: Infinity, high: -1 };
    manifest.months.forEach(function (month) {
      if ((from === null || month[0] >= from) && (to === null || month[0] <= to)) {
        range.low = Math.min(range.low, month[1]);
        range.high = Math.max(range.high, month[2]);
      }
    });
    return range;
  }

  function badDates(state) {
    return [monthOf(state.from, false), monthOf(state.to, true)].some(function (month) { return Number.isNaN(month); });
  }

  function filtered(state) {
    return Boolean(state.topic || state.year || state.from || state.to);
  }

  /* Refs in the order the state asks for: as found (relevance), or by date
   * (refs are newest first). */
  function sorted(refs, sort) {
    if (sort === "newest") return refs.slice().sort(function (a, b) { return a - b; });
    if (sort === "oldest") return refs.slice().sort(function (a, b) { return b - a; });
    return refs;
  }

  function writeState(state, push) {
    var query = queryString(state);
    var url = window.location.pathname + (query ? "?" + query : "");
    if (url === window.location.pathname + window.location.search) return;
    try {
      window.history[push ? "pushState" : "replaceState"](state, "", url);
    } catch (error) {
      // Some browsers refuse history changes on file:// pages; the search still works.
    }
  }

  // -- rendering ------------------------------------------------------------------

  function say(text) {
    status.textContent = text;
  }

  /* 12345 -> "12,345". Not toLocaleString: its first call in a page loads
   * ICU's number formats, which took 20-40 ms of the first search. */
  function thousands(count) {
    return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function plural(count, word) {
    return thousands(count) + " " + word + (count === 1 ? "" : "s");
  }

  function renderResult(ref, plan) {
    var entry = doc(ref);
    var item = document.createElement("li");
    item.className = "search-result";
    var heading = document.createElement("h2");
    heading.className = "search-result__title";
    var link = document.createElement("a");
    link.href = siteBase + entry.url;
    link.textContent = entry.title;
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "search-result__meta";
    var time = document.createElement("time");
    time.dateTime = entry.date;
    time.textContent = entry.dateLabel;
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · " + entry.topic));
    var snippet = document.createElement("p");
    snippet.className = "search-result__snippet";
    engine.snippet(entry.summary, passage(ref), plan, SNIPPET_CHARS).forEach(function (piece) {
      if (piece.mark) {
        var mark = document.createElement("mark");
        mark.textContent = piece.text;
        snippet.appendChild(mark);
      } else {
        snippet.appendChild(document.createTextNode(piece.text));
      }
    });
    item.appendChild(heading);
    item.appendChild(meta);
    item.appendChild(snippet);
    return item;
  }

  function showMore(mine) {
    var next = current.refs.slice(current.shown, current.shown + PAGE_SIZE);
    return loadResults(next, current.plan).then(function () {
      if (mine !== generation) return;
      var fragment = document.createDocumentFragment();
      next.forEach(function (ref) { fragment.appendChild(renderResult(ref, current.plan)); });
      list.appendChild(fragment);
      current.shown += next.length;
      more.hidden = current.shown >= current.refs.length;
    });
  }

  function describe(state, count, mode, searched) {
    var text;
    if (mode === "browse") {
      text = count ? plural(count, "article") : "No articles";
    } else {
      text = (count ? plural(count, "result") : "No results") + " for “" + (searched || state.q.trim()) + "”";
    }
    if (state.topic) text += " in " + state.topic;
    if (state.year) text += " from " + state.year;
    if (state.from && state.to) text += " between " + state.from + " and " + state.to;
    else if (state.from) text += " since " + state.from;
    else if (state.to) text += " until " + state.to;
    if (count > 1 && (mode === "browse" || state.sort)) {
      text += state.sort === "oldest" ? ", oldest first" : ", newest first";
    }
    if (count && mode === "any") text += " (no article has all the words; showing articles with some of them)";
    if (searched) text += " (nothing was found for “" + state.q.trim() + "”)";
    return text + ".";
  }

  /* "Did you mean ...?" with a link that runs the corrected search, when
   * the corrections found articles the words as written did not. */
  function suggest(state, searched) {
    suggestion.hidden = true;
    if (!searched.corrections.length || !searched.exact.refs.length) return;
    if (searched.found.refs.length <= searched.exact.refs.length && searched.found.mode === searched.exact.mode) return;
    var corrected = Object.assign({}, state, { q: correctedQuery(state.q, searched.corrections) });
    suggestionLink.textContent = corrected.q;
    suggestionLink.href = "?" + queryString(corrected);
    suggestionLink.onclick = function (event) {
      event.preventDefault();
      applyState(corrected);
      writeState(corrected, true);
      settled = true;
      search(corrected);
      box.focus();
    };
    suggestion.hidden = false;
  }

  /* Search for state; typing: the query is being typed (see Tally.rare). */
  function search(state, typing) {
    var mine = ++generation;
    var started = performance.now();
    list.textContent = "";
    more.hidden = true;
    empty.hidden = true;
    suggestion.hidden = true;
    tip.hidden = false;
    var plan = engine.plan(state.q);
    var browsing = !plan.clauses.length && !state.q.trim() && filtered(state);
    if (badDates(state) || (!plan.clauses.length && !browsing)) {
      showCounts(topicSelect, null);
      showCounts(yearSelect, null);
      current = { refs: [], shown: 0, plan: plan };
      if (badDates(state)) {
        say("Write a date as a year (2024) or a year and month (2024-03).");
      } else {
        say(state.q.trim()
          ? "Type a longer word: “" + state.q.trim() + "” is too common to search for."
          : "Type to search " + plural(manifest.docCount, "article") + ", or choose a topic or dates to list them.");
      }
      empty.hidden = false;  // no query yet: offer the browsing pages
      tip.hidden = true;
      root.setAttribute("data-state", "idle");
      return Promise.resolve();
    }
    root.setAttribute("data-state", "loading");
    var searching = browsing ? Promise.resolve(browse(plan)) : searchShards(plan, mine).then(function (shards) {
      return mine === generation ? forgive(plan, shards, mine, typing) : null;
    });
    return searching.then(function (searched) {
      if (!searched || mine !== generation) return null;
      var plan = searched.plan;
      var loaded = searched.loaded;
      var filteredFrom = performance.now();
      var found = searched.found;
      var topics = new Map();
      var years = new Map();
      var range = dateRange(state);
      var refs = found.refs.filter(function (ref) {
        var number = Number(ref);
        if (range && (number < range.low || number > range.high)) return false;
        var topic = topicOf(ref);
        var year = yearOf(ref);
        if (!state.year || year === state.year) topics.set(topic, (topics.get(topic) || 0) + 1);
        if (!state.topic || topic === state.topic) years.set(year, (years.get(year) || 0) + 1);
        return (!state.topic || topic === state.topic) && (!state.year || year === state.year);
      });
      refs = sorted(refs, found.mode === "browse" && !state.sort ? "newest" : state.sort);
      showCounts(topicSelect, topics);
      showCounts(yearSelect, years);
      var filtered = performance.now();
      return (state.sort ? Promise.resolve(refs) : phrasesFirst(refs, plan)).then(function (ordered) {
        if (mine !== generation) return null;
        refs = ordered;
        current = { refs: refs, shown: 0, plan: plan };
        return loadResults(current.refs.slice(0, PAGE_SIZE), plan);
      }).then(function () {
        var docsLoaded = performance.now();
        return showMore(mine).then(function () {
          if (mine !== generation) return;
          var instead = searched.exact.refs.length ? null : correctedQuery(state.q, searched.corrections);
          say(describe(state, refs.length, found.mode, searched.corrections.length ? instead : null));
          suggest(state, searched);
          empty.hidden = refs.length > 0;
          // Timings for bench/search.py: waiting for index files; the wait
          // for results once the last of them arrived (shards searched while
          // others loaded are done by then); and all the search work (lunr
          // searches, filters, rendering), as if every file had been there.
          var now = performance.now();
          var rest = filtered - loaded + now - docsLoaded;
          root.setAttribute("data-load-ms", (loaded - started + docsLoaded - filtered).toFixed(1));
          root.setAttribute("data-search-ms", Math.max(0, rest).toFixed(1));
          root.setAttribute("data-work-ms", (searched.work + (filtered - filteredFrom) + now - docsLoaded).toFixed(1));
          root.setAttribute("data-state", "done");
        });
      });
    }).catch(function (error) {
      if (mine !== generation) return;
      say("Search failed: " + error.message + ". Rebuild the site with `make site`.");
      root.setAttribute("data-state", "error");
    });
  }

  // -- events ------------------------------------------------------------------------

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll(".search-result__title a"));
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var state = formState();
      writeState(state, settled);
      settled = false;
      search(state, true);
    }, DEBOUNCE_MS);
  });

  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      var first = links()[0];
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  list.addEventListener("keydown", function (event) {
    var all = links();
    var position = all.indexOf(document.activeElement);
    if (position < 0) return;
    if (event.key === "ArrowDown" && position + 1 < all.length) {
      event.preventDefault();
      all[position + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (position > 0 ? all[position - 1] : box).focus();
    } else if (event.key === "Escape") {
      box.focus();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    var state = formState();
    writeState(state, settled);
    settled = true;
    search(state);
  });

  [topicSelect, yearSelect, sortSelect, fromBox, toBox].forEach(function (select) {
    select.addEventListener("change", function () {
      clearTimeout(timer);
      var state = formState();
      writeState(state, true);
      settled = true;
      search(state);
    });
  });

  more.addEventListener("click", function () {
    var next = current.shown;
    showMore(generation).then(function () {
      var all = links();
      if (all[next]) all[next].focus();
    });
  });

  window.addEventListener("popstate", function () {
    clearTimeout(timer);
    settled = true;
    var state = readState();
    applyState(state);
    search(state);
  });

  // -- start ---------------------------------------------------------------------------

  fillSelect(topicSelect, manifest.topics);
  fillSelect(yearSelect, manifest.years.map(function (range) { return String(range[0]); }));
  if (noJs) noJs.hidden = true;
  root.hidden = false;
  var initial = readState();
  applyState(initial);
  if (filtered(initial) || initial.sort) document.getElementById("search-options").open = true;
  // The first search starts once the page has painted: its index files then
  // arrive to an idle page instead of queueing behind the first layout and
  // paint, and the search box shows without waiting for them.
  afterFirstPaint(function () { search(initial); });
  if (!initial.q) box.focus();

  function afterFirstPaint(callback) {
    if (window.requestAnimationFrame) {
      window.requestAnimationFrame(function () { setTimeout(callback, 0); });
    } else {
      setTimeout(callback, 0);
    }
  }
})();
