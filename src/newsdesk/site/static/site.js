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
