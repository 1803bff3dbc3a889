// The explorer's script. The SVG already holds every number in its place; this
// script only shows, hides and rewrites them, step by step, from the JSON data of the pass
// (see viz/pass_data.py). Text from the graph is only ever set as textContent.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("pass-data").textContent);
  const quiz = data.mode === "quiz";
  const n = data.n;
  const view = document.getElementById("view");
  const panel = document.getElementById("derivation");
  let k = quiz ? n : 0; // the step shown: 0 is the forward picture, n the finished one
  let timer = null;
  let pinned = null; // the number whose derivation stays in the panel: {wire, what}

  // --- the drawings, their wires and numbers ------------------------------------------
  // One drawing per view of the graph (composites boxed, or collapsed), one shown at a time.
  const layouts = view.querySelectorAll(".layout");
  const drawings = data.views.map((info, index) => {
    const svg = layouts[index].querySelector("svg");
    const drawing = { ...panZoom.drawing(svg), info, layout: layouts[index], wires: new Map(),
                      ready: false };
    for (const [id, wireInfo] of Object.entries(info.wires)) {
      const group = document.getElementById(info.prefix + "wire-" + id);
      if (!group) continue;
      const wire = { id, info: wireInfo, group, value: group.querySelector("text.value"),
                     grad: wireInfo.grad ? group.querySelector("text.grad") : null };
      drawing.wires.set(id, wire);
      for (const what of ["value", "grad"]) {
        const text = wire[what];
        if (!text) continue;
        text.addEventListener("click", (event) => { event.stopPropagation(); pin(wire, what); });
        text.addEventListener("mouseenter", () => explain({ wire, what }));
        text.addEventListener("mouseleave", () => explain(pinned));
      }
    }
    return drawing;
  });
  let shown = drawings[0];
  const MAX_SCALE = 2; // pixels per point when the whole graph is shown: small graphs stay small
  const pan = panZoom(view, () => shown, MAX_SCALE);

  // Sizes are known only once a drawing is on screen: centre its gradients then.
  function prepare(drawing) {
    if (drawing.ready) return;
    drawing.ready = true;
    for (const wire of drawing.wires.values()) if (wire.grad) centre(wire.grad);
  }

  // A gradient's text changes as it accumulates; keep it centred where the
  // layout put the final one.
  function centre(text) {
    const box = text.getBBox();
    text.setAttribute("x", String(box.x + box.width / 2));
    text.setAttribute("text-anchor", "middle");
  }

  function shownAt(events, step) {
    let found = null;
    for (const event of events) if (event[0] <= step) found = event;
    return found;
  }

  // --- step mode ---------------------------------------------------------------------
  function go(target) {
    k = Math.max(0, Math.min(n, target));
    for (const wire of shown.wires.values()) {
      if (!wire.grad) continue;
      const event = shownAt(wire.info.grad, k);
      const hidden = !event || (quiz && wire.info.kind !== "output");
      const last = wire.info.grad[wire.info.grad.length - 1];
      // hidden, it keeps the final number's width; a quiz's answers are not in the picture
      wire.grad.textContent = !hidden ? event[1] : quiz ? "" : last[1];
      wire.grad.classList.toggle("pending", hidden);
      wire.grad.classList.toggle("fresh", !hidden && !quiz && event[0] === k);
    }
    const svg = shown.svg;
    const prefix = shown.info.prefix;
    for (const lit of svg.querySelectorAll(".active")) lit.classList.remove("active");
    const step = data.steps[k];
    const gateId = shown.info.gates[k];
    if (gateId && !quiz) {
      const gate = document.getElementById(prefix + "gate-" + gateId);
      light(gate);
      pan.follow(gate);
      for (const id of shown.info.fed[k]) {
        light(document.getElementById(prefix + "wire-" + id));
        for (const edge of svg.querySelectorAll("g.edge")) {
          if (edge.dataset.from === id || edge.dataset.to === id) light(edge);
        }
      }
    }
    document.getElementById("step").textContent = `${k} / ${n}`;
    document.getElementById("caption-title").textContent = quiz ? "" : step.title;
    const lines = document.getElementById("caption-lines");
    lines.replaceChildren(...(quiz ? [] : step.lines).map((line) => element("div", line)));
    explain(pinned);
  }

  function light(node) { if (node) node.classList.add("active"); }

  function play() {
    if (timer !== null) { stop(); return; }
    if (k >= n) go(0);
    timer = setInterval(() => { go(k + 1); if (k >= n) stop(); }, 900);
    const button = document.getElementById("play");
    button.textContent = "pause";
    button.setAttribute("aria-pressed", "true");
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    const button = document.getElementById("play");
    button.textContent = "play";
    button.setAttribute("aria-pressed", "false");
  }

  const moves = { home: () => 0, back: () => k - 1, next: () => k + 1, end: () => n };
  for (const [id, target] of Object.entries(moves)) {
    document.getElementById(id).addEventListener("click", () => { stop(); go(target()); });
  }
  document.getElementById("play").addEventListener("click", play);

  // --- the derivation panel ----------------------------------------------------------
  function element(tag, text, className) {
    const node = document.createElement(tag);
    node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function pin(wire, what) {
    for (const text of shown.svg.querySelectorAll("text.asked")) text.classList.remove("asked");
    pinned = { wire, what };
    if (wire[what]) wire[what].classList.add("asked");
    explain(pinned);
  }

  function gradName(wire) {
    return wire.info.label ? `\u2202${data.f}/\u2202${wire.info.label}` : "this gradient";
  }

  function explain(target) {
    if (!target) {
      panel.replaceChildren(element("p", "Click a number to see how it was obtained.", "help"));
      return;
    }
    const { wire, what } = target;
    if (what === "value") {
      panel.replaceChildren(element("p", "forward value", "head value"),
                            element("div", wire.info.value, "line"));
      return;
    }
    if (quiz && wire.info.kind !== "output") { quizPanel(wire); return; }
    const name = gradName(wire);
    const done = wire.info.why.filter((entry) => entry[0] <= k);
    const todo = wire.info.why.filter((entry) => entry[0] > k);
    const parts = [element("p", `gradient ${name === "this gradient" ? "" : name}`, "head grad")];
    if (done.length === 0) {
      const when = todo.length ? ` it is computed at step ${todo[0][0]} of ${n}` : "";
      parts.push(element("p", `${name} is not computed yet:${when}.`, "todo"));
    } else {
      for (const [step, line] of done) parts.push(element("div", `step ${step}: ${line}`, "line"));
      if (wire.info.kind === "trunk" || done.length > 1) {
        const event = shownAt(wire.info.grad, k);
        const sum = todo.length ? "sum so far" : "sum";
        parts.push(element("p", `${sum}: ${event[1]}`));
      }
      for (const [step] of todo) {
        parts.push(element("p", `still to come: a share at step ${step} of ${n}`, "todo"));
      }
    }
    panel.replaceChildren(...parts);
  }

  // --- quiz mode ---------------------------------------------------------------------
  const boxes = [];
  const tries = new Map(); // wire id -> what was asked for: "wrong", "hint", "answer"

  function quizPanel(wire) {
    const parts = [element("p", `gradient ${gradName(wire)}`, "head grad")];
    const state = tries.get(wire.id);
    if (!state) {
      parts.push(element("p", "Type it into the box and press Enter.", "help"));
    } else if (state === "right") {
      parts.push(element("p", `Right: ${wire.info.answer}.`));
    } else {
      if (state === "wrong") parts.push(element("p", "Not quite.", "todo"));
      if (state === "hint" || state === "answer") {
        for (const hint of wire.info.hint) parts.push(element("div", hint, "line"));
      }
      if (state === "answer") {
        parts.push(element("p", `The answer: ${wire.info.answer}`));
      } else {
        const next = state === "wrong" ? "hint" : "answer";
        const button = element("button", next === "hint" ? "Show a hint" : "Show the answer");
        button.id = next;
        button.type = "button";
        button.addEventListener("click", () => reveal(wire, next));
        parts.push(button);
      }
    }
    panel.replaceChildren(...parts);
  }

  function reveal(wire, what) {
    tries.set(wire.id, what);
    if (what === "answer") {
      const box = boxes.find((b) => b.dataset.wire === wire.id);
      box.value = wire.info.answer;
      box.classList.remove("wrong", "correct");
      box.classList.add("revealed");
    }
    quizPanel(wire);
  }

  // Right within one unit of the answer's last digit (info.tolerance): -4 or -3.99 for -4.00.
  function isRight(typed, info) {
    const text = typed.trim().toLowerCase().replace("\u2212", "-");
    if (typeof info.exact === "string") return text === info.exact;
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(text)) return false;
    return Math.abs(Number(text) - info.exact) <= info.tolerance * (1 + 1e-9);
  }

  function makeBoxes() {
    for (const wire of shown.wires.values()) {
      if (!wire.grad || wire.info.kind === "output") continue;
      const box = wire.grad.getBBox();
      const width = Math.max(box.width + 14, 44);
      const holder = document.createElementNS("http://www.w3.org/2000/svg", "foreignObject");
      holder.setAttribute("x", String(box.x + box.width / 2 - width / 2));
      holder.setAttribute("y", String(box.y - 2));
      holder.setAttribute("width", String(width));
      holder.setAttribute("height", String(box.height + 4));
      const input = document.createElement("input");
      input.className = "answer";
      input.setAttribute("inputmode", "decimal");
      input.setAttribute("autocomplete", "off");
      input.dataset.wire = wire.id;
      if (wire.info.label !== undefined) input.dataset.label = wire.info.label;
      input.setAttribute("aria-label", `gradient ${gradName(wire)}`);
      input.addEventListener("focus", () => { pinned = { wire, what: "grad" }; quizPanel(wire); });
      input.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        const right = isRight(input.value, wire.info);
        input.classList.remove("revealed");
        input.classList.toggle("correct", right);
        input.classList.toggle("wrong", !right);
        const before = tries.get(wire.id);
        tries.set(wire.id, right ? "right" : before === "hint" ? "hint" : "wrong");
        score();
        quizPanel(wire);
      });
      holder.append(input);
      wire.group.append(holder);
      boxes.push(input);
    }
    score();
  }

  function score() {
    const right = boxes.filter((box) => box.classList.contains("correct")).length;
    document.getElementById("score").textContent = `${right} of ${boxes.length} right`;
  }

  // The view is as tall as the pictures need at their largest scale, within the window.
  pan.sizeArea(drawings, 0.62);

  // --- keys --------------------------------------------------------------------------
  const keys = {
    ArrowRight: () => { stop(); go(k + 1); }, ArrowLeft: () => { stop(); go(k - 1); },
    Home: () => { stop(); go(0); }, End: () => { stop(); go(n); }, " ": play,
    ...pan.keys, c: () => toggle(),
  };
  // A button clicked with the mouse gives the keys back, so Space still plays; one reached
  // with Tab keeps them, and Space or Enter presses it, as everywhere.
  for (const button of document.querySelectorAll("header button")) {
    button.addEventListener("pointerup", () => button.blur());
  }
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement || event.ctrlKey || event.metaKey) return;
    if (event.target instanceof HTMLButtonElement && [" ", "Enter"].includes(event.key)) return;
    const action = keys[event.key];
    if (!action) return;
    if (quiz && ["ArrowRight", "ArrowLeft", "Home", "End", " "].includes(event.key)) return;
    event.preventDefault();
    action();
  });

  // --- boxed or collapsed composites -----------------------------------------------------
  const groupsButton = document.getElementById("groups");
  function toggle() {
    if (drawings.length < 2) return;
    const next = drawings[(drawings.indexOf(shown) + 1) % drawings.length];
    shown.layout.hidden = true;
    next.layout.hidden = false;
    shown = next;
    prepare(shown);
    pinned = null;
    if (!shown.moved) pan.fit();
    go(k);
    nameToggle();
  }
  function nameToggle() {
    groupsButton.textContent = shown.info.groups === "box" ? "collapse composites"
      : "box composites";
  }
  if (drawings.length > 1) {
    groupsButton.hidden = false;
    groupsButton.addEventListener("click", toggle);
    nameToggle();
  }

  prepare(shown);
  if (quiz) makeBoxes();
  pan.fit();
  go(k);
})();
