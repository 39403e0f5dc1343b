// Rewind site: theme toggle, snippet tools (hidden lines, copy), prev/next keys and the static search.
// Everything here is optional: the pages read fine without JavaScript. No request leaves the site.
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  var html = document.documentElement;

  // Theme: follows prefers-color-scheme until the reader picks one; the choice is kept in localStorage.
  function effectiveTheme() {
    var chosen = html.getAttribute("data-theme");
    if (chosen) return chosen;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = effectiveTheme() === "dark" ? "light" : "dark";
      html.setAttribute("data-theme", next);
      try { localStorage.setItem("rewind-theme", next); } catch (e) { /* storage may be disabled */ }
    });
  }

  // Phones: the sidebar opens and closes with the menu button.
  var menu = document.getElementById("menu-toggle");
  if (menu) {
    menu.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
      menu.setAttribute("aria-label", open ? "Hide the list of pages" : "Show the list of pages");
    });
  }

  // Snippets: the text a reader sees (hidden lines only when revealed), the toggle and the copy button.
  // With apiOnly, the lab's verification lines (class "check") are left out too.
  function visibleCode(figure, apiOnly) {
    var showHidden = figure.classList.contains("show-hidden");
    // The API code is computed where the guide is parsed (the set-up's values named, the lab's stand-ins respelled).
    if (apiOnly && figure.dataset.api !== undefined) return showHidden ? figure.dataset.apiAll : figure.dataset.api;
    var lines = figure.querySelectorAll("pre code .line");
    var text = "";
    for (var i = 0; i < lines.length; i++) {
      if (!showHidden && lines[i].classList.contains("hidden")) continue;
      if (apiOnly && (lines[i].classList.contains("check") || lines[i].classList.contains("fixture"))) continue;
      text += lines[i].textContent;
    }
    return text;
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }
  document.querySelectorAll("figure.snippet").forEach(function (figure) {
    var button = figure.querySelector("button.toggle-hidden");
    if (button) {
      var count = button.getAttribute("data-count");
      var noun = count === "1" ? "line" : "lines";
      button.addEventListener("click", function () {
        var shown = figure.classList.toggle("show-hidden");
        button.setAttribute("aria-pressed", shown ? "true" : "false");
        button.textContent = (shown ? "Hide " : "Show ") + count + " hidden " + noun;
      });
    }
    [["button.copy", false, "Copy"], ["button.copy-api", true, "Copy API code"]].forEach(function (spec) {
      var copy = figure.querySelector(spec[0]);
      if (!copy) return;
      var label = copy.textContent;
      copy.addEventListener("click", function () {
        copyText(visibleCode(figure, spec[1])).then(function () {
          copy.textContent = "Copied";
        }, function () {
          copy.textContent = "Copy failed";
        });
        setTimeout(function () { copy.textContent = label; }, 1600);
      });
    });
  });

  // Previous and next page with the arrow keys (not while typing, not with modifiers).
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing) {
      var box = document.getElementById("search");
      if (box) { event.preventDefault(); box.focus(); }
      return;
    }
    if (typing) return;
    // Arrow keys scroll code blocks and wide tables: never leave the page from inside one (the key's
    // target, or where the reader clicked or selected text).
    var selection = window.getSelection ? window.getSelection() : null;
    if (insideScrollable(target) || insideScrollable(lastPointer) ||
        (selection && insideScrollable(selection.focusNode))) return;
    var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : null;
    if (!rel) return;
    var link = document.querySelector('link[rel="' + rel + '"]');
    if (link) { window.location.href = link.href; }
  });

  function insideScrollable(node) {
    for (var el = node && node.nodeType === 3 ? node.parentElement : node; el && el !== document.body; el = el.parentElement) {
      if (el.tagName === "PRE" || el.tagName === "TABLE") return true;
      if (el.scrollWidth > el.clientWidth + 1) {
        var overflow = window.getComputedStyle(el).overflowX;
        if (overflow === "auto" || overflow === "scroll") return true;
      }
    }
    return false;
  }
  // Where the reader last clicked: a click into a code block or table makes it the place the keys act on.
  var lastPointer = null;
  document.addEventListener("mousedown", function (event) { lastPointer = event.target; });

  // Search: the index is built with the site; it is loaded (as a script, so file:// works too) on first use.
  var index = null;
  var loading = null;
  function loadIndex() {
    if (index) return Promise.resolve(index);
    if (window.rewindSearchIndex) { index = window.rewindSearchIndex; return Promise.resolve(index); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root + "search-index.js";
        script.onload = function () { index = window.rewindSearchIndex; resolve(index); };
        script.onerror = function () { reject(new Error("cannot load the search index")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }
  var stopWords = { the: 1, and: 1, of: 1, to: 1, "in": 1, is: 1, it: 1, a: 1, an: 1, that: 1, "for": 1, on: 1,
    "with": 1, as: 1, be: 1, by: 1, "this": 1, are: 1, or: 1, at: 1, from: 1, its: 1, was: 1, can: 1, "if": 1,
    not: 1, but: 1, so: 1, "do": 1, no: 1 };
  function tokenize(text) {
    var words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) || [];
    return words.filter(function (w) { return w.length >= 2 && !stopWords[w]; });
  }
  // Words and their camel-case and underscore parts, as SearchIndex.tokenize makes them for titles.
  function tokenizeAll(text) {
    var out = [];
    (text.match(/[\p{L}\p{N}_]+/gu) || []).forEach(function (word) {
      var lower = word.toLowerCase();
      if (lower.length >= 2 && !stopWords[lower]) out.push(lower);
      var parts = word.split("_").reduce(function (acc, piece) {
        return acc.concat(piece.split(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})/u));
      }, []).filter(function (p) { return p.length > 0; });
      if (parts.length > 1) {
        parts.forEach(function (p) { var lp = p.toLowerCase(); if (lp.length >= 2 && !stopWords[lp]) out.push(lp); });
      }
    });
    return out;
  }
  function search(query) {
    if (!index) return [];
    var words = tokenize(query);
    if (!words.length) return [];
    var result = null;
    words.forEach(function (word, n) {
      var hits = {};
      (index.tokens[word] || []).forEach(function (s) { hits[s] = 1; });
      if (n === words.length - 1 && word.length >= 2) {
        for (var key in index.tokens) {
          if (key.length > word.length && key.lastIndexOf(word, 0) === 0) {
            index.tokens[key].forEach(function (s) { hits[s] = 1; });
          }
        }
      }
      if (result === null) { result = hits; } else {
        var both = {};
        for (var s in result) { if (hits[s]) both[s] = 1; }
        result = both;
      }
    });
    var list = Object.keys(result || {}).map(Number);
    // Ranking (the same as SearchIndex.score in Swift): a word in the page's title counts most, then in the
    // section's title, then in its text; a page's top section gets one more.
    var titleWords = {};
    function wordsOf(text) {
      if (!titleWords[text]) {
        var set = {};
        tokenizeAll(text).forEach(function (w) { set[w] = 1; });
        titleWords[text] = set;
      }
      return titleWords[text];
    }
    function score(s) {
      var section = index.sections[s];
      var pageTitle = wordsOf(index.pages[section[0]][0]);
      var sectionTitle = wordsOf(section[2]);
      var total = section[1] ? 0 : 1;
      words.forEach(function (word, n) {
        if ((index.tokens[word] || []).indexOf(s) >= 0) { total += 2; } else if (n === words.length - 1) { total += 1; }
        if (pageTitle[word]) total += 8;
        if (sectionTitle[word]) total += 4;
      });
      return total;
    }
    var scored = {};
    list.forEach(function (s) { scored[s] = score(s); });
    list.sort(function (a, b) { return (scored[b] - scored[a]) || (a - b); });
    return list.slice(0, 20).map(function (s) {
      var section = index.sections[s];
      var page = index.pages[section[0]];
      return { url: root + page[1] + (section[1] ? "#" + encodeURIComponent(section[1]) : ""), page: page[0], title: section[2],
               excerpt: section[3] || "" };
    });
  }
  var box = document.getElementById("search");
  var panel = document.getElementById("search-results");
  function render(results, query) {
    panel.textContent = "";
    if (!query.trim()) { panel.hidden = true; return; }
    if (!results.length) {
      var empty = document.createElement("div");
      empty.className = "sr-empty";
      empty.textContent = "No match for “" + query + "”";
      panel.appendChild(empty);
    }
    results.forEach(function (r, i) {
      var a = document.createElement("a");
      a.href = r.url;
      a.id = "search-result-" + i;
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", i === 0 ? "true" : "false");
      if (i === 0) a.className = "active";
      var title = document.createElement("div");
      title.className = "sr-title";
      title.textContent = r.title;
      var page = document.createElement("div");
      page.className = "sr-page";
      page.textContent = r.page;
      a.appendChild(title);
      a.appendChild(page);
      if (r.excerpt) {
        var excerpt = document.createElement("div");
        excerpt.className = "sr-excerpt";
        highlight(excerpt, r.excerpt, query);
        a.appendChild(excerpt);
      }
      panel.appendChild(a);
    });
    panel.hidden = false;
    setActive(results.length ? panel.querySelector("a") : null);
  }
  // The excerpt as text, with the query's words marked.
  function highlight(element, text, query) {
    var words = tokenize(query).map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (!words.length) { element.textContent = text; return; }
    var pattern = new RegExp("(" + words.join("|") + ")", "giu");
    var last = 0;
    text.replace(pattern, function (match, _group, offset) {
      element.appendChild(document.createTextNode(text.slice(last, offset)));
      var mark = document.createElement("mark");
      mark.textContent = match;
      element.appendChild(mark);
      last = offset + match.length;
      return match;
    });
    element.appendChild(document.createTextNode(text.slice(last)));
  }
  // The combobox's state for screen readers: expanded or not, and which option is active.
  function setActive(option) {
    if (!box) return;
    box.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
    panel.querySelectorAll("a").forEach(function (a) {
      a.classList.toggle("active", a === option);
      a.setAttribute("aria-selected", a === option ? "true" : "false");
    });
    if (option) { box.setAttribute("aria-activedescendant", option.id); } else { box.removeAttribute("aria-activedescendant"); }
  }
  if (box && panel) {
    var run = function () {
      var query = box.value;
      loadIndex().then(function () { render(search(query), query); }, function () { render([], query); });
    };
    box.addEventListener("focus", function () { loadIndex().catch(function () {}); });
    box.addEventListener("input", run);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { box.value = ""; panel.hidden = true; setActive(null); return; }
      var links = panel.querySelectorAll("a");
      var active = panel.querySelector("a.active");
      var i = Array.prototype.indexOf.call(links, active);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!links.length) return;
        i = event.key === "ArrowDown" ? Math.min(i + 1, links.length - 1) : Math.max(i - 1, 0);
        setActive(links[i]);
        links[i].scrollIntoView({ block: "nearest" });
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (active) window.location.href = active.href;
      }
    });
    box.form.addEventListener("submit", function (event) { event.preventDefault(); });
    document.addEventListener("click", function (event) {
      if (!box.form.contains(event.target)) { panel.hidden = true; setActive(null); }
    });
  }

  // The conformance matrix: a text filter and "only claims that differ between versions".
  var filter = document.getElementById("matrix-filter");
  var differs = document.getElementById("matrix-differs");
  if (filter && differs) {
    var applyFilter = function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0, rows = document.querySelectorAll("table.matrix tr.claim-row");
      rows.forEach(function (row) {
        var text = row.querySelector("td.claim").textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
                 (!differs.checked || row.getAttribute("data-differs") === "true");
        row.hidden = !ok;
        if (ok) shown++;
      });
      document.querySelectorAll("table.matrix tbody").forEach(function (body) {
        body.hidden = !body.querySelector("tr.claim-row:not([hidden])");
      });
      var count = document.getElementById("matrix-count");
      if (count) count.textContent = shown + " of " + rows.length + " claims";
    };
    filter.addEventListener("input", applyFilter);
    differs.addEventListener("change", applyFilter);
  }

  // The compatibility table: a text filter, a verdict filter, and sorting by claim or by a build's verdicts.
  var compat = document.querySelector("table.compat");
  if (compat) {
    var compatBody = compat.tBodies[0];
    var compatRows = Array.prototype.slice.call(compatBody.rows);
    var compatText = document.getElementById("compat-filter");
    var compatVerdict = document.getElementById("compat-verdict");
    var applyCompat = function () {
      var words = compatText.value.toLowerCase().split(/\s+/).filter(function (w) { return w; });
      var wanted = compatVerdict.value;
      var shown = 0;
      compatRows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        if (ok && wanted === "differs") ok = row.dataset.differs === "true";
        else if (ok && wanted === "contradicted") ok = row.dataset.contradicted === "true";
        else if (ok && wanted) ok = (" " + row.dataset.verdicts + " ").indexOf(" " + wanted + " ") >= 0;
        row.hidden = !ok;
        if (ok) shown++;
      });
      document.getElementById("compat-count").textContent = shown + " of " + compatRows.length + " claims";
    };
    compatText.addEventListener("input", applyCompat);
    compatVerdict.addEventListener("change", applyCompat);
    compat.querySelectorAll("thead button[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () {
        var column = Number(button.dataset.sort);
        var descending = button.getAttribute("aria-sort") === "ascending";
        compat.querySelectorAll("thead button[data-sort]").forEach(function (b) { b.removeAttribute("aria-sort"); });
        button.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var key = function (row) {
          var cell = row.cells[column];
          return column === 0 ? row.dataset.claim : (cell.dataset.rank || "9") + " " + row.dataset.claim;
        };
        compatRows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1); });
        compatRows.forEach(function (row) { compatBody.appendChild(row); });
      });
    });
  }

  // For tools and the browser test.
  window.rewindSite = {
    visibleCode: visibleCode,
    theme: effectiveTheme,
    search: function (query) { return loadIndex().then(function () { return search(query); }); }
  };
})();
