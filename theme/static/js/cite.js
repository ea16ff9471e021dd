// "Cite this article": a Copy button beside each citation. The citations are plain text in
// <pre> elements and can be selected without this script; it only saves the selecting.
(function () {
  "use strict";

  function selectText(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(element, status) {
    const text = element.textContent;
    const done = function () { status.textContent = "Copied."; };
    const fallback = function () {
      selectText(element);
      status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  for (const text of document.querySelectorAll(".cite__text")) {
    const section = text.closest("section");
    const label = section && section.querySelector("h3");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cite__copy";
    button.textContent = "Copy" + (label ? " " + label.textContent : "");
    const status = document.createElement("span");
    status.className = "cite__status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () { copy(text, status); });
    text.after(button, status);
  }
})();
