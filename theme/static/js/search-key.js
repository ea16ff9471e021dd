/* "/" focuses the search box on every page (the page's own box on search.html). */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var box = document.getElementById("search-query") || document.getElementById("search-box");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
