/* Familiar directory: instant search and filters over the site's own /search.json.
 *
 * No dependencies. The page already lists everyone (that is the JavaScript-off directory); this
 * script only hides the cards that do not match, and keeps the search and filters in the URL
 * (?q=...&interest=...&category=...&neighbourhood=...) so a filtered view can be shared and the
 * back button steps through earlier searches.
 */
(function () {
  "use strict";
  var finder = document.getElementById("finder");
  var list = document.getElementById("members");
  if (!finder || !list || !window.fetch || !window.URLSearchParams || !history.pushState) return;

  var FACETS = ["interest", "category", "neighbourhood"];
  var input = document.getElementById("q");
  var selects = {};
  FACETS.forEach(function (f) { selects[f] = document.getElementById("f-" + f); });
  var status = document.getElementById("result-count");
  var noResults = document.getElementById("no-results");
  var cards = Array.prototype.slice.call(list.querySelectorAll(".card[data-slug]"));
  var jump = document.querySelector(".jump");
  var bySlug = {};
  var typing = false; // the first keystroke of a search adds a history entry, the rest replace it

  // The same folding as text.fold in the build: lower case, accents off, so "zoe" finds "Zoë"
  // and "huong" finds "Hương". The index text is folded again here so that both sides agree
  // even where JavaScript strips a mark Python keeps (vowel signs in Indic scripts).
  var EXTRA = { "đ": "d", "ø": "o", "ł": "l", "ß": "ss", "ς": "σ", "ı": "i", "æ": "ae", "œ": "oe" };
  function fold(s) {
    return s
      .toLowerCase()
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .replace(/[đøłßςıæœ]/g, function (ch) { return EXTRA[ch]; })
      .replace(/\s+/g, " ")
      .trim();
  }

  function fillSelect(name, terms) {
    var select = selects[name];
    terms.forEach(function (t) {
      var option = document.createElement("option");
      option.value = t.slug;
      option.textContent = t.name + " (" + t.count + ")";
      select.appendChild(option);
    });
  }

  function current() {
    var s = { q: input.value };
    FACETS.forEach(function (f) { s[f] = selects[f].value; });
    return s;
  }

  function urlFor(s) {
    var params = new URLSearchParams();
    if (s.q.trim()) params.set("q", s.q.trim());
    FACETS.forEach(function (f) { if (s[f]) params.set(f, s[f]); });
    var qs = params.toString();
    return location.pathname + (qs ? "?" + qs : "");
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    FACETS.forEach(function (f) {
      var select = selects[f];
      select.value = params.get(f) || "";
      if (select.selectedIndex < 0) select.value = ""; // a filter value this site does not have
    });
  }

  function matches(entry, words, s) {
    if (!entry) return false;
    for (var i = 0; i < words.length; i++) {
      if (entry.folded.indexOf(words[i]) === -1) return false;
    }
    return (
      (!s.interest || entry.interests.indexOf(s.interest) !== -1) &&
      (!s.category || entry.category === s.category) &&
      (!s.neighbourhood || entry.neighbourhood === s.neighbourhood)
    );
  }

  function apply() {
    var s = current();
    var q = fold(s.q);
    var words = q ? q.split(" ") : [];
    var filtering = words.length > 0 || FACETS.some(function (f) { return s[f]; });
    var shown = 0;
    cards.forEach(function (card) {
      var ok = !filtering || matches(bySlug[card.getAttribute("data-slug")], words, s);
      card.hidden = !ok;
      if (ok) shown++;
    });
    // a filtered list is short, and the letter it would jump to may be on a hidden card
    if (jump) jump.hidden = filtering;
    var total = cards.length;
    status.textContent = filtering
      ? shown + " of " + total + (total === 1 ? " member" : " members") + " shown"
      : total + (total === 1 ? " member" : " members");
    noResults.hidden = shown > 0;
  }

  function record(push) {
    var url = urlFor(current());
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  input.addEventListener("input", function () {
    apply();
    record(!typing);
    typing = true;
  });
  FACETS.forEach(function (f) {
    selects[f].addEventListener("change", function () {
      typing = false;
      apply();
      record(true);
    });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") typing = false; // the list is already up to date: Enter ends a search
  });
  document.getElementById("clear").addEventListener("click", function () {
    input.value = "";
    FACETS.forEach(function (f) { selects[f].value = ""; });
    typing = false;
    apply();
    record(true);
    input.focus();
  });
  window.addEventListener("popstate", function () {
    typing = false;
    readUrl();
    apply();
  });

  fetch(finder.getAttribute("data-index"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("search index: HTTP " + response.status);
      return response.json();
    })
    .then(function (index) {
      index.members.forEach(function (m) {
        m.folded = fold(m.text);
        bySlug[m.slug] = m;
      });
      FACETS.forEach(function (f) { fillSelect(f, index.facets[f] || []); });
      readUrl();
      apply();
      finder.hidden = false;
    })
    .catch(function (error) {
      // Without the index the page stays as it is without JavaScript: everyone, and links to
      // the static interest, business and neighbourhood pages.
      if (window.console) console.warn(error);
    });
})();
