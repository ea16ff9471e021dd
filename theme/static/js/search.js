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
    refs.forEach(function (ref) {
      if (!engine.matches(doc(ref).summary, plan).length) numbers.add(passageShard(ref));
    });
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
  function forgive(plan, shards, mine) {
    var exact = shards.tally.result();
    var plain = { plan: plan, found: exact, exact: exact, loaded: shards.loaded, work: shards.work, corrections: [] };
    var rare = engine.rare(shards.tally);
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

  /* The query with its corrected words written as their corrections. */
  function correctedQuery(query, corrections) {
    return corrections.reduce(function (text, correction) {
      var escaped = correction.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      var word = new RegExp("(^|[^\\p{L}\\p{N}])" + escaped + "(?![\\p{L}\\p{N}])", "iu");
      return text.replace(word, function (all, before) { return before + correction.written; });
    }, query.trim());
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

  function readState() {
    var params = new URLSearchParams(window.location.search);
    return { q: params.get("q") || "", topic: params.get("topic") || "", year: params.get("year") || "" };
  }

  function formState() {
    return { q: box.value, topic: topicSelect.value, year: yearSelect.value };
  }

  function applyState(state) {
    box.value = state.q;
    topicSelect.value = state.topic;
    yearSelect.value = state.year;
    if (topicSelect.value !== state.topic) topicSelect.value = "";
    if (yearSelect.value !== state.year) yearSelect.value = "";
  }

  function queryString(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.topic) params.set("topic", state.topic);
    if (state.year) params.set("year", state.year);
    return params.toString();
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
    var text = count ? plural(count, "result") : "No results";
    text += " for “" + (searched || state.q.trim()) + "”";
    if (state.topic) text += " in " + state.topic;
    if (state.year) text += " from " + state.year;
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
    var corrected = { q: correctedQuery(state.q, searched.corrections), topic: state.topic, year: state.year };
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

  function search(state) {
    var mine = ++generation;
    var started = performance.now();
    list.textContent = "";
    more.hidden = true;
    empty.hidden = true;
    suggestion.hidden = true;
    tip.hidden = false;
    var plan = engine.plan(state.q);
    if (!plan.clauses.length) {
      showCounts(topicSelect, null);
      showCounts(yearSelect, null);
      current = { refs: [], shown: 0, plan: plan };
      say(state.q.trim()
        ? "Type a longer word: “" + state.q.trim() + "” is too common to search for."
        : "Type to search " + plural(manifest.docCount, "article") + ".");
      empty.hidden = false;  // no query yet: offer the browsing pages
      tip.hidden = true;
      root.setAttribute("data-state", "idle");
      return Promise.resolve();
    }
    root.setAttribute("data-state", "loading");
    return searchShards(plan, mine).then(function (shards) {
      return mine === generation ? forgive(plan, shards, mine) : null;
    }).then(function (searched) {
      if (!searched || mine !== generation) return null;
      var plan = searched.plan;
      var loaded = searched.loaded;
      var filteredFrom = performance.now();
      var found = searched.found;
      var topics = new Map();
      var years = new Map();
      var refs = found.refs.filter(function (ref) {
        var topic = topicOf(ref);
        var year = yearOf(ref);
        if (!state.year || year === state.year) topics.set(topic, (topics.get(topic) || 0) + 1);
        if (!state.topic || topic === state.topic) years.set(year, (years.get(year) || 0) + 1);
        return (!state.topic || topic === state.topic) && (!state.year || year === state.year);
      });
      showCounts(topicSelect, topics);
      showCounts(yearSelect, years);
      current = { refs: refs, shown: 0, plan: plan };
      var filtered = performance.now();
      return loadResults(current.refs.slice(0, PAGE_SIZE), plan).then(function () {
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
      search(state);
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

  [topicSelect, yearSelect].forEach(function (select) {
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
