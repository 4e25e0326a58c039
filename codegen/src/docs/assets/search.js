// eventsmith docs: the home page's search over window.EVENTSMITH_SEARCH
// (search-index.js). Results are built with textContent only: nothing from
// the index is ever parsed as HTML.
(function () {
  "use strict";
  var index = window.EVENTSMITH_SEARCH || [];
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) return;
  var LIMIT = 50;
  var haystacks = index.map(function (e) {
    return (e[1] + " " + e[2] + " " + e[4]).toLowerCase();
  });

  function score(entry, hay, terms, query) {
    var title = entry[1].toLowerCase();
    for (var i = 0; i < terms.length; i++) {
      if (hay.indexOf(terms[i]) < 0) return -1;
    }
    var last = title.split(".").pop();
    if (title === query || last === query) return 0;
    if (title.indexOf(query) === 0 || last.indexOf(query) === 0) return 1;
    if (title.indexOf(query) >= 0) return 2;
    return 3;
  }

  function render(query) {
    while (list.firstChild) list.removeChild(list.firstChild);
    var q = query.trim().toLowerCase();
    if (!q) {
      status.textContent = "";
      return;
    }
    var terms = q.split(/\s+/);
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], haystacks[i], terms, q);
      if (s >= 0) found.push([s, i]);
    }
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    status.textContent = found.length === 0
      ? "Nothing found for \u201c" + query.trim() + "\u201d."
      : found.length + (found.length === 1 ? " result" : " results") +
        (found.length > LIMIT ? ", the first " + LIMIT + " shown." : ".");
    found.slice(0, LIMIT).forEach(function (f) {
      var e = index[f[1]];
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e[0];
      var a = document.createElement("a");
      a.href = e[3];
      var code = document.createElement("code");
      code.textContent = e[1];
      a.appendChild(code);
      var context = document.createElement("span");
      context.className = "context";
      context.textContent = " in " + e[2];
      li.appendChild(kind);
      li.appendChild(a);
      li.appendChild(context);
      if (e[4]) {
        var text = document.createElement("span");
        text.className = "text";
        text.textContent = e[4];
        li.appendChild(text);
      }
      list.appendChild(li);
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { render(input.value); }, 80);
  });
  // The header form of every page sends its query here as ?q=.
  var params = new URLSearchParams(window.location.search);
  var q = params.get("q");
  if (q) {
    input.value = q;
    var header = document.getElementById("q");
    if (header) header.value = q;
    render(q);
    input.focus();
  }
})();
