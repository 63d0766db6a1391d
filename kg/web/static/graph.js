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
  var colours = data.colours;
  var elements = data.nodes.map(function (n) { return { group: "nodes", data: n }; })
    .concat(data.edges.map(function (e) { return { group: "edges", data: e }; }));
  var cy = cytoscape({
    container: box,
    elements: elements,
    maxZoom: 4, minZoom: 0.1,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "color": "#1a1a1a", "text-valign": "bottom",
          "text-margin-y": 3, "width": 14, "height": 14, "text-wrap": "ellipsis", "text-max-width": 120,
          "background-color": function (n) { return colours.nodes[n.data("type")] || "#555"; } } },
      { selector: "node[type = 'hardware']", style: {
          "shape": "round-rectangle", "height": 22, "font-weight": "bold", "font-size": 13,
          "width": function (n) { return 16 + 8.5 * String(n.data("label")).length; },
          "text-valign": "center", "color": "#ffffff", "text-margin-y": 0 } },
      { selector: "node[type = 'candidate']", style: { "shape": "diamond" } },
      { selector: "edge", style: {
          "width": function (e) { return Math.min(2 + (e.data("entries") || 0), 8); },
          "line-color": function (e) { return colours.edges[e.data("status")] || "#999"; },
          "curve-style": "bezier", "opacity": 0.85 } },
      { selector: "edge[status = 'broader']", style: {
          "line-style": "dashed", "width": 2, "target-arrow-shape": "triangle",
          "target-arrow-color": colours.edges.broader } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#c2410c" } }
    ],
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 90,
              numIter: 1500 }
  });
  cy.fit(undefined, 30);
  if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(); }
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
      escapeText(node.data("type")) + (node.data("title") ? " · " + escapeText(node.data("title")) : "") + "</p>";
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
  cy.on("tap", function (evt) {
    if (evt.target === cy) { cy.elements().removeClass("faded"); }
  });
  box.setAttribute("data-ready", "true");
})();
