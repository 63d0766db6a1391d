/* The support graph page: draws the elements of #graph-data with cytoscape.js (served
   locally from node_modules) and shows the links of the chosen node in #node-info.
   Keyboard: Tab reaches the node list in #node-info; the table below lists every link. */
(function () {
  "use strict";
  // the legend's colours come as data-colour (the page's CSP allows no inline style)
  Array.prototype.forEach.call(document.querySelectorAll(".swatch[data-colour]"), function (el) {
    el.style.background = el.getAttribute("data-colour");
  });
  var dataEl = document.getElementById("graph-data");
  var box = document.getElementById("cy");
  if (!dataEl || !box || typeof cytoscape !== "function") { return; }
  var data = JSON.parse(dataEl.textContent);
  // positions and colours come with the elements (the GEXF's layout and the one colour table)
  var elements = data.nodes.map(function (n) {
    return { group: "nodes", data: n, position: { x: n.x, y: n.y } };
  }).concat(data.edges.map(function (e) { return { group: "edges", data: e }; }));
  // feature labels are LABEL_FONT model units tall (the layout's columns are as wide as their
  // labels at that size: kg/export/style.json); the drawing opens at a zoom where they are at
  // least READABLE_PX pixels, panning when the whole graph does not fit ("Whole graph" fits it)
  var LABEL_FONT = 10, READABLE_PX = 11, PAD = 20;
  var cy = cytoscape({
    container: box,
    elements: elements,
    maxZoom: 4, minZoom: 0.05,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": LABEL_FONT, "color": "#1a1a1a", "text-valign": "bottom",
          "text-margin-y": 2, "width": 10, "height": 10, "min-zoomed-font-size": 7,
          "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1,
          "background-color": "data(colour)" } },
      { selector: "node[type = 'hardware']", style: {
          "shape": "round-rectangle", "height": 22, "font-weight": "bold", "font-size": 12,
          "width": function (n) { return 16 + 7.5 * String(n.data("label")).length; },
          "text-valign": "center", "color": "#ffffff", "text-margin-y": 0, "min-zoomed-font-size": 0,
          "text-background-opacity": 0 } },
      { selector: "node[type = 'product']", style: { "shape": "hexagon", "width": 18, "height": 18,
          "font-weight": "bold", "font-size": 12, "min-zoomed-font-size": 0 } },
      { selector: "node[type = 'release']", style: { "shape": "round-rectangle", "width": 8, "height": 8 } },
      { selector: "node[?candidate]", style: { "shape": "diamond" } },
      { selector: "edge", style: {
          "width": 1, "line-color": "data(colour)", "curve-style": "straight", "opacity": 0.35 } },
      { selector: "edge[relation = 'support']", style: {
          "width": function (e) { return Math.min(1.5 + (e.data("entries") || 0) / 4, 5); }, "opacity": 0.8 } },
      { selector: "edge[relation = 'narrower']", style: {
          "line-style": "dashed", "width": 2, "target-arrow-shape": "triangle",
          "target-arrow-color": "data(colour)", "opacity": 0.8 } },
      { selector: ".faded", style: { "opacity": 0.08 } },
      { selector: "node.hover, node:selected", style: { "min-zoomed-font-size": 0, "font-size": 13,
          "text-background-color": "#ffffff", "text-background-opacity": 0.9, "z-index": 10 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#c2410c" } }
    ],
    layout: { name: "preset", fit: false }
  });
  // the whole graph in the box (at most 1.4 times its layout size)
  function fitAll() {
    cy.fit(undefined, PAD);
    if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(); }
  }
  // labels readable: the fit zoom, or the zoom that draws labels READABLE_PX high when the fit
  // is smaller; then each axis that does not fit starts at the graph's top or left edge
  function readableView() {
    fitAll();
    var zoom = READABLE_PX / LABEL_FONT;
    if (cy.zoom() >= zoom) { return; }
    var bb = cy.elements().boundingBox(), w = cy.width(), h = cy.height();
    cy.zoom(zoom);
    cy.pan({
      x: bb.w * zoom + 2 * PAD <= w ? (w - bb.w * zoom) / 2 - bb.x1 * zoom : PAD - bb.x1 * zoom,
      y: bb.h * zoom + 2 * PAD <= h ? (h - bb.h * zoom) / 2 - bb.y1 * zoom : PAD - bb.y1 * zoom
    });
  }
  readableView();
  var fitButton = document.getElementById("graph-fit"), readButton = document.getElementById("graph-readable");
  if (fitButton) { fitButton.addEventListener("click", fitAll); }
  if (readButton) { readButton.addEventListener("click", readableView); }
  window.kgGraph = cy;  // for the browser tests and the curious
  var info = document.getElementById("node-info");

  function escapeText(s) {
    var d = document.createElement("div"); d.textContent = s; return d.innerHTML;
  }
  function show(node) {
    cy.elements().removeClass("faded");
    var hood = node.closedNeighborhood();
    cy.elements().not(hood).addClass("faded");
    var html = "<h2>" + escapeText(node.data("label")) + "</h2><p class=\"muted\">" +
      escapeText(node.data("type")) + (node.data("status") ? " · " + escapeText(node.data("status")) : "") +
      (node.data("products") ? " · " + escapeText(node.data("products")) : "") + "</p>";
    if (node.data("href")) {
      html += "<p><a href=\"" + data.featureUrl.replace("ID", encodeURI(node.data("href"))) +
        "\">All about this feature</a></p>";
    }
    html += "<ul>";
    node.connectedEdges().forEach(function (e) {
      var other = e.source().id() === node.id() ? e.target() : e.source();
      html += "<li>" + escapeText(other.data("label")) + ": " + escapeText(e.data("statuses") || e.data("status")) + "</li>";
    });
    info.innerHTML = html + "</ul>";
  }
  cy.on("tap", "node", function (evt) { show(evt.target); });
  // feature labels hide when zoomed out below 7 px (no smudge); a pointed node shows its own
  cy.on("mouseover", "node", function (evt) { evt.target.addClass("hover"); });
  cy.on("mouseout", "node", function (evt) { evt.target.removeClass("hover"); });
  cy.on("tap", function (evt) {
    if (evt.target === cy) { cy.elements().removeClass("faded"); }
  });
  box.setAttribute("data-ready", "true");
})();
