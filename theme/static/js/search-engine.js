/* Archive search engine: analysis, query plan and merge over term shards.
 *
 * The twin of plugins/search/analysis.py (analyze, plan_query) and of the search in tests/search_reference.py:
 * the agreement test runs both over the same queries and compares the refs.
 * Field names, boosts and stop words come from the manifest written by the
 * plugin; nothing here repeats them. The stemmer is handed in: npm porter2,
 * the algorithm of the build's (the agreement test runs both over every term).
 * Works in the browser (window.ArchiveSearchEngine) and in Node (require).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.ArchiveSearchEngine = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // The expressions of plugins/search/analysis.py (see tokens() there).
  var TOKEN_RE = /[\p{L}\p{N}]+(?:(?:['.\-\u2010\u2011]|(?<=[0-9]),(?=[0-9]{3}(?![0-9])))[\p{L}\p{N}]+)*/gu;
  var HYPHENS_RE = /[\-\u2010\u2011]/u;
  var LETTER = "(?:(?!\\p{Nd})[\\p{L}\\p{N}])";
  var INITIALS_RE = new RegExp("^" + LETTER + "(?:\\." + LETTER + ")+$", "u");

  function stripPossessive(word) {
    return word.endsWith("'s") ? word.slice(0, -2) : word;
  }

  function joined(segment) {
    segment = segment.replace(/,/g, "");
    return INITIALS_RE.test(segment) ? segment.replace(/\./g, "") : segment;
  }

  /* The first max characters (code points, as Python counts them) of text. */
  function cut(text, max) {
    if (text.length <= max) return text;
    var end = 0;
    for (var count = 0; count < max && end < text.length; count++) {
      end += text.codePointAt(end) > 0xffff ? 2 : 1;
    }
    return text.slice(0, end);
  }

  /* The words of text as {word, parts, acronym}: "e-mail" -> email (parts
   * e, mail), "U.S." -> us (an acronym, never a stop word), "2,850" -> 2850.
   * Each token is cut to termMax characters, and so is its lower case. */
  function tokens(text, termMax) {
    var normal = String(text).normalize("NFC").replace(/\u2019/g, "'");
    var found = [];
    (normal.match(TOKEN_RE) || []).forEach(function (written) {
      var token = cut(written, termMax);
      var lower = cut(token.toLowerCase(), termMax);
      var segments = stripPossessive(lower).split(HYPHENS_RE).map(function (segment) {
        return stripPossessive(joined(segment));
      });
      var word = segments.join("");
      if (!word) return;
      var acronym = word.length > 1 &&
        ((token.toUpperCase() === token && token !== lower) || (lower.indexOf(".") >= 0 && word.indexOf(".") < 0));
      found.push({ word: word, parts: segments.length > 1 ? segments.filter(Boolean) : [], acronym: acronym });
    });
    return found;
  }

  function words(text, termMax) {
    return tokens(text, termMax).map(function (token) { return token.word; });
  }

  /* stem: the Porter2 stemmer (npm porter2, as the build's PyPI stemming). */
  function Analyzer(analysis, stem) {
    this.stop = new Set(analysis.stopWords);
    this.termMax = analysis.termMax;
    this.stemmer = stem;
    this.stems = new Map();
  }

  Analyzer.prototype.stem = function (word) {
    var stemmed = this.stems.get(word);
    if (stemmed === undefined) {
      stemmed = this.stemmer(word);
      this.stems.set(word, stemmed);
    }
    return stemmed;
  };

  /* The index term of a word, null for a stop word. */
  Analyzer.prototype.term = function (word, acronym) {
    return this.stop.has(word) && !acronym ? null : this.stem(word);
  };

  Analyzer.prototype.analyze = function (text) {
    var terms = [];
    var self = this;
    tokens(text, this.termMax).forEach(function (token) {
      [token.word].concat(token.parts).forEach(function (piece) {
        var term = self.term(piece, token.acronym);
        if (term) terms.push(term);
      });
    });
    return terms;
  };

  /* Per word its term (null for a stop word) and, for the last word, its prefix. */
  Analyzer.prototype.plan = function (text, prefixMin) {
    var self = this;
    var raw = tokens(text, this.termMax);
    var planned = [];
    raw.forEach(function (token, position) {
      var last = position === raw.length - 1;
      var term = self.term(token.word, token.acronym);
      // The stem: the index holds stems, stored prefixes are keyed by them.
      var prefix = last && token.word.length >= prefixMin ? self.stem(token.word) : null;
      if (term || prefix) planned.push({ term: term, prefix: prefix, text: token.word });
    });
    return { words: planned, title: this.titleTerm(text), phrases: this.phrases(text) };
  };

  /* The whole-title term of text (its terms joined, cut to termMax), null if empty. */
  Analyzer.prototype.titleTerm = function (text) {
    return cut(this.analyze(text).join(" "), this.termMax) || null;
  };

  /* The word terms of a text in order, stop words left out. */
  Analyzer.prototype.sequence = function (text) {
    var self = this;
    return tokens(text, this.termMax).map(function (token) {
      return self.term(token.word, token.acronym);
    }).filter(Boolean);
  };

  /* The phrases of a query: the term sequences of its quoted parts ("..."
   * or “...”) of two terms or more. */
  Analyzer.prototype.phrases = function (text) {
    var self = this;
    var found = [];
    (String(text).match(/["\u201c\u201d][^"\u201c\u201d]+["\u201c\u201d]/g) || []).forEach(function (quoted) {
      var terms = self.sequence(quoted);
      if (terms.length > 1) found.push(terms);
    });
    return found;
  };

  function indexOfRun(terms, run, from) {
    for (var i = from || 0; i + run.length <= terms.length; i++) {
      var j = 0;
      while (j < run.length && terms[i + j] === run[j]) j++;
      if (j === run.length) return i;
    }
    return -1;
  }

  /* The shard whose range holds term (firsts in JavaScript string order). */
  function shardFor(term, firsts) {
    var low = 0;
    var high = firsts.length - 1;
    var found = 0;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (firsts[middle] <= term) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  function shardRange(prefix, firsts) {
    var low = shardFor(prefix, firsts);
    var high = low;
    while (high + 1 < firsts.length && firsts[high + 1].startsWith(prefix)) high += 1;
    var shards = [];
    for (var n = low; n <= high; n++) shards.push(n);
    return shards;
  }

  function round(score) {
    return Math.round(score * 1e6) / 1e6;
  }

  function Engine(manifest, lunr, stem) {
    this.manifest = manifest;
    this.lunr = lunr;
    this.analyzer = new Analyzer(manifest.analysis, stem);
  }

  /* The plan of a query and the term shards it needs. */
  Engine.prototype.plan = function (text) {
    var manifest = this.manifest;
    var query = manifest.query;
    var firsts = manifest.termShards;
    var plan = this.analyzer.plan(text, query.prefixMin);
    var clauses = [];
    plan.words.forEach(function (word, number) {
      if (word.term) {
        clauses.push({ term: word.term, word: number, wildcard: false, boost: query.exactBoost,
          fields: manifest.wordFields, shards: [shardFor(word.term, firsts)] });
      }
      if (word.prefix) {
        var shards = shardRange(word.prefix, firsts);
        if (shards.length <= query.prefixMaxShards) {
          clauses.push({ term: word.prefix, word: number, wildcard: true, boost: query.prefixBoost,
            fields: manifest.prefixFields, shards: shards });
        }
      }
    });
    if (plan.title) {
      clauses.push({ term: plan.title, word: null, wildcard: false, boost: query.titleBoost,
        fields: [manifest.titleField], shards: [shardFor(plan.title, firsts)] });
    }
    var needed = new Set();
    clauses.forEach(function (clause) { clause.shards.forEach(function (n) { needed.add(n); }); });
    plan.clauses = clauses;
    plan.shards = Array.from(needed).sort(function (a, b) { return a - b; });
    return plan;
  };

  /* The results of a plan, gathered shard by shard: add(n, index) runs the
   * clauses that need term shard n as soon as it is loaded, so that a search
   * does its work while the other shards are still on their way. Scores are
   * summed in plan order (clause, then shard) whatever order shards came in. */
  function Tally(plan, lunr, docCount) {
    this.plan = plan;
    this.lunr = lunr;
    this.docCount = docCount;
    this.hits = new Map();  // "clause/shard" -> {refs: [numbers], scores: [numbers]}
  }

  function own(object, key) {
    // Not object[key]: a word like "constructor" would find Object.prototype's.
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  /* The stored results of a clause in a shard, or undefined to ask lunr.js.
   * A common whole word was searched at build time with lunr's scoring (see
   * plugins/search/shards.py): [refs, scores]. A common prefix keeps,
   * per result, the sum of its field vectors' entries for the expanded terms
   * and the number of those terms: lunr divides by the query vector's length. */
  function stored(clause, shard) {
    if (clause.word === null) return undefined;
    if (!clause.wildcard) {
      var exact = own(shard.exact, clause.term);
      return exact && { refs: exact[0], scores: exact[1] };
    }
    var prefix = own(shard.prefixes, clause.term);
    if (typeof prefix === "string") prefix = own(shard.prefixes, prefix);  // shared with another word
    if (!prefix) return undefined;
    var norm = Math.sqrt(prefix[0]);
    return { refs: prefix[1], scores: prefix[2].map(function (sum) { return sum / norm; }) };
  }

  function searched(results) {
    return {
      refs: results.map(function (result) { return Number(result.ref); }),
      scores: results.map(function (result) { return result.score; })
    };
  }

  /* shard: {index: the shard's lunr.Index, exact: {common word: [refs, scores]},
   * prefixes: {common prefix: [expanded terms, refs, sums] or the prefix whose
   * results it shares}}. Stored clauses
   * are read, not searched again; every other clause is a lunr.js query. */
  Tally.prototype.add = function (n, shard) {
    var lunr = this.lunr;
    var hits = this.hits;
    this.plan.clauses.forEach(function (clause, number) {
      var key = number + "/" + n;
      if (clause.shards.indexOf(n) < 0 || hits.has(key)) return;
      var results = stored(clause, shard);
      if (results) {
        hits.set(key, results);
        return;
      }
      hits.set(key, searched(shard.index.query(function (q) {
        q.term(clause.term, {
          fields: clause.fields, usePipeline: false, boost: 1,
          wildcard: clause.wildcard ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
      })));
    });
  };

  /* {refs: [...best first], mode: "all" | "any"} once every shard was added.
   * Per document arrays, not maps: a common word brings thousands of results. */
  Tally.prototype.result = function () {
    var plan = this.plan;
    var hits = this.hits;
    var scores = new Float64Array(this.docCount);
    var found = new Uint8Array(this.docCount);
    // Words matched: a word's clauses are next to each other in the plan, so
    // a document counts a word when its last counted word was another.
    var words = new Int32Array(this.docCount);
    var lastWord = new Int32Array(this.docCount).fill(-1);
    // Words matched as written (not only by a correction of a misspelling):
    // documents matching every word as written come first.
    var written = new Int32Array(this.docCount);
    var lastWritten = new Int32Array(this.docCount).fill(-1);
    var touched = [];
    plan.clauses.forEach(function (clause, number) {
      clause.shards.forEach(function (n) {
        var results = hits.get(number + "/" + n);
        if (!results) throw new Error("term shard " + n + " was not searched");
        var refs = results.refs;
        var values = results.scores;
        for (var i = 0; i < refs.length; i++) {
          var ref = refs[i];
          if (!found[ref]) {
            found[ref] = 1;
            touched.push(ref);
          }
          scores[ref] += clause.boost * values[i];
          if (clause.word !== null && lastWord[ref] !== clause.word) {
            lastWord[ref] = clause.word;
            words[ref] += 1;
          }
          if (clause.word !== null && !clause.correction && lastWritten[ref] !== clause.word) {
            lastWritten[ref] = clause.word;
            written[ref] += 1;
          }
        }
      });
    });
    var wanted = plan.words.length;
    var every = touched.filter(function (ref) { return words[ref] === wanted; });
    var refs = every.length ? every : touched;
    var rounded = new Float64Array(this.docCount);
    refs.forEach(function (ref) { rounded[ref] = round(scores[ref]); });
    if (plan.corrected) {
      refs.sort(function (a, b) { return written[b] - written[a] || rounded[b] - rounded[a] || a - b; });
    } else {
      refs.sort(function (a, b) { return rounded[b] - rounded[a] || a - b; });
    }
    return { refs: refs.map(String), mode: every.length || !touched.length ? "all" : "any" };
  };

  /* The words of the plan that may be misspelt: [{word: number, text, term,
   * docs}] for each word found in fewer than `few` articles as written, by
   * its term or, while `typing`, for the last word, as a prefix (a word
   * being typed that starts words of the archive is not corrected; a query
   * submitted is complete: "agreees" is not the start of "agreement"). */
  Tally.prototype.rare = function (few, minLength, typing) {
    var plan = this.plan;
    var hits = this.hits;
    var found = new Map();  // word number -> {term, docs: Set}
    plan.clauses.forEach(function (clause, number) {
      if (clause.word === null || clause.correction || (clause.wildcard && !typing)) return;
      if (!found.has(clause.word)) found.set(clause.word, { term: null, docs: new Set() });
      var word = found.get(clause.word);
      if (!clause.wildcard) word.term = clause.term;
      clause.shards.forEach(function (n) {
        var results = hits.get(number + "/" + n);
        if (results) results.refs.forEach(function (ref) { word.docs.add(ref); });
      });
    });
    var rare = [];
    found.forEach(function (word, number) {
      var text = plan.words[number].text;
      if (word.term && text.length >= minLength && word.docs.size < few) {
        rare.push({ word: number, text: text, term: word.term, docs: word.docs.size });
      }
    });
    return rare;
  };

  Engine.prototype.tally = function (plan) {
    return new Tally(plan, this.lunr, this.manifest.docCount);
  };

  /* The optimal string alignment distance of a and b (edits: insert, delete,
   * replace a letter, swap two neighbours), or limit + 1 when it is more. */
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var before = null;
    var previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var row = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, before[j - 2] + 1);
        }
        row.push(value);
        if (value < least) least = value;
      }
      if (least > limit) return limit + 1;
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  /* The words of a searched plan that may be misspelt (see Tally.rare). */
  Engine.prototype.rare = function (tally, typing) {
    var rule = this.manifest.correction;
    return tally.rare(rule.fewDocs, rule.minLength, typing);
  };

  /* The word-list shards that may hold the corrections of the rare words:
   * those of their first letters (see plugins/search/output.py). */
  Engine.prototype.wordShards = function (rare) {
    var firsts = this.manifest.wordShards;
    var needed = new Set();
    rare.forEach(function (word) {
      if (firsts.length) shardRange(word.text[0], firsts).forEach(function (n) { needed.add(n); });
    });
    return Array.from(needed).sort(function (a, b) { return a - b; });
  };

  /* The corrections of the rare words: [{word, text, term, docs, written:
   * the nearest written word, the most frequent first, terms: the terms of
   * the nearest words (at most rule.candidates)}] for the words that have
   * some. words(n) returns word-list shard n as the plugin writes it:
   * [words joined by spaces, [their numbers of articles]]. */
  Engine.prototype.corrections = function (rare, words) {
    var rule = this.manifest.correction;
    var analyzer = this.analyzer;
    var shards = this.wordShards(rare).map(function (n) {
      var shard = words(n);
      return { words: shard[0].split(" "), docs: shard[1] };
    });
    var found = [];
    rare.forEach(function (word) {
      var limit = word.text.length >= rule.twoEditsFrom ? 2 : 1;
      var near = [];
      shards.forEach(function (shard) {
        shard.words.forEach(function (written, i) {
          if (written[0] !== word.text[0] || shard.docs[i] <= word.docs) return;
          var distance = editDistance(word.text, written, limit);
          if (distance <= limit) near.push({ written: written, docs: shard.docs[i], distance: distance });
        });
      });
      near.sort(function (a, b) {
        return a.distance - b.distance || b.docs - a.docs || (a.written < b.written ? -1 : a.written > b.written ? 1 : 0);
      });
      var terms = [];
      var shown = null;
      near.forEach(function (item) {
        var term = analyzer.term(item.written, false);
        if (item.distance !== near[0].distance || terms.length >= rule.candidates) return;
        if (!term || term === word.term || terms.indexOf(term) >= 0) return;
        terms.push(term);
        shown = shown || item.written;
      });
      if (terms.length) {
        found.push({ word: word.word, text: word.text, term: word.term, docs: word.docs, written: shown, terms: terms });
      }
    });
    return found;
  };

  /* The plan with the corrections of its rare words as more clauses of
   * those words (next to their own clauses), weighed by the correction boost. */
  Engine.prototype.corrected = function (plan, corrections) {
    var manifest = this.manifest;
    var boost = manifest.query.exactBoost * manifest.correction.boost;
    var of = new Map();
    corrections.forEach(function (correction) { of.set(correction.word, correction); });
    var clauses = [];
    plan.clauses.forEach(function (clause, number) {
      clauses.push(clause);
      var next = plan.clauses[number + 1];
      var correction = clause.word !== null && of.get(clause.word);
      if (correction && (!next || next.word !== clause.word)) {
        correction.terms.forEach(function (term) {
          clauses.push({ term: term, word: clause.word, wildcard: false, boost: boost, correction: true,
            fields: manifest.wordFields, shards: [shardFor(term, manifest.termShards)] });
        });
      }
    });
    var needed = new Set();
    clauses.forEach(function (clause) { clause.shards.forEach(function (n) { needed.add(n); }); });
    return { words: plan.words, title: plan.title, clauses: clauses, corrected: corrections,
      shards: Array.from(needed).sort(function (a, b) { return a - b; }) };
  };

  // Results checked for the quoted phrases of a query (docs/search.md, "Phrases").
  var PHRASE_CHECKED = 30;

  /* The first PHRASE_CHECKED refs to check for the plan's phrases (none
   * without phrases): their documents and passages are needed. */
  Engine.prototype.phraseChecked = function (refs, plan) {
    return plan.phrases && plan.phrases.length ? refs.slice(0, PHRASE_CHECKED) : [];
  };

  /* refs with those of phraseChecked that hold every phrase first; texts(ref)
   * returns the [title, summary, passage] of a result. */
  Engine.prototype.phrasesFirst = function (refs, plan, texts) {
    var checked = this.phraseChecked(refs, plan);
    if (!checked.length) return refs;
    var self = this;
    var first = [];
    var then = [];
    checked.forEach(function (ref) { (self.hasPhrases(texts(ref), plan) ? first : then).push(ref); });
    return first.concat(then, refs.slice(checked.length));
  };

  /* A whole search at once, as search.html makes it step by step while files
   * load: the words as written, the corrections of rare ones, phrases first.
   * shard(n) and words(n) return term shard n and word-list shard n as the
   * plugin writes them, texts(ref) as for phrasesFirst; typing: as Tally.rare. */
  Engine.prototype.searchNow = function (text, shard, words, texts, typing) {
    var plan = this.plan(text);
    var tally = this.tally(plan);
    plan.shards.forEach(function (n) { tally.add(n, shard(n)); });
    var exact = tally.result();
    var rare = this.rare(tally, typing);
    var corrections = rare.length ? this.corrections(rare, words) : [];
    var found = exact;
    if (corrections.length) {
      plan = this.corrected(plan, corrections);
      found = this.run(plan, shard);
    }
    return { refs: this.phrasesFirst(found.refs, plan, texts), mode: found.mode, exact: exact.refs,
      corrections: corrections };
  };

  /* A loaded term shard from its data (as the plugin writes it). */
  Engine.prototype.shard = function (data) {
    return { index: this.lunr.Index.load(data.index), exact: data.exact, prefixes: data.prefixes };
  };

  /* Run a plan at once; shard(n) returns loaded term shard n. */
  Engine.prototype.run = function (plan, shard) {
    var tally = this.tally(plan);
    plan.shards.forEach(function (n) { tally.add(n, shard(n)); });
    return tally.result();
  };

  /* Whether every phrase of the plan is in one of the texts, word for word
   * (stop words aside, words as the index stems them). */
  Engine.prototype.hasPhrases = function (texts, plan) {
    var sequences = texts.map(this.analyzer.sequence, this.analyzer);
    return (plan.phrases || []).every(function (phrase) {
      return sequences.some(function (terms) { return indexOfRun(terms, phrase) >= 0; });
    });
  };

  /* Where text holds its phrases: [{start, end}] in order, each from the
   * first word of an occurrence to its last. */
  Engine.prototype.phraseSpans = function (text, plan) {
    var analyzer = this.analyzer;
    var words = [];
    var re = new RegExp(TOKEN_RE.source, "gu");
    var match;
    while ((match = re.exec(text)) !== null) {
      var token = tokens(match[0], analyzer.termMax)[0];
      var term = token && analyzer.term(token.word, token.acronym);
      if (term) words.push({ term: term, start: match.index, end: match.index + match[0].length });
    }
    var terms = words.map(function (word) { return word.term; });
    var spans = [];
    (plan.phrases || []).forEach(function (phrase) {
      for (var at = indexOfRun(terms, phrase); at >= 0; at = indexOfRun(terms, phrase, at + phrase.length)) {
        spans.push({ start: words[at].start, end: words[at + phrase.length - 1].end });
      }
    });
    return spans.sort(function (a, b) { return a.start - b.start; }).filter(function (span, i, all) {
      return i === 0 || span.start >= all[i - 1].end;
    });
  };

  /* Where text holds words the query matched: [{start, end}] in order. A word
   * matches when its analyzed term is a query term (same analyzer as the
   * index: "satellites" matches "satellite") or it starts with the prefix of
   * the word being typed; a phrase matches as a whole, and its words only there. */
  Engine.prototype.matches = function (text, plan) {
    var analyzer = this.analyzer;
    var terms = new Set();
    var prefixes = [];
    var inPhrases = new Set();
    (plan.phrases || []).forEach(function (phrase) { phrase.forEach(function (term) { inPhrases.add(term); }); });
    plan.words.forEach(function (word) {
      if (word.term && !inPhrases.has(word.term)) terms.add(word.term);
      if (word.prefix && !inPhrases.has(word.term)) prefixes.push(word.prefix);
    });
    (plan.corrected || []).forEach(function (correction) {
      correction.terms.forEach(function (term) { terms.add(term); });
    });
    function hit(token) {
      return terms.has(analyzer.term(token.word, token.acronym)) ||
        prefixes.some(function (prefix) { return token.word.startsWith(prefix); });
    }
    var spans = [];
    var source = String(text);
    var phrases = this.phraseSpans(source, plan);
    var next = 0;  // the first phrase span not passed yet
    var re = new RegExp(TOKEN_RE.source, "gu");
    var match;
    while ((match = re.exec(source)) !== null) {
      while (next < phrases.length && phrases[next].end <= match.index) next++;
      if (next < phrases.length && phrases[next].start <= match.index) {
        if (phrases[next].start === match.index) spans.push(phrases[next]);
        continue;
      }
      var token = tokens(match[0], analyzer.termMax)[0];
      if (!token) continue;
      if (hit(token)) {
        spans.push({ start: match.index, end: match.index + match[0].length });
      } else if (token.parts.length) {
        // A part of a compound: "mobile-to-satellite" marks "satellite".
        var offset = match.index;
        match[0].split(HYPHENS_RE).forEach(function (segment) {
          var piece = tokens(segment, analyzer.termMax)[0];
          if (piece && hit(piece)) spans.push({ start: offset, end: offset + segment.length });
          offset += segment.length + 1;
        });
      }
    }
    return spans;
  };

  /* Split text into [{text, mark}] pieces, marking the words the query matched. */
  Engine.prototype.highlight = function (text, plan) {
    var source = String(text);
    var pieces = [];
    var last = 0;
    this.matches(source, plan).forEach(function (span) {
      if (span.start > last) pieces.push({ text: source.slice(last, span.start), mark: false });
      pieces.push({ text: source.slice(span.start, span.end), mark: true });
      last = span.end;
    });
    if (last < source.length) pieces.push({ text: source.slice(last), mark: false });
    return pieces;
  };

  var SENTENCE_BREAK = /^[\s\S]*[.!?\u2026]["'\u201d\u2019)\]]*\s+/;

  /* About `chars` characters of text around the span of a word, cut at
   * spaces, from the start of its sentence when that is close: {start, end}. */
  function around(text, span, chars) {
    var start = Math.max(0, span.start - Math.floor(chars / 3));
    if (start > 0) {
      var before = text.slice(start, span.start);
      var sentence = before.match(SENTENCE_BREAK);
      if (sentence) {
        start += sentence[0].length;
      } else if (!/\s/.test(text[start - 1])) {
        var space = before.search(/\s/);  // skip the cut word
        start = space < 0 ? span.start : start + space + 1;
      }
    }
    var end = Math.min(text.length, start + chars);
    if (end < text.length) {
      var cut = text.lastIndexOf(" ", end);
      end = cut >= span.end ? cut : Math.max(end, span.end);
    }
    return { start: start, end: end };
  }

  /* The snippet of a result as [{text, mark}] pieces: the summary when it
   * holds a matched word (or there is no passage with one), else about
   * `chars` characters of the passage around its first matched word, with
   * an ellipsis where the passage was cut. */
  Engine.prototype.snippet = function (summary, passage, plan, chars) {
    var source = String(summary || "");
    if (!passage || this.matches(source, plan).length) return this.highlight(source, plan);
    var text = String(passage);
    var spans = this.matches(text, plan);
    if (!spans.length) return this.highlight(source, plan);
    var range = around(text, spans[0], chars);
    var pieces = this.highlight(text.slice(range.start, range.end).trim(), plan);
    if (range.start > 0) pieces.unshift({ text: "\u2026 ", mark: false });
    if (range.end < text.length) pieces.push({ text: " \u2026", mark: false });
    return pieces;
  };

  return {
    words: words,
    tokens: tokens,
    Analyzer: Analyzer,
    Engine: Engine,
    shardFor: shardFor,
    shardRange: shardRange,
    editDistance: editDistance
  };
});
