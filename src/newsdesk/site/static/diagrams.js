// Diagrams of ```mermaid, ```flow (flowchart.js) and ```sequence (js-sequence-diagrams)
// fences, drawn by the site's own copy of mermaid; loaded only by pages that have one.
// Without script, or when a diagram cannot be drawn, its source stays as code.
(function () {
  "use strict";
  var LANGUAGES = ["mermaid", "flow", "sequence"];
  var selector = LANGUAGES.map(function (lang) {
    return '.post-body .highlight[data-lang="' + lang + '"]';
  }).join(", ");
  var blocks = Array.prototype.slice.call(document.querySelectorAll(selector));
  if (!blocks.length || !window.mermaid) return;

  // flowchart.js: `id=>type: text` nodes, then `a->b(right)->c`, `cond(yes)->d` edges.
  var SHAPES = {
    start: ["([", "])"], end: ["([", "])"], operation: ["[", "]"],
    inputoutput: ["[/", "/]"], subroutine: ["[[", "]]"], condition: ["{", "}"],
    parallel: ["[", "]"]
  };
  function quoted(text) {
    return '"' + text.replace(/"/g, "#quot;") + '"';
  }
  function fromFlow(source) {
    var lines = ["flowchart TD"];
    source.split("\n").forEach(function (line) {
      var node = /^\s*([\w-]+)=>(\w+):\s*(.*?)(?::>.*)?$/.exec(line);
      if (node) {
        var shape = SHAPES[node[2]] || SHAPES.operation;
        lines.push("  " + node[1] + shape[0] + quoted(node[3].split("|")[0]) + shape[1]);
        return;
      }
      if (line.indexOf("->") < 0) return;
      var steps = line.trim().split("->").map(function (step) {
        var parts = /^([\w-]+)(?:\(([^)]*)\))?$/.exec(step.trim());
        return parts ? { id: parts[1], branch: (parts[2] || "").split(",")[0].trim() } : null;
      });
      for (var i = 0; i + 1 < steps.length; i++) {
        if (!steps[i] || !steps[i + 1]) continue;
        var branch = /^(yes|no)$/.test(steps[i].branch) ? "|" + steps[i].branch + "|" : "";
        lines.push("  " + steps[i].id + " -->" + branch + " " + steps[i + 1].id);
      }
    });
    return lines.join("\n");
  }

  // js-sequence-diagrams arrows onto mermaid's: `->` solid, `-->` dashed, each with a
  // filled head, and `->>`, `-->>` with an open one.
  var ARROWS = { "->": "->>", "-->": "-->>", "->>": "-)", "-->>": "--)" };
  function fromSequence(source) {
    var lines = ["sequenceDiagram"];
    source.split("\n").forEach(function (line) {
      var title = /^\s*title\s*:\s*(.*)$/i.exec(line);
      var message = /^\s*([^-:>]+?)\s*(-->>|->>|-->|->)\s*([^:]+?)\s*:(.*)$/.exec(line);
      if (title) {
        lines.push("  title " + title[1]);
      } else if (message) {
        lines.push("  " + message[1] + ARROWS[message[2]] + message[3] + ":" + message[4]);
      } else if (line.trim()) {
        lines.push("  " + line.trim());
      }
    });
    return lines.join("\n");
  }

  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    suppressErrorRendering: true,
    theme: dark ? "dark" : "default"
  });
  var figures = blocks.map(function (block) {
    var code = block.querySelector("code");
    var source = code ? code.textContent : "";
    var lang = block.getAttribute("data-lang");
    var figure = document.createElement("div");
    figure.className = "diagram";
    figure.textContent =
      lang === "flow" ? fromFlow(source) : lang === "sequence" ? fromSequence(source) : source;
    block.parentNode.insertBefore(figure, block);
    return figure;
  });
  window.mermaid.run({ nodes: figures, suppressErrors: true }).then(function () {
    figures.forEach(function (figure, index) {
      if (figure.querySelector("svg")) {
        blocks[index].hidden = true;
      } else {
        figure.remove();
      }
    });
  });
})();
