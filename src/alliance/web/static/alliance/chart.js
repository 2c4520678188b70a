/* The patient chart: the alliance (total, goal, task, bond) above one outcome, over visits,
   drawn as SVG with the cut-offs, the baseline and the MCID marked. Hover, touch or the
   arrow keys read each visit's values; the chart downloads as SVG or PNG. No library. */
(function () {
  "use strict";
  var box = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!box || !source) { return; }
  var data = JSON.parse(source.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var W = 640, H = 440, LEFT = 48, RIGHT = 16;
  var TOP = { y0: 28, y1: 196 }, BOTTOM = { y0: 250, y1: 404 };
  var COLOURS = { total: "#0b6e69", goal: "#6d4fb3", task: "#b5651d", bond: "#2c7bb6" };
  var OUTCOME = "#a3261b";
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var lang = document.documentElement.lang || "en";
  var outcomeIndex = 0;
  var focusIndex = -1;
  var visits = data.visits.map(function (v) { return v.number; });
  var first = visits[0], last = visits[visits.length - 1];
  var tooltip = document.createElement("div");
  tooltip.className = "chart-tooltip";
  tooltip.setAttribute("aria-hidden", "true");
  box.appendChild(tooltip);
  var live = document.getElementById("chart-live");
  var svg;

  function fmt(value) { return Number(value).toLocaleString(lang, { maximumFractionDigits: 2 }); }
  function x(visit) { return last === first ? (LEFT + W - RIGHT) / 2 : LEFT + (visit - first) / (last - first) * (W - LEFT - RIGHT); }
  function scaler(panel, range) {
    return function (value) { return panel.y1 - (value - range[0]) / (range[1] - range[0]) * (panel.y1 - panel.y0); };
  }
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function text(parent, x0, y0, content, attrs) {
    var node = el("text", Object.assign({ x: x0, y: y0, "font-size": 11, fill: "#4f5f6b", "font-family": FONT }, attrs || {}), parent);
    node.textContent = content;
    return node;
  }
  function hline(parent, y0, colour, dash, label) {
    el("line", { x1: LEFT, x2: W - RIGHT, y1: y0, y2: y0, stroke: colour, "stroke-width": 1.5, "stroke-dasharray": dash }, parent);
    if (label) { text(parent, W - RIGHT - 4, y0 - 4, label, { "text-anchor": "end", fill: colour }); }
  }
  function axis(parent, panel, range, title) {
    var scale = scaler(panel, range);
    el("rect", { x: LEFT, y: panel.y0, width: W - LEFT - RIGHT, height: panel.y1 - panel.y0, fill: "#f7f9fa", stroke: "#c9d3da" }, parent);
    [range[0], (range[0] + range[1]) / 2, range[1]].forEach(function (v) {
      text(parent, LEFT - 6, scale(v) + 4, fmt(v), { "text-anchor": "end" });
    });
    text(parent, LEFT, panel.y0 - 8, title, { "font-size": 12, "font-weight": 600, fill: "#1d2b36" });
    return scale;
  }
  function series(parent, points, scale, colour, width) {
    if (!points.length) { return; }
    var d = points.map(function (p, i) { return (i ? "L" : "M") + x(p[0]).toFixed(1) + " " + scale(p[1]).toFixed(1); }).join(" ");
    el("path", { d: d, fill: "none", stroke: colour, "stroke-width": width, "stroke-linejoin": "round" }, parent);
    points.forEach(function (p) { el("circle", { cx: x(p[0]), cy: scale(p[1]), r: width + 1.5, fill: colour }, parent); });
  }

  function draw() {
    if (svg) { svg.remove(); }
    svg = el("svg", { viewBox: "0 0 " + W + " " + H, xmlns: NS, role: "img", "aria-hidden": "true", "font-family": FONT });
    el("rect", { x: 0, y: 0, width: W, height: H, fill: "#ffffff" }, svg);
    var legend = [];
    var alliance = data.alliance;
    if (alliance) {
      var ay = axis(svg, TOP, alliance.range, box.getAttribute("data-alliance") + " · " + alliance.name);
      alliance.cutoffs.forEach(function (c) { hline(svg, ay(c.value), "#7a5300", "2 3", box.getAttribute("data-cutoff") + " " + fmt(c.value)); });
      if (alliance.baseline !== null) { hline(svg, ay(alliance.baseline), "#8a9aa6", "6 4", box.getAttribute("data-baseline")); }
      alliance.series.forEach(function (s) {
        series(svg, s.points, ay, COLOURS[s.id] || "#333", s.id === "total" ? 3 : 1.5);
        legend.push([COLOURS[s.id] || "#333", s.name]);
      });
    }
    var outcome = data.outcomes[outcomeIndex];
    if (outcome) {
      var oy = axis(svg, BOTTOM, outcome.range, outcome.name);
      outcome.cutoffs.forEach(function (c) { hline(svg, oy(c.value), "#7a5300", "2 3", box.getAttribute("data-cutoff") + " " + fmt(c.value)); });
      if (outcome.baseline !== null) { hline(svg, oy(outcome.baseline), "#8a9aa6", "6 4", box.getAttribute("data-baseline")); }
      if (outcome.mcid_target !== null && outcome.mcid_target >= outcome.range[0] && outcome.mcid_target <= outcome.range[1]) {
        hline(svg, oy(outcome.mcid_target), "#1f6b2c", "8 3", box.getAttribute("data-mcid") + " (" + fmt(outcome.mcid) + ")");
      }
      series(svg, outcome.points, oy, OUTCOME, 2.5);
      legend.push([OUTCOME, outcome.abbreviation]);
    }
    visits.forEach(function (v) { text(svg, x(v), H - 18, String(v), { "text-anchor": "middle" }); });
    text(svg, (LEFT + W) / 2, H - 3, box.getAttribute("data-visit"), { "text-anchor": "middle" });
    box.insertBefore(svg, tooltip);
    var list = document.getElementById("chart-legend");
    list.innerHTML = "";
    legend.forEach(function (item) {
      var li = document.createElement("li");
      var swatch = document.createElement("i");
      swatch.style.background = item[0];
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(item[1]));
      list.appendChild(li);
    });
    if (focusIndex >= 0) { highlight(focusIndex); }
  }

  function valuesAt(visit) {
    var lines = [];
    if (data.alliance) {
      data.alliance.series.forEach(function (s) {
        s.points.forEach(function (p) { if (p[0] === visit) { lines.push(s.name + ": " + fmt(p[1])); } });
      });
    }
    var outcome = data.outcomes[outcomeIndex];
    if (outcome) {
      outcome.points.forEach(function (p) { if (p[0] === visit) { lines.push(outcome.abbreviation + ": " + fmt(p[1])); } });
    }
    return lines;
  }

  function highlight(index) {
    focusIndex = index;
    var guide = svg.querySelector("[data-guide]");
    if (guide) { guide.remove(); }
    var visit = visits[index];
    el("line", { "data-guide": "1", x1: x(visit), x2: x(visit), y1: TOP.y0, y2: BOTTOM.y1, stroke: "#1d2b36", "stroke-width": 1, "stroke-dasharray": "3 3" }, svg);
    var info = data.visits[index];
    var lines = [box.getAttribute("data-visit") + " " + visit + " · " + info.date].concat(valuesAt(visit));
    tooltip.innerHTML = "";
    lines.forEach(function (line, i) {
      if (i) { tooltip.appendChild(document.createElement("br")); }
      tooltip.appendChild(document.createTextNode(line));
    });
    tooltip.style.display = "block";
    var rect = svg.getBoundingClientRect();
    var px = x(visit) / W * rect.width;
    tooltip.style.left = Math.min(Math.max(0, px + 12), rect.width - tooltip.offsetWidth) + "px";
    tooltip.style.top = "8px";
    tooltip.setAttribute("data-visit", String(visit));
    live.textContent = lines.join(", ");
  }

  function nearest(clientX) {
    var rect = svg.getBoundingClientRect();
    var vx = (clientX - rect.left) / rect.width * W;
    var best = 0;
    visits.forEach(function (v, i) { if (Math.abs(x(v) - vx) < Math.abs(x(visits[best]) - vx)) { best = i; } });
    return best;
  }

  box.addEventListener("pointermove", function (event) { if (visits.length) { highlight(nearest(event.clientX)); } });
  box.addEventListener("pointerdown", function (event) { if (visits.length) { highlight(nearest(event.clientX)); } });
  box.addEventListener("pointerleave", function () { tooltip.style.display = "none"; });
  box.addEventListener("keydown", function (event) {
    if (!visits.length) { return; }
    if (event.key === "ArrowRight") { highlight(Math.min(visits.length - 1, focusIndex + 1)); }
    else if (event.key === "ArrowLeft") { highlight(Math.max(0, focusIndex < 0 ? 0 : focusIndex - 1)); }
    else if (event.key === "Home") { highlight(0); }
    else if (event.key === "End") { highlight(visits.length - 1); }
    else { return; }
    event.preventDefault();
  });
  box.addEventListener("blur", function () { tooltip.style.display = "none"; });

  var choice = document.getElementById("outcome-choice");
  if (choice) { choice.addEventListener("change", function () { outcomeIndex = Number(choice.value); draw(); }); }

  function standalone() {
    var copy = svg.cloneNode(true);
    var guide = copy.querySelector("[data-guide]");
    if (guide) { guide.remove(); }
    copy.setAttribute("width", W);
    copy.setAttribute("height", H);
    copy.removeAttribute("aria-hidden");
    return new XMLSerializer().serializeToString(copy);
  }
  function save(href, name) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-download]"), function (button) {
    button.addEventListener("click", function () {
      var markup = standalone();
      var url = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(markup)));
      if (button.getAttribute("data-download") === "svg") { save(url, "alliance-chart.svg"); return; }
      var image = new Image();
      image.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = W * 2;
        canvas.height = H * 2;
        var context = canvas.getContext("2d");
        context.scale(2, 2);
        context.drawImage(image, 0, 0, W, H);
        save(canvas.toDataURL("image/png"), "alliance-chart.png");
      };
      image.src = url;
    });
  });

  draw();
})();
