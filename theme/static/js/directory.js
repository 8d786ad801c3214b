/* Familiar directory: instant search and filters over the site's own /search.json.
 *
 * No dependencies. Without a search or filter the page shows as the build wrote it (on a long
 * directory that is one page of many, with links to the others). A search or filter covers the
 * whole directory: the matching members are drawn from the index, cards already on this page are
 * reused and the others are built from the index entries, a batch at a time ("Show more"), so a
 * one-letter search does not create thousands of nodes. Cards are built with createElement,
 * textContent and setAttribute only: names are data, never markup.
 *
 * The index is fetched when someone starts to use the search form, when the URL already names a
 * search, or once the page is idle; never before the first render. Search and filters live in
 * the URL (?q=...&interest=...&category=...&neighbourhood=...) so a filtered view can be shared
 * and the back button steps through earlier searches.
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
  var more = document.getElementById("more");
  var moreBox = more ? more.parentNode : null;
  var pager = document.getElementById("pager");
  var jump = document.querySelector(".jump");
  var batch = parseInt(finder.getAttribute("data-batch"), 10) || 120;

  // this page's own cards, in order, to put back when the search is cleared
  var pageCards = Array.prototype.slice.call(list.children);
  var onPage = {};
  pageCards.forEach(function (card) { onPage[card.getAttribute("data-slug")] = card; });

  var index = null; // the loaded /search.json
  var loading = null; // its promise, once asked for
  var termNames = { interest: {}, category: {}, neighbourhood: {} };
  var built = {}; // slug -> card built from the index (kept: a search often comes back)
  var results = []; // entries matching the current search
  var rendered = 0; // how many of them are in the list
  var filtered = false; // is the list showing search results (not this page's own cards)?
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
      termNames[name][t.slug] = t.name;
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
    for (var i = 0; i < words.length; i++) {
      if (entry.folded.indexOf(words[i]) === -1) return false;
    }
    return (
      (!s.interest || (entry.interests || []).indexOf(s.interest) !== -1) &&
      (!s.category || entry.category === s.category) &&
      (!s.neighbourhood || entry.neighbourhood === s.neighbourhood)
    );
  }

  // --- result cards, as the `card` macro in _macros.html writes them --------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function photo(entry) {
    if (entry.photo) {
      var picture = el("picture");
      var source = el("source");
      source.setAttribute("type", "image/webp");
      source.setAttribute("srcset", index.root + entry.photo + ".webp");
      var img = el("img", "photo u-photo");
      img.setAttribute("src", index.root + entry.photo + ".jpg");
      img.setAttribute("width", "96");
      img.setAttribute("height", "96");
      img.setAttribute("alt", entry.alt || entry.name);
      img.setAttribute("loading", "lazy");
      img.setAttribute("decoding", "async");
      picture.appendChild(source);
      picture.appendChild(img);
      return picture;
    }
    var placeholder = el("span", "photo placeholder");
    placeholder.setAttribute("role", "img");
    placeholder.setAttribute("aria-label", entry.name);
    placeholder.style.setProperty("--ph", entry.ph || "#555");
    placeholder.style.setProperty("--size", "96px");
    var initials = el("span", "", entry.initials || "");
    initials.setAttribute("aria-hidden", "true");
    initials.setAttribute("dir", "auto");
    placeholder.appendChild(initials);
    return placeholder;
  }

  function buildCard(entry) {
    var card = el("li", "card h-card");
    card.setAttribute("data-slug", entry.slug);
    var link = el("a", "card-link u-url u-uid");
    link.setAttribute("href", index.root + "members/" + encodeURIComponent(entry.slug) + "/");
    link.appendChild(photo(entry));
    var name = el("span", "card-name p-name", entry.name);
    name.setAttribute("dir", "auto");
    link.appendChild(name);
    card.appendChild(link);
    if (entry.business) {
      var business = el("span", "card-business p-org", entry.business);
      business.setAttribute("dir", "auto");
      card.appendChild(business);
    }
    var category = termNames.category[entry.category];
    var hood = termNames.neighbourhood[entry.neighbourhood];
    if (category || hood) {
      var line = el("span", "card-category");
      [category, hood].forEach(function (text, i) {
        if (!text) return;
        if (i === 1 && category) line.appendChild(document.createTextNode(" · "));
        var part = el("span", "", text);
        part.setAttribute("dir", "auto");
        line.appendChild(part);
      });
      card.appendChild(line);
    }
    var interests = (entry.interests || []).filter(function (s) { return termNames.interest[s]; });
    if (interests.length) {
      var tags = el("ul", "tags");
      tags.setAttribute("aria-label", "Interests");
      interests.forEach(function (s) {
        var tag = el("li", "", termNames.interest[s]);
        tag.setAttribute("dir", "auto");
        tags.appendChild(tag);
      });
      card.appendChild(tags);
    }
    return card;
  }

  function cardFor(entry) {
    return onPage[entry.slug] || built[entry.slug] || (built[entry.slug] = buildCard(entry));
  }

  // --- showing a search ---------------------------------------------------------------------

  function plural(n) { return n + (n === 1 ? " member" : " members"); }

  function showStatus() {
    var total = index.members.length;
    if (!filtered) {
      status.textContent = plural(total);
    } else {
      status.textContent =
        results.length + " of " + plural(total) + " match" +
        (rendered < results.length ? "; showing the first " + rendered : "");
    }
  }

  function showMore() {
    var end = Math.min(results.length, rendered + batch);
    var fragment = document.createDocumentFragment();
    var first = null;
    for (var i = rendered; i < end; i++) {
      var card = cardFor(results[i]);
      card.hidden = false;
      if (!first) first = card;
      fragment.appendChild(card);
    }
    list.appendChild(fragment);
    rendered = end;
    if (moreBox) {
      moreBox.hidden = rendered >= results.length;
      more.textContent = "Show more (" + (results.length - rendered) + " left)";
    }
    return first;
  }

  function apply() {
    var s = current();
    var q = fold(s.q);
    var words = q ? q.split(" ") : [];
    var filtering = words.length > 0 || FACETS.some(function (f) { return s[f]; });
    // The page's own cards are left alone unless a search replaces them: the index often
    // arrives while someone is reading or scrolling, and a jump-bar link is a history entry too.
    if (filtering || filtered) {
      list.textContent = ""; // removes cards only; the page's own cards are kept in pageCards
      rendered = 0;
    }
    if (filtering) {
      results = index.members.filter(function (entry) { return matches(entry, words, s); });
      filtered = true;
      showMore();
    } else if (filtered) {
      results = [];
      filtered = false;
      pageCards.forEach(function (card) { list.appendChild(card); });
      if (moreBox) moreBox.hidden = true;
    }
    list.classList.toggle("results", filtering);
    // the letters and pages belong to the full directory, not to a list of matches
    if (jump) jump.hidden = filtering;
    if (pager) pager.hidden = filtering;
    noResults.hidden = !filtering || results.length > 0;
    showStatus();
  }

  function record(push) {
    var url = urlFor(current());
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  // --- the index, loaded when needed --------------------------------------------------------

  function load() {
    if (loading) return loading;
    loading = fetch(finder.getAttribute("data-index"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("search index: HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        index = data;
        FACETS.forEach(function (f) { fillSelect(f, data.facets[f] || []); });
        // what search matches: the entry's text and the names of its terms (not repeated in
        // every entry of the index, see search.py)
        data.members.forEach(function (m) {
          var terms = [termNames.category[m.category], termNames.neighbourhood[m.neighbourhood]];
          (m.interests || []).forEach(function (s) { terms.push(termNames.interest[s]); });
          m.folded = fold(m.text + " " + terms.filter(Boolean).join(" "));
        });
        var typed = input.value;
        readUrl(); // the filters named in the URL exist now
        if (typed) input.value = typed; // someone typed while the index was on its way
        apply();
        finder.setAttribute("data-state", "ready");
      })
      .catch(function (error) {
        // Without the index the page stays as it is without JavaScript: this page of members,
        // links to the others, and to the static interest, business and neighbourhood pages.
        finder.hidden = true;
        if (window.console) console.warn(error);
      });
    return loading;
  }

  function whenReady(fn) {
    return function () {
      var args = arguments;
      if (index) return fn.apply(null, args);
      load().then(function () { if (index) fn.apply(null, args); });
    };
  }

  input.addEventListener("input", whenReady(function () {
    apply();
    record(!typing);
    typing = true;
  }));
  FACETS.forEach(function (f) {
    selects[f].addEventListener("change", whenReady(function () {
      typing = false;
      apply();
      record(true);
    }));
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") typing = false; // the list is already up to date: Enter ends a search
  });
  document.getElementById("clear").addEventListener("click", whenReady(function () {
    input.value = "";
    FACETS.forEach(function (f) { selects[f].value = ""; });
    typing = false;
    apply();
    record(true);
    input.focus();
  }));
  if (more) {
    more.addEventListener("click", function () {
      var first = showMore();
      showStatus();
      // keyboard users continue from the first new card, not from the top of the page
      var link = first && first.querySelector("a");
      if (link) link.focus();
    });
  }
  window.addEventListener("popstate", whenReady(function () {
    typing = false;
    readUrl();
    apply();
  }));
  finder.addEventListener("focusin", function () { load(); });
  finder.addEventListener("pointerdown", function () { load(); });

  // The form shows at once (no jump in the layout later); the index follows when asked for,
  // straight away if the URL names a search, else once the page has loaded and is idle.
  finder.setAttribute("data-state", "loading");
  finder.hidden = false;
  var initial = new URLSearchParams(location.search);
  input.value = initial.get("q") || "";
  if (initial.get("q") || FACETS.some(function (f) { return initial.get(f); })) {
    load();
  } else {
    var idle = function () {
      if (window.requestIdleCallback) window.requestIdleCallback(load, { timeout: 2000 });
      else setTimeout(load, 200);
    };
    if (document.readyState === "complete") idle();
    else window.addEventListener("load", idle);
  }
})();
