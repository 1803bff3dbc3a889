// The timeline page: move through the recorded steps of a training run.
// The picture was laid out once, in Python; this only rewrites the text of each
// wire's numbers (always as text, never as markup), switches the classes that
// mark vanishing gradients and relus that are off, and moves the plots' markers.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("timeline-data").textContent);
  const steps = data.steps;
  const slider = document.getElementById("slider");
  const counter = document.getElementById("snapshot");
  const playButton = document.getElementById("play");
  const PLAY_DELAY = 400; // milliseconds per step when playing
  const MAX_SCALE = 2; // pixels per point when the whole picture is shown

  // The probe's picture, fitted to its area, panned and zoomed by the reader.
  const view = document.getElementById("view");
  const picture = panZoom.drawing(view.querySelector("svg"));
  const pan = panZoom(view, function () { return picture; }, MAX_SCALE);
  pan.sizeArea([picture], 0.85);

  // Each wire's drawing: its numbers and the edges that draw its line.
  const wires = data.wires.map(function (id) {
    const group = document.getElementById(id);
    return {
      parts: group ? [group] : [],
      value: group && group.querySelector("text.value"),
      grad: group && group.querySelector("text.grad"),
    };
  });
  const wireIndex = new Map(data.wires.map(function (id, i) { return [id, i]; }));
  // An edge belongs to the wire it leads into, else to the wire it comes out of.
  document.querySelectorAll("g.edge").forEach(function (edge) {
    const into = "wire-" + edge.dataset.to;
    const owner = wireIndex.has(into) ? into : "wire-" + edge.dataset.from;
    if (wireIndex.has(owner)) wires[wireIndex.get(owner)].parts.push(edge);
  });

  const cells = document.querySelectorAll("#plane rect.cell");

  let current = 0;
  let timer = null;

  function mark(wire, name, on) {
    wire.parts.forEach(function (part) { part.classList.toggle(name, on); });
  }

  function show(k) {
    current = Math.max(0, Math.min(steps.length - 1, k));
    const step = steps[current];
    const tiny = new Set(step.tiny);
    const off = new Set(step.off);
    wires.forEach(function (wire, i) {
      if (wire.value) wire.value.textContent = step.values[i];
      if (wire.grad && step.grads[i] !== null) wire.grad.textContent = step.grads[i];
      mark(wire, "tiny", tiny.has(i) && !off.has(i));
      mark(wire, "off", off.has(i));
    });
    step.metrics.forEach(function (text, m) {
      document.getElementById("metric-" + m).textContent = text;
      const point = data.marks[m][current];
      const plot = document.getElementById("plot-" + m);
      plot.classList.toggle("no-point", point === null);
      if (point === null) return;
      const line = plot.querySelector("line.marker");
      line.setAttribute("x1", point[0]);
      line.setAttribute("x2", point[0]);
      const dot = plot.querySelector("circle.marker");
      dot.setAttribute("cx", point[0]);
      dot.setAttribute("cy", point[1]);
    });
    if (data.planes) {
      const signs = data.planes[current];
      cells.forEach(function (cell, i) {
        cell.setAttribute("class", signs[i] === "1" ? "cell yes" : "cell no");
      });
    }
    slider.value = String(current);
    counter.textContent = (current + 1) + " / " + steps.length;
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    playButton.textContent = "play";
  }

  function play() {
    if (timer !== null) { stop(); return; }
    if (current === steps.length - 1) show(0);
    playButton.textContent = "pause";
    timer = setInterval(function () {
      show(current + 1);
      if (current === steps.length - 1) stop();
    }, PLAY_DELAY);
  }

  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  playButton.addEventListener("click", play);
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey) return;
    const moves = {
      Home: function () { return 0; },
      End: function () { return steps.length - 1; },
      ArrowLeft: function () { return current - 1; },
      ArrowRight: function () { return current + 1; },
    };
    if (event.key === " ") {
      event.preventDefault();
      play();
    } else if (moves[event.key]) {
      event.preventDefault();
      stop();
      show(moves[event.key]());
    } else if (pan.keys[event.key] && event.target !== slider) {
      event.preventDefault();
      pan.keys[event.key]();
    }
  });
  pan.fit();
  show(steps.length - 1);
})();
