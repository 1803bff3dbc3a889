// Pan and zoom, shared by the pages: the picture stays as Graphviz laid it out; only
// its SVG viewBox moves. The wheel zooms about the pointer, a drag pans, the buttons
// #zoom-in, #zoom-out and #zoom-fit (and the keys the page maps to `keys`) zoom and
// fit. Until the reader moves it, the picture is fitted to its area, also on resizing.
function panZoom(view, shown, maxScale) {
  "use strict";
  // shown(): the drawing on screen, as made by `drawing` below.

  // An area not laid out yet (a hidden iframe) has no size: then the whole picture, unscaled.
  function sized(area) { return area.width > 0 && area.height > 0; }

  function setBox(next) {
    const current = shown();
    current.box = next;
    current.svg.setAttribute("viewBox", `${next.x} ${next.y} ${next.w} ${next.h}`);
  }

  // The whole picture, as large as it fits, but at most maxScale pixels per point.
  function fit() {
    const area = view.getBoundingClientRect();
    const home = shown().home;
    if (!sized(area)) { setBox({ ...home }); return; }
    const scale = Math.min(area.width / (home.w + 24), area.height / (home.h + 24), maxScale);
    const w = area.width / scale;
    const h = area.height / scale;
    setBox({ x: home.x - (w - home.w) / 2, y: home.y - (h - home.h) / 2, w, h });
  }

  function refit() { shown().moved = false; fit(); }

  // Zoom by `factor` about the point (cx, cy) of the window, or about the middle.
  function zoom(factor, cx, cy) {
    const area = view.getBoundingClientRect();
    if (!sized(area)) return;
    const current = shown();
    const box = current.box;
    const px = cx === undefined ? 0.5 : (cx - area.left) / area.width;
    const py = cy === undefined ? 0.5 : (cy - area.top) / area.height;
    const w = box.w / factor;
    const h = box.h / factor;
    current.moved = true;
    setBox({ x: box.x + (box.w - w) * px, y: box.y + (box.h - h) * py, w, h });
  }

  // Zoomed in, a node may be out of sight: bring it to the middle.
  function follow(node) {
    const area = view.getBoundingClientRect();
    if (!node || !sized(area)) return;
    const seen = node.getBoundingClientRect();
    if (seen.left >= area.left && seen.right <= area.right && seen.top >= area.top
        && seen.bottom <= area.bottom) return;
    const box = shown().box;
    const perPixel = box.w / area.width;
    const dx = seen.left + seen.width / 2 - (area.left + area.width / 2);
    const dy = seen.top + seen.height / 2 - (area.top + area.height / 2);
    setBox({ ...box, x: box.x + dx * perPixel, y: box.y + dy * perPixel });
  }

  // The area as tall as the pictures need at their largest scale, within `share` of the window.
  function sizeArea(drawings, share) {
    const natural = Math.max(...drawings.map((d) => (d.home.h + 24) * maxScale));
    const room = (window.innerHeight || 700) * share;
    view.style.height = `${Math.max(160, Math.min(natural, room))}px`;
  }

  view.addEventListener("wheel", (event) => {
    event.preventDefault();
    zoom(Math.exp(-event.deltaY * 0.0015), event.clientX, event.clientY);
  }, { passive: false });

  let drag = null;
  view.addEventListener("pointerdown", (event) => {
    if (event.target instanceof HTMLInputElement) return;
    drag = { x: event.clientX, y: event.clientY, from: { ...shown().box } };
    view.classList.add("dragging");
  });
  window.addEventListener("pointermove", (event) => {
    const area = view.getBoundingClientRect();
    if (!drag || !sized(area)) return;
    const current = shown();
    const perPixel = current.box.w / area.width;
    current.moved = true;
    setBox({ ...drag.from, x: drag.from.x - (event.clientX - drag.x) * perPixel,
             y: drag.from.y - (event.clientY - drag.y) * perPixel });
  });
  window.addEventListener("pointerup", () => { drag = null; view.classList.remove("dragging"); });
  document.getElementById("zoom-in").addEventListener("click", () => zoom(1.25));
  document.getElementById("zoom-out").addEventListener("click", () => zoom(0.8));
  document.getElementById("zoom-fit").addEventListener("click", refit);
  new ResizeObserver(() => { if (!shown().moved) fit(); }).observe(view);

  const keys = { "+": () => zoom(1.25), "=": () => zoom(1.25), "-": () => zoom(0.8), "0": refit };
  return { fit, refit, zoom, follow, sizeArea, keys };
}

// A picture to pan and zoom: its SVG, its whole extent (`home`), the part shown (`box`),
// and whether the reader moved it.
panZoom.drawing = function (svg) {
  "use strict";
  const whole = svg.viewBox.baseVal;
  const home = { x: whole.x, y: whole.y, w: whole.width, h: whole.height };
  return { svg, home, box: { ...home }, moved: false };
};
