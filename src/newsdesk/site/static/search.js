// Static site search: substring matching over a prebuilt index, so a Chinese query
// of any length finds every article whose title, tags or summary contains it.
(function () {
  "use strict";
  var results = document.getElementById("search-results");
  var input = document.getElementById("search-query");
  if (!results || !input) return;
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  var words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return;
  var WEIGHTS = { title: 10, tags: 5, category: 3, headings: 2, summary: 1 };

  function score(doc) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var hit = 0;
      for (var field in WEIGHTS) {
        if (doc[field].toLowerCase().indexOf(words[i]) !== -1) hit += WEIGHTS[field];
      }
      if (!hit) return 0;
      total += hit;
    }
    return total;
  }

  // Matches wrapped in <mark>, built as DOM nodes: index text is never parsed as HTML.
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

  fetch(results.dataset.index).then(function (response) { return response.json(); }).then(function (index) {
    var docs = index.rows.map(function (row) {
      var doc = {};
      index.fields.forEach(function (name, i) { doc[name] = row[i]; });
      doc.score = score(doc);
      return doc;
    }).filter(function (doc) { return doc.score > 0; });
    docs.sort(function (a, b) { return b.score - a.score || (a.published < b.published ? 1 : -1); });
    var summary = document.createElement("p");
    summary.className = "muted";
    summary.textContent = docs.length
      ? results.dataset.found.replace("{count}", docs.length)
      : results.dataset.none;
    results.appendChild(summary);
    var list = document.createElement("ol");
    list.className = "search-hits";
    docs.slice(0, 100).forEach(function (doc) {
      var item = document.createElement("li");
      item.className = "card";
      var title = document.createElement("h2");
      title.className = "card-title";
      var link = document.createElement("a");
      link.href = doc.url;
      link.appendChild(marked(doc.title));
      title.appendChild(link);
      var text = document.createElement("p");
      text.className = "card-summary";
      text.appendChild(marked(doc.summary));
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = doc.published + (doc.category ? " · " + doc.category : "");
      item.append(title, text, meta);
      list.appendChild(item);
    });
    results.appendChild(list);
  });
})();
