// Progressive enhancements; every page works without this script.
(function () {
  "use strict";
  var body = document.body;

  // A copy button on every highlighted code block.
  document.querySelectorAll(".post-body .highlight").forEach(function (block) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = body.dataset.copy || "Copy";
    button.addEventListener("click", function () {
      var code = block.querySelector("code");
      navigator.clipboard.writeText(code ? code.textContent : "").then(function () {
        button.textContent = body.dataset.copied || "Copied";
        setTimeout(function () { button.textContent = body.dataset.copy || "Copy"; }, 1500);
      });
    });
    block.appendChild(button);
  });
})();

// The view beacon: counted by the server once per visitor and window when it carries
// a proof that the page was viewed. A served page has one in it; a statically built
// page first asks the counting server for one. The page shows the new count when one
// comes back.
(function () {
  "use strict";
  // As the server formats it (Locale.number): 万 from ten thousand in Chinese.
  function formatCount(value) {
    if (document.documentElement.lang === "zh-CN" && value >= 10000) {
      return (value / 10000).toFixed(1).replace(/\.0$/, "") + "万";
    }
    return value.toLocaleString("en");
  }
  function json(response) { return response.ok ? response.json() : null; }
  var views = document.querySelector(".views[data-beacon]");
  if (!views || !window.fetch) return;
  var beacon = views.dataset.beacon;
  var token = views.dataset.token
    ? Promise.resolve(views.dataset.token)
    : fetch(beacon + "/token", { credentials: "omit" }).then(json).then(function (data) {
        return data && data.token;
      });
  token
    .then(function (value) {
      if (!value) return null;
      var url = beacon + "?token=" + encodeURIComponent(value);
      return fetch(url, { method: "POST", keepalive: true, credentials: "omit" }).then(json);
    })
    .then(function (data) {
      if (!data || typeof data.views !== "number") return;
      var text = document.body.dataset.viewsText || "{views}";
      views.dataset.views = String(data.views);
      views.textContent = text.replace("{views}", formatCount(data.views));
    })
    .catch(function () { /* a count missed is not worth an error */ });
})();

// Live reload (newsdesk serve --dev): the server says when the site changed.
(function () {
  "use strict";
  var url = document.body.dataset.live;
  if (!url || !window.EventSource) return;
  // The server ends the stream after a change; reloading only then, and not while
  // the stream is open, leaves no request cut off by the unload.
  var changed = false;
  var source = new EventSource(url);
  source.addEventListener("change", function () { changed = true; });
  source.addEventListener("error", function () {
    if (!changed) return;
    source.close();
    window.location.reload();
  });
})();
