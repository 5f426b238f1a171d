// imvo report: supplier card, path highlight, filters, search and table sorting.
// Reads only the page itself; all text goes in through textContent, never as markup.
// Its words come from the page too (data.words, in the report's language).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("imvo-data").textContent);
  var cards = data.cards || {};
  var vocab = data.words || {};
  var texts = vocab.text || {};
  var levels = vocab.levels || {};
  var svg = document.getElementById("chain-svg");
  var card = document.getElementById("card");
  var nodes = svg ? Array.from(svg.querySelectorAll(".node")) : [];
  var edges = svg ? Array.from(svg.querySelectorAll(".edge")) : [];
  var byId = {};
  var outgoing = {};
  nodes.forEach(function (n) { byId[n.dataset.id] = n; });
  edges.forEach(function (e) { (outgoing[e.dataset.s] = outgoing[e.dataset.s] || []).push(e); });
  var defaultCard = card ? card.innerHTML : "";
  var selected = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  // A text of the catalogue with its {placeholders} filled in.
  function tr(key, values) {
    var text = texts[key] !== undefined ? texts[key] : key;
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }
  function num(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, vocab.thousands || ",");
  }
  function count(n) { return tr(n === 1 ? "supplier_one" : "supplier_other", { n: num(n) }); }
  function badge(level) { return el("span", levels[level] || level, "badge lv-" + level); }
  function row(dl, label, value) {
    if (value === undefined || value === null || value === "") return;
    dl.appendChild(el("dt", label));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function showCard(id) {
    var c = cards[id];
    if (!card || !c) return;
    card.textContent = "";
    card.appendChild(el("h3", c.n));
    var dl = el("dl");
    if (c.k === "company") {
      row(dl, tr("role"), tr("role_company"));
      row(dl, tr("suppliers"), num(c.s));
      if (c.u) row(dl, tr("worst_in_chain"), badge(c.u));
    } else if (c.k === "group") {
      var where = c.t === null ? tr("not_linked") : tr("tier_n", { tier: c.t });
      row(dl, tr("group"), tr("group_text", { where: where, suppliers: count(c.c) }));
      row(dl, tr("worst_level"), badge(c.l));
      c.lv.forEach(function (pair) { row(dl, levels[pair[0]] || pair[0], num(pair[1])); });
    } else {
      row(dl, tr("country"), c.c);
      row(dl, tr("tier"), c.t === null ? tr("not_linked_company") : c.t);
      row(dl, tr("process"), c.p);
      row(dl, tr("product"), c.pr);
      row(dl, tr("risk_level"), badge(c.l));
      if (c.u) {
        var up = el("span");
        up.appendChild(badge(c.u));
        if (c.up && c.up.length) up.appendChild(el("span", " " + tr("via", { path: c.up.join(" → ") })));
        row(dl, tr("upstream"), up);
      }
      row(dl, tr("rows"), (c.w || []).join(", "));
    }
    card.appendChild(dl);
    if (c.k === "group") {
      var link = el("a", tr("list_group"));
      link.href = "#list-" + id;
      link.addEventListener("click", function () { openGroup(id); });
      card.appendChild(link);
    } else if (c.r) {
      card.appendChild(el("strong", c.r.length ? tr("reasons") :
        tr(c.l === "unknown" ? "no_flags_unknown" : "no_flags")));
      var ul = el("ul");
      c.r.forEach(function (r) {
        var li = el("li");
        li.appendChild(badge(r[1]));
        li.appendChild(el("span", " " + r[0] + ": " + r[3] + " "));
        li.appendChild(el("span", tr("reason_source", { rule: r[2], source: r[4] }), "src"));
        ul.appendChild(li);
      });
      if (c.r.length) card.appendChild(ul);
    }
  }
  function restoreCard() {
    if (selected) showCard(selected);
    else if (card) card.innerHTML = defaultCard;
  }
  function openGroup(id) {
    var d = document.getElementById("list-" + id);
    var all = document.getElementById("groups");
    if (all) all.open = true;
    if (d) d.open = true;
  }

  // Click: the node and everything downstream of it to the company.
  function select(id) {
    nodes.forEach(function (n) { n.classList.remove("on", "picked"); });
    edges.forEach(function (e) { e.classList.remove("on"); });
    if (!id || id === selected) {
      selected = null;
      svg.classList.remove("selecting");
      restoreCard();
      return;
    }
    selected = id;
    var todo = [id];
    var seen = {};
    while (todo.length) {
      var cur = todo.pop();
      if (seen[cur]) continue;
      seen[cur] = true;
      if (byId[cur]) byId[cur].classList.add("on");
      (outgoing[cur] || []).forEach(function (e) {
        if (e.classList.contains("off")) return;
        e.classList.add("on");
        todo.push(e.dataset.t);
      });
    }
    byId[id].classList.add("picked");
    svg.classList.add("selecting");
    showCard(id);
  }

  nodes.forEach(function (n) {
    var id = n.dataset.id;
    n.addEventListener("mouseenter", function () { showCard(id); });
    n.addEventListener("mouseleave", restoreCard);
    n.addEventListener("focus", function () { showCard(id); });
    n.addEventListener("click", function () { select(id); });
    n.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        select(id);
        if (n.classList.contains("group") && selected === id) openGroup(id);
      }
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && selected) select(null);
  });

  // Filters: level, country, tier, theme and name search hide what does not match.
  var form = document.getElementById("filters");
  var groupNames = {};
  document.querySelectorAll("details[data-group]").forEach(function (d) {
    groupNames[d.dataset.group] = Array.from(d.querySelectorAll("td.nm")).map(function (td) {
      return td.textContent.toLowerCase();
    });
  });
  function words(s) { return (s || "").split(" ").filter(Boolean); }
  function matches(item, f, name, names) {
    var levels = item.dataset.levels ? words(item.dataset.levels) : [item.dataset.level];
    if (!levels.some(function (l) { return f.levels[l]; })) return false;
    if (f.country && words(item.dataset.country).indexOf(f.country) < 0) return false;
    if (f.tier && item.dataset.tier !== f.tier) return false;
    if (f.theme && words(item.dataset.themes).indexOf(f.theme) < 0) return false;
    if (f.q) {
      if (names) return names.some(function (s) { return s.indexOf(f.q) >= 0; });
      return (name || "").toLowerCase().indexOf(f.q) >= 0;
    }
    return true;
  }
  function applyFilters() {
    var f = { levels: {}, country: document.getElementById("f-country").value,
      tier: document.getElementById("f-tier").value, theme: document.getElementById("f-theme").value,
      q: document.getElementById("f-search").value.trim().toLowerCase() };
    form.querySelectorAll("input[name=level]").forEach(function (b) { f.levels[b.value] = b.checked; });
    var shown = 0, total = 0, visible = {};
    nodes.forEach(function (n) {
      var id = n.dataset.id;
      if (n.classList.contains("company")) { visible[id] = true; return; }
      total += 1;
      var ok = matches(n, f, (cards[id] || {}).n, n.classList.contains("group") ? groupNames[id] || [] : null);
      n.classList.toggle("off", !ok);
      if (ok) { visible[id] = true; shown += 1; }
    });
    edges.forEach(function (e) { e.classList.toggle("off", !(visible[e.dataset.s] && visible[e.dataset.t])); });
    document.querySelectorAll("#flagged-table tbody tr").forEach(function (tr) {
      tr.classList.toggle("off", !matches(tr, f, tr.querySelector("td.nm").textContent, null));
    });
    if (selected && !visible[selected]) select(null);
    var what = nodes.some(function (n) { return n.classList.contains("group"); }) ? "groups" : "suppliers";
    var counts = { shown: num(shown), total: num(total) };
    document.getElementById("f-status").textContent = tr(shown === total ? "showing_all_" + what :
      (shown ? "showing_" + what : "no_" + what), counts);
  }
  if (form) {
    form.addEventListener("input", applyFilters);
    form.addEventListener("change", applyFilters);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(applyFilters, 0); });
    applyFilters();
  }

  // Sortable tables: a button per column title; numbers sort by data-sort.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var ths = Array.from(table.querySelectorAll("thead th"));
    ths.forEach(function (th, col) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        ths.forEach(function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var numeric = th.dataset.kind === "num";
        var body = table.tBodies[0];
        var rows = Array.from(body.rows);
        var key = function (tr) {
          var td = tr.cells[col];
          if (!td) return "";
          if (numeric) return parseFloat(td.dataset.sort !== undefined ? td.dataset.sort : td.textContent) || 0;
          return td.textContent.toLowerCase();
        };
        rows.map(function (tr, i) { return [key(tr), i, tr]; })
          .sort(function (a, b) { return a[0] < b[0] ? -dir : a[0] > b[0] ? dir : a[1] - b[1]; })
          .forEach(function (r) { body.appendChild(r[2]); });
      });
    });
  });
})();
