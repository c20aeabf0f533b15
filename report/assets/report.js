(function () {
  "use strict";
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var svg = document.getElementById("map");
  var tip = document.getElementById("tip");
  var details = document.getElementById("details");
  var wrap = document.getElementById("map-wrap");
  var nodeEls = [], edgeEls = [], clusterEls = {};
  data.nodes.forEach(function (n) { nodeEls[n.id] = document.getElementById("n" + n.id); });
  data.edges.forEach(function (e) { edgeEls[e.id] = document.getElementById("e" + e.id); });
  document.querySelectorAll("#clusters .cluster").forEach(function (c) { clusterEls[c.dataset.comp] = c; });
  // Native tooltips would double the rich ones.
  svg.querySelectorAll("title").forEach(function (t) { t.remove(); });

  var adj = data.nodes.map(function () { return []; });
  data.edges.forEach(function (e) { adj[e.from].push(e); if (e.to !== e.from) adj[e.to].push(e); });

  // ---- view box: zoom and pan -------------------------------------------
  var full = { x: -20, y: -20, w: data.w + 40, h: data.h + 40 };
  var view = fitBox(full);
  function fitBox(b) {
    var r = svg.getBoundingClientRect(), aspect = (r.width || 1000) / (r.height || 600);
    // Never zoom in past one unit per pixel: a small schema stays at its size.
    var w = Math.max(b.w, r.width || 0), h = Math.max(b.h, r.height || 0);
    if (w / h < aspect) { w = h * aspect; } else { h = w / aspect; }
    return { x: b.x - (w - b.w) / 2, y: b.y - (h - b.h) / 2, w: w, h: h };
  }
  function apply() { svg.setAttribute("viewBox", view.x + " " + view.y + " " + view.w + " " + view.h); }
  function zoom(f, cx, cy) {
    if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
    var w = Math.min(Math.max(view.w * f, 60), full.w * 6);
    f = w / view.w;
    view = { x: cx - (cx - view.x) * f, y: cy - (cy - view.y) * f, w: view.w * f, h: view.h * f };
    apply();
  }
  function toSvg(ev) {
    var r = svg.getBoundingClientRect();
    return { x: view.x + (ev.clientX - r.left) / r.width * view.w, y: view.y + (ev.clientY - r.top) / r.height * view.h };
  }
  function zoomTo(ids) {
    if (!ids.length) { return; }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    ids.forEach(function (id) {
      var n = nodeEls[id], m = n.transform.baseVal.consolidate().matrix;
      x0 = Math.min(x0, m.e - 60); x1 = Math.max(x1, m.e + 60); y0 = Math.min(y0, m.f - 60); y1 = Math.max(y1, m.f + 60);
    });
    view = fitBox({ x: x0, y: y0, w: Math.max(x1 - x0, 320), h: Math.max(y1 - y0, 220) });
    apply();
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = toSvg(ev);
    zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, p.x, p.y);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (ev) {
    if (ev.target.closest(".node") || ev.target.closest(".stub")) { return; }
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    svg.classList.add("panning");
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) { return; }
    var r = svg.getBoundingClientRect();
    var dx = (ev.clientX - drag.x) / r.width * view.w, dy = (ev.clientY - drag.y) / r.height * view.h;
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) { drag.moved = true; }
    view.x = drag.vx - dx; view.y = drag.vy - dy;
    apply();
  });
  window.addEventListener("pointerup", function () {
    if (drag && !drag.moved) { select(null); }
    drag = null;
    svg.classList.remove("panning");
  });
  document.getElementById("zoom-in").onclick = function () { zoom(1 / 1.4); };
  document.getElementById("zoom-out").onclick = function () { zoom(1.4); };
  document.getElementById("fit").onclick = function () { view = fitBox(full); apply(); };

  // ---- tooltips ---------------------------------------------------------
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function fmt(n) { return n < 0 ? "?" : n.toLocaleString("en-US"); }
  function list(parent, title, items) {
    if (!items || !items.length) { return; }
    parent.appendChild(el("div", title, "k"));
    var ul = el("ul");
    items.forEach(function (s) { ul.appendChild(el("li", s)); });
    parent.appendChild(ul);
  }
  function nodeInfo(n, into) {
    into.appendChild(el("b", n.name));
    var rows = "rows: " + fmt(n.rows);
    if (n.twin_rows >= 0) { rows += " · twin: " + fmt(n.twin_rows); }
    into.appendChild(el("div", rows));
    if (n.reached) { into.appendChild(el("div", "reached: " + n.reached)); }
    list(into, "personal data", n.pii);
    list(into, "masked", n.masked);
    var links = adj[n.id].map(function (e) { return kindName(e.kind) + ": " + e.label; });
    list(into, "links (" + links.length + ")", links.slice(0, 12).concat(links.length > 12 ? ["… " + (links.length - 12) + " more"] : []));
  }
  function kindName(k) { return k === "declared" ? "declared key" : k === "key" ? "undeclared key link" : "value link"; }
  function edgeInfo(e, into) {
    into.appendChild(el("b", e.label));
    into.appendChild(el("div", kindName(e.kind) + (e.kind === "declared" ? "" : " · confidence " + e.confidence.toFixed(2) + (e.level ? " (" + e.level + ")" : ""))));
    list(into, "evidence", e.evidence);
  }
  function showTip(ev, fill) {
    tip.textContent = "";
    fill(tip);
    tip.style.display = "block";
    var r = wrap.getBoundingClientRect();
    var x = ev.clientX - r.left + 14, y = ev.clientY - r.top + 14;
    if (x + tip.offsetWidth > r.width) { x = Math.max(0, ev.clientX - r.left - tip.offsetWidth - 14); }
    if (y + tip.offsetHeight > r.height) { y = Math.max(0, ev.clientY - r.top - tip.offsetHeight - 14); }
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  svg.addEventListener("mouseover", function (ev) {
    var n = ev.target.closest(".node"), e = ev.target.closest(".edge");
    if (n) { showTip(ev, function (t) { nodeInfo(data.nodes[+n.dataset.id], t); }); }
    else if (e) { showTip(ev, function (t) { edgeInfo(data.edges[+e.dataset.id], t); }); }
  });
  svg.addEventListener("mouseout", function (ev) {
    if (ev.target.closest(".node") || ev.target.closest(".edge")) { tip.style.display = "none"; }
  });

  // ---- selection: focus on a table and its neighbours --------------------
  var selected = null;
  function select(id) {
    if (selected !== null) { nodeEls[selected].classList.remove("selected"); }
    document.querySelectorAll("#map .near").forEach(function (x) { x.classList.remove("near"); });
    selected = id;
    if (id === null) {
      svg.classList.remove("focusing");
      details.hidden = true;
      return;
    }
    nodeEls[id].classList.add("selected", "near");
    adj[id].forEach(function (e) {
      edgeEls[e.id].classList.add("near");
      nodeEls[e.from].classList.add("near");
      nodeEls[e.to].classList.add("near");
    });
    svg.classList.add("focusing");
    details.textContent = "";
    var close = el("button", "×");
    close.style.float = "right";
    close.onclick = function () { select(null); };
    details.appendChild(close);
    nodeInfo(data.nodes[id], details);
    details.hidden = false;
  }
  svg.addEventListener("click", function (ev) {
    var n = ev.target.closest(".node");
    if (n) { select(+n.dataset.id); return; }
    var stub = ev.target.closest(".stub");
    if (stub) { setCollapsed(stub.parentNode.dataset.comp, false); }
  });

  // ---- search and filters -------------------------------------------------
  var search = document.getElementById("search"), count = document.getElementById("search-count");
  var schemaSel = document.getElementById("schema"), onlyPII = document.getElementById("only-pii");
  var kinds = document.querySelectorAll("input.kind");
  var matches = [];
  function visibleNode(n) {
    if (schemaSel.value !== "*" && n.schema !== schemaSel.value) { return false; }
    if (onlyPII.checked && !n.pii.length) { return false; }
    return true;
  }
  function refresh() {
    var q = search.value.trim().toLowerCase();
    var show = {};
    kinds.forEach(function (k) { show[k.value] = k.checked; });
    var visible = data.nodes.map(visibleNode);
    matches = [];
    data.nodes.forEach(function (n, i) {
      var e = nodeEls[i];
      e.classList.toggle("hidden", !visible[i]);
      var m = false;
      if (q && visible[i]) {
        m = n.name.toLowerCase().indexOf(q) >= 0 ||
          n.pii.some(function (c) { return c.toLowerCase().indexOf(q) >= 0; }) ||
          n.masked.some(function (c) { return c.toLowerCase().indexOf(q) >= 0; });
      }
      e.classList.toggle("match", m);
      if (m) { matches.push(i); }
    });
    data.edges.forEach(function (ed, i) {
      var e = edgeEls[i];
      e.classList.toggle("hidden", !show[ed.kind] || !visible[ed.from] || !visible[ed.to]);
      e.classList.toggle("match", !!q && (nodeEls[ed.from].classList.contains("match") || nodeEls[ed.to].classList.contains("match")));
    });
    svg.classList.toggle("searching", !!q);
    count.textContent = q ? matches.length + (matches.length === 1 ? " table" : " tables") : "";
    if (q) {
      matches.forEach(function (i) { setCollapsed(data.nodes[i].comp, false); });
    }
  }
  search.addEventListener("input", refresh);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { zoomTo(matches); } });
  schemaSel.addEventListener("change", refresh);
  onlyPII.addEventListener("change", refresh);
  kinds.forEach(function (k) { k.addEventListener("change", refresh); });

  // ---- clusters: collapse the unrelated ones -----------------------------
  var byComp = {};
  data.nodes.forEach(function (n) { (byComp[n.comp] = byComp[n.comp] || []).push(n.id); });
  var edgesByComp = {};
  data.edges.forEach(function (e) { var c = data.nodes[e.from].comp; (edgesByComp[c] = edgesByComp[c] || []).push(e.id); });
  function setCollapsed(comp, on) {
    var c = clusterEls[comp];
    if (!c || c.classList.contains("collapsed") === on) { return; }
    c.classList.toggle("collapsed", on);
    (byComp[comp] || []).forEach(function (id) { nodeEls[id].classList.toggle("folded", on); });
    (edgesByComp[comp] || []).forEach(function (id) { edgeEls[id].classList.toggle("folded", on); });
  }
  // Tables within `hops` links of the given ones.
  function around(ids, hops) {
    var near = {}, frontier = ids.slice();
    ids.forEach(function (id) { near[id] = true; });
    for (var h = 0; h < hops; h++) {
      var next = [];
      frontier.forEach(function (id) {
        adj[id].forEach(function (e) {
          [e.from, e.to].forEach(function (o) { if (!near[o]) { near[o] = true; next.push(o); } });
        });
      });
      frontier = next;
    }
    return near;
  }
  // Collapse unrelated: clusters holding neither the selected table nor a
  // search match fold into a box; inside the clusters kept, tables more
  // than two links (one from a search match) away are hidden too, so one
  // large connected schema also shrinks to what matters.
  document.getElementById("collapse").onclick = function () {
    var keep = {}, seeds = [], hops = 1;
    if (selected !== null) { seeds = [selected]; hops = 2; } else { seeds = matches.slice(); }
    seeds.forEach(function (i) { keep[data.nodes[i].comp] = true; });
    if (!seeds.length) { keep[0] = true; } // nothing chosen: keep the largest cluster
    Object.keys(clusterEls).forEach(function (c) { setCollapsed(c, !keep[c]); });
    unfar();
    if (!seeds.length) { return; }
    var near = around(seeds, hops);
    data.nodes.forEach(function (n) { nodeEls[n.id].classList.add(near[n.id] ? "kept" : "far"); });
    data.edges.forEach(function (e) { if (!near[e.from] || !near[e.to]) { edgeEls[e.id].classList.add("far"); } });
    zoomTo(Object.keys(near).map(Number));
  };
  function unfar() { document.querySelectorAll("#map .far, #map .kept").forEach(function (x) { x.classList.remove("far", "kept"); }); }
  document.getElementById("expand").onclick = function () {
    unfar();
    Object.keys(clusterEls).forEach(function (c) { setCollapsed(c, false); });
  };

  apply();
  window.dbtwinReport = {
    nodes: data.nodes.length, edges: data.edges.length, clusters: Object.keys(clusterEls).length,
    initMs: performance.now() - t0, readyMs: performance.now()
  };
  document.body.setAttribute("data-ready", "1");
})();
