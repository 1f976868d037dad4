// Static site search over the files `site/search_index.py` writes: a query fetches
// the posting shards of its keys (each character pair of each word), intersects
// them, then fetches the metadata and text of the results shown only. A word longer
// than a pair is checked against the text, so no result lacks it; every article
// containing every word is found. Index text is never parsed as HTML.
(function () {
  "use strict";
  var results = document.getElementById("search-results");
  var input = document.getElementById("search-query");
  if (!results || !input) return;
  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || "";
  input.value = query;
  var words = query.toLowerCase().split(/\s+/).filter(function (w, i, all) {
    return w && all.indexOf(w) === i;
  });
  if (!words.length) return;
  // Results per page: `n` in the address, else ten.
  var PAGE = Math.max(1, parseInt(params.get("n"), 10) || 10);
  var WEIGHTS = [8, 4, 2, 1]; // a word in the title, terms, summary, body
  var SNIPPET_BEFORE = 30, SNIPPET_LENGTH = 120;
  // Candidates checked at once: a browser refuses thousands of fetches in flight.
  var BATCH = 100;
  var base = new URL(results.dataset.index, window.location.href);
  var fetched = {};
  var encoder = new TextEncoder();

  function load(path, binary) {
    if (!fetched[path]) {
      fetched[path] = fetch(new URL(path, base)).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + path);
        return binary ? response.arrayBuffer() : response.json();
      });
    }
    return fetched[path];
  }

  // The keys of a word: itself when one character, else its adjacent pairs.
  function keysOf(word) {
    var chars = Array.from(word);
    if (chars.length === 1) return chars;
    var keys = [];
    for (var i = 0; i + 1 < chars.length; i++) {
      if (keys.indexOf(chars[i] + chars[i + 1]) === -1) keys.push(chars[i] + chars[i + 1]);
    }
    return keys;
  }

  function shardOf(key, shards) {
    var bytes = encoder.encode(key), hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) hash = Math.imul((hash ^ bytes[i]) >>> 0, 0x01000193) >>> 0;
    return hash % shards;
  }

  function Reader(bytes) { this.bytes = bytes; this.at = 0; }
  Reader.prototype.varint = function () {
    var value = 0, scale = 1, byte;
    do {
      byte = this.bytes[this.at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  };

  function sameBytes(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // A key's documents in each field (title, terms, summary, body), or null when
  // no document holds it.
  function postings(buffer, key, documents) {
    var reader = new Reader(new Uint8Array(buffer)), name = encoder.encode(key);
    while (reader.at < reader.bytes.length) {
      var length = reader.varint();
      var found = sameBytes(reader.bytes.subarray(reader.at, reader.at + length), name);
      reader.at += length;
      var size = reader.varint();
      if (!found) { reader.at += size; continue; }
      var mask = reader.bytes[reader.at++], lists = [];
      for (var field = 0; field < WEIGHTS.length; field++) {
        lists.push(mask & (1 << field) ? readIds(reader, documents) : []);
      }
      return lists;
    }
    return null;
  }

  function readIds(reader, documents) {
    var header = reader.varint(), count = Math.floor(header / 2), ids = [];
    if (header % 2) {
      for (var doc = 0; doc < documents; doc++) {
        if (reader.bytes[reader.at + (doc >> 3)] & (1 << (doc & 7))) ids.push(doc);
      }
      reader.at += (documents + 7) >> 3;
      return ids;
    }
    var previous = -1;
    for (var i = 0; i < count; i++) {
      previous += reader.varint() + 1;
      ids.push(previous);
    }
    return ids;
  }

  function intersect(lists) {
    return lists.reduce(function (kept, ids) {
      var inside = new Set(ids);
      return kept.filter(function (id) { return inside.has(id); });
    });
  }

  // Each document's best field for a word (-1 when it cannot hold the word).
  function bestFields(keyLists, documents) {
    var best = new Int8Array(documents).fill(-1);
    for (var field = WEIGHTS.length - 1; field >= 0; field--) {
      intersect(keyLists.map(function (lists) { return lists[field]; })).forEach(function (id) {
        best[id] = field;
      });
    }
    return best;
  }

  // The candidates with the highest score each could have, best first, newest first.
  function candidates(index) {
    var perWord = words.map(function (word) {
      return Promise.all(keysOf(word).map(function (key) {
        var shard = index.shards[shardOf(key, index.shards.length)];
        return load("p/" + shard + ".bin", true).then(function (buffer) {
          return postings(buffer, key, index.documents);
        });
      }));
    });
    return Promise.all(perWord).then(function (wordLists) {
      if (wordLists.some(function (keyLists) { return keyLists.indexOf(null) !== -1; })) return [];
      var bests = wordLists.map(function (keyLists) { return bestFields(keyLists, index.documents); });
      var found = [];
      for (var id = 0; id < index.documents; id++) {
        var score = 0;
        for (var w = 0; w < bests.length && score >= 0; w++) {
          score = bests[w][id] < 0 ? -1 : score + WEIGHTS[bests[w][id]];
        }
        if (score > 0) found.push({ id: id, score: score });
      }
      return found.sort(ahead);
    });
  }

  function ahead(a, b) { return b.score - a.score || a.id - b.id; }

  // A document's URL, date and text, from its metadata block and its text file.
  function documentOf(index, id) {
    var block = index.blocks[Math.floor(id / index.block)];
    return load("m/" + block + ".json").then(function (rows) {
      var row = rows[id % index.block];
      return load("t/" + row[2] + ".json").then(function (fields) {
        return { url: row[0], date: row[1], fields: fields, thumbnail: row[3] || "" };
      });
    });
  }

  // The score of a document from its text, or -1 when it lacks a word.
  function exactScore(fields) {
    var lower = fields.map(function (text) { return text.toLowerCase(); });
    var score = 0;
    for (var w = 0; w < words.length; w++) {
      var field = 0;
      while (field < lower.length && lower[field].indexOf(words[w]) === -1) field++;
      if (field === lower.length) return -1;
      score += WEIGHTS[field];
    }
    return score;
  }

  // Results in order, a page at a time. A candidate's score is at most what the
  // index says, so a checked result is shown once no unchecked candidate could
  // outrank it.
  function Search(index, pending) {
    this.index = index;
    this.pending = pending;
    this.checked = [];
    this.upperBound = pending.length;
    this.exactCount = words.every(function (w) { return Array.from(w).length <= 2; });
  }
  Search.prototype.done = function () { return !this.pending.length && !this.checked.length; };
  Search.prototype.page = function () {
    var self = this, shown = [];
    function step() {
      while (shown.length < PAGE && self.checked.length) {
        if (self.pending.length && ahead(self.pending[0], self.checked[0]) < 0) break;
        shown.push(self.checked.shift());
      }
      if (shown.length === PAGE || !self.pending.length) return Promise.resolve(shown);
      var batch = self.pending.splice(0, Math.min(PAGE, BATCH));
      return Promise.all(batch.map(function (c) { return documentOf(self.index, c.id); })).then(function (docs) {
        docs.forEach(function (doc, i) {
          doc.id = batch[i].id;
          doc.score = exactScore(doc.fields);
          if (doc.score > 0) self.checked.push(doc); else self.upperBound--;
        });
        self.checked.sort(ahead);
        return step();
      });
    }
    return step();
  };

  // The text with each word wrapped in <mark>, built as DOM nodes.
  function marked(text) {
    var fragment = document.createDocumentFragment();
    var lower = text.toLowerCase();
    var at = 0;
    while (at < text.length) {
      var next = -1, length = 0;
      for (var i = 0; i < words.length; i++) {
        var found = lower.indexOf(words[i], at);
        if (found !== -1 && (next === -1 || found < next)) { next = found; length = words[i].length; }
      }
      if (next === -1) break;
      fragment.appendChild(document.createTextNode(text.slice(at, next)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(next, next + length);
      fragment.appendChild(mark);
      at = next + length;
    }
    fragment.appendChild(document.createTextNode(text.slice(at)));
    return fragment;
  }

  // Where the body first holds a word, else the summary (else the body's start).
  function snippet(fields) {
    var body = fields[3], lower = body.toLowerCase(), first = -1;
    words.forEach(function (word) {
      var found = lower.indexOf(word);
      if (found !== -1 && (first === -1 || found < first)) first = found;
    });
    if (first === -1) return fields[2] || body.slice(0, SNIPPET_LENGTH);
    var start = Math.max(0, first - SNIPPET_BEFORE);
    var end = Math.min(body.length, start + SNIPPET_LENGTH);
    return (start > 0 ? "…" : "") + body.slice(start, end).replace(/\s+/g, " ") + (end < body.length ? "…" : "");
  }

  function card(doc) {
    var item = document.createElement("li");
    item.className = "card";
    var title = document.createElement("h2");
    title.className = "card-title";
    var link = document.createElement("a");
    link.href = doc.url;
    link.appendChild(marked(doc.fields[0]));
    title.appendChild(link);
    var text = document.createElement("p");
    text.className = "card-summary";
    text.appendChild(marked(snippet(doc.fields)));
    var meta = document.createElement("p");
    meta.className = "meta";
    var time = document.createElement("time");
    time.dateTime = doc.date;
    time.textContent = doc.date;
    meta.appendChild(time);
    if (doc.thumbnail) {
      var thumbnail = document.createElement("img");
      thumbnail.className = "card-cover";
      thumbnail.src = doc.thumbnail;
      thumbnail.alt = "";
      thumbnail.loading = "lazy";
      thumbnail.decoding = "async";
      thumbnail.referrerPolicy = "no-referrer";
      item.appendChild(thumbnail);
    }
    item.append(title, text, meta);
    return item;
  }

  var summary = document.createElement("p");
  summary.className = "muted";
  results.appendChild(summary);
  var list = document.createElement("ol");
  list.className = "search-hits";
  var more = document.createElement("button");
  more.type = "button";
  more.className = "search-more";
  more.textContent = results.dataset.more;
  more.hidden = true;

  // Exact once every candidate is checked (or when no word needs checking).
  function counted(search) {
    if (!search.upperBound) return results.dataset.none;
    var exact = search.exactCount || !search.pending.length;
    return (exact ? results.dataset.found : results.dataset.estimate).replace("{count}", search.upperBound);
  }

  function show(search) {
    more.disabled = true;
    return search.page().then(function (docs) {
      docs.forEach(function (doc) { list.appendChild(card(doc)); });
      summary.textContent = counted(search);
      more.hidden = search.done();
      more.disabled = false;
    });
  }

  load("index.json").then(function (index) {
    return candidates(index).then(function (pending) {
      var search = new Search(index, pending);
      results.append(list, more);
      more.addEventListener("click", function () { show(search).catch(failed); });
      return show(search);
    });
  }).catch(failed);

  function failed() {
    summary.textContent = results.dataset.failed;
    more.hidden = true;
  }
})();
