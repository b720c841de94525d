// lifecore trajectory viewer: the simulator, a seeded soup generator and the controls,
// in plain JavaScript with no dependencies, so the static book plays without a kernel
// or a network. In JupyterLab the same file runs as an anywidget (`render`); in the
// static page `LifecoreViewer.staticModel` stands in for the widget model.
// The simulator must agree cell for cell with lifecore.simulate (tests/viz/test_viewer_js.py).
var LifecoreViewer = (function () {
  "use strict";

  // Golly's MAP bit of each cell of the 3x3 window (row-major, N is the row above).
  var WEIGHTS = [256, 128, 64, 32, 16, 8, 4, 2, 1];
  var NEIGHBOURHOODS = {
    moore: [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]],
    vonneumann: [[-1, 0], [0, -1], [0, 1], [1, 0]],
    hex: [[-1, -1], [-1, 0], [0, -1], [0, 1], [1, 0], [1, 1]]
  };
  var SUFFIX = { "": "moore", V: "vonneumann", H: "hex" };
  var SUFFIX_OF = { moore: "", vonneumann: "V", hex: "H" };

  function bitOf(dr, dc) { return WEIGHTS[(dr + 1) * 3 + (dc + 1)]; }

  function nameKey(name) {
    return name.toLowerCase().replace(/&/g, "and").replace(/[^a-z0-9]/g, "");
  }

  // The 512-entry next-state table of an outer-totalistic rule.
  function totalisticTable(birth, survival, neighbourhood) {
    var bits = NEIGHBOURHOODS[neighbourhood].map(function (d) { return bitOf(d[0], d[1]); });
    var table = new Uint8Array(512);
    for (var i = 0; i < 512; i++) {
      var count = 0;
      for (var k = 0; k < bits.length; k++) if (i & bits[k]) count++;
      table[i] = (i & 16 ? survival : birth).indexOf(count) >= 0 ? 1 : 0;
    }
    return table;
  }

  function digits(text) {
    return text.split("").map(Number).filter(function (v, i, a) { return a.indexOf(v) === i; })
      .sort();
  }


  // Hensel (isotropic non-totalistic) notation, from Golly's liferules.cpp: the letters
  // valid per neighbour count, and one representative window (MAP bits, centre dead) per
  // letter of counts 1..4; counts 5..7 are the complements of 3..1.
  var LETTERS = ["", "ce", "ceaikn", "ceaiknjqry", "ceaiknjqrytwz", "ceaiknjqry", "ceaikn", "ce", ""];
  var REPRESENTATIVES = [
    [1, 2],
    [5, 10, 3, 40, 33, 68],
    [69, 42, 11, 7, 98, 13, 14, 70, 41, 97],
    [325, 170, 15, 45, 99, 71, 106, 102, 43, 101, 105, 78, 108]
  ];

  function rotate(x) {
    return ((x & 0x4) << 6) | ((x & 0x20) << 2) | ((x & 0x100) >> 2) | ((x & 0x2) << 4) |
      (x & 0x10) | ((x & 0x80) >> 4) | ((x & 0x1) << 2) | ((x & 0x8) >> 2) | ((x & 0x40) >> 6);
  }

  function flip(x) { return ((x & 0x07) << 6) | ((x & 0x1c0) >> 6) | (x & 0x38); }

  // The windows of one Hensel class (count, letter), centre dead: a representative's orbit.
  function henselClass(count, letter) {
    var k = "ceaiknjqrytwz".indexOf(letter), n = count <= 4 ? count : 8 - count;
    var x = REPRESENTATIVES[n - 1][k] ^ (count > 4 ? 0x1ef : 0), out = [];
    for (var f = 0; f < 2; f++, x = flip(x)) {
      for (var r = 0; r < 4; r++, x = rotate(x)) if (out.indexOf(x) < 0) out.push(x);
    }
    return out;
  }

  // One half (birth or survival) of a Hensel rule: {groups: {count: [letters]}} or {error}.
  function henselHalf(text, label) {
    var groups = {}, minus = {}, pos = 0, re = /([0-9])(-?)([a-z]*)/y;
    while (pos < text.length) {
      re.lastIndex = pos;
      var m = re.exec(text);
      if (!m) {
        return { error: "unexpected '" + text[pos] + "' in " + label + " part '" + text +
          "': Hensel letters and '-' must follow a count digit" };
      }
      var count = Number(m[1]), negate = m[2] === "-", letters = m[3];
      if (count > 8) {
        return { error: label + " count " + count + " impossible: the moore neighbourhood " +
          "has 8 cells" };
      }
      for (var i = 0; i < letters.length; i++) {
        if (LETTERS[count].indexOf(letters[i]) < 0) {
          return { error: "letter '" + letters[i] + "' is not a Hensel class of " + count +
            " neighbours" + (LETTERS[count] ? " (" + LETTERS[count].split("").join(", ") + ")" : "") };
        }
      }
      var chosen = (letters && !negate) ? letters.split("") :
        LETTERS[count].split("").filter(function (l) { return letters.indexOf(l) < 0; });
      if (count in groups && (negate || minus[count])) {
        return { error: label + " count " + count + " given twice with a '-' in '" + text + "'" };
      }
      groups[count] = (groups[count] || []).concat(chosen);
      minus[count] = negate;
      pos = re.lastIndex;
    }
    return { groups: groups };
  }

  // Golly's canonical text of a half: all letters -> the digit; else the shorter of the
  // letters and '-' with the missing ones (the letters on a tie).
  function henselText(groups) {
    return Object.keys(groups).map(Number).sort().map(function (count) {
      var allowed = LETTERS[count], present = groups[count].filter(function (l, i, a) {
        return a.indexOf(l) === i;
      });
      if (present.length === allowed.length) return String(count);
      var plain = present.length <= Math.floor(allowed.length / 2) ||
        (present.length === 7 && allowed.length === 13);
      var shown = plain ? present : allowed.split("").filter(function (l) {
        return present.indexOf(l) < 0;
      });
      return count + (plain ? "" : "-") + shown.sort().join("");
    }).join("");
  }

  function readHensel(birthText, survivalText) {
    var halves = [henselHalf(birthText, "birth"), henselHalf(survivalText, "survival")];
    for (var h = 0; h < 2; h++) if (halves[h].error) return { error: halves[h].error };
    var table = new Uint8Array(512), totalistic = true;
    halves.forEach(function (half, survival) {
      Object.keys(half.groups).forEach(function (key) {
        var count = Number(key), letters = half.groups[key];
        if (!LETTERS[count]) {
          totalisticTable([count], [count], "moore").forEach(function (v, i) {
            if (v && (i & 16) === survival * 16) table[i] = 1;
          });
          return;
        }
        var distinct = letters.filter(function (l, i, a) { return a.indexOf(l) === i; });
        if (distinct.length && distinct.length < LETTERS[count].length) totalistic = false;
        distinct.forEach(function (l) {
          henselClass(count, l).forEach(function (x) { table[x | (survival * 16)] = 1; });
        });
      });
    });
    var name = "B" + henselText(halves[0].groups) + "/S" + henselText(halves[1].groups);
    return { table: table, name: name, neighbourhood: "moore",
      family: totalistic ? "outer-totalistic" : "isotropic" };
  }

  // Window-index weight of each cell of a MAP index, most significant first, by length:
  // Moore, hexagonal, von Neumann (the shorter forms' orders as bgolly reads them).
  var MAP_CELLS = { 86: [256, 128, 64, 32, 16, 8, 4, 2, 1], 22: [2, 1, 32, 16, 8, 256, 128],
    6: [128, 32, 16, 8, 2] };
  var BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  function readMap(text) {
    var code = text.slice(3);
    var body = code.length > 2 && code.slice(-2) === "==" ? code.slice(0, -2) : code;
    var cells = MAP_CELLS[body.length];
    if (!cells) {
      return { error: "a MAP rule needs 86 base64 characters after 'MAP' (or 22 for a " +
        "hexagonal, 6 for a von Neumann rule), got " + body.length };
    }
    var bits = [];
    for (var i = 0; i < body.length; i++) {
      var v = BASE64.indexOf(body[i]);
      if (v < 0) return { error: "character '" + body[i] + "' of the MAP rule is not base64" };
      for (var j = 5; j >= 0; j--) bits.push((v >> j) & 1);
    }
    var table = new Uint8Array(512);
    for (var w = 0; w < 512; w++) {
      var index = 0;
      for (var c = 0; c < cells.length; c++) index = (index << 1) | (w & cells[c] ? 1 : 0);
      table[w] = bits[index];
    }
    var hood = { 86: "moore", 22: "hex", 6: "vonneumann" }[body.length];
    return { table: table, name: "MAP" + body, neighbourhood: hood, family: "map" };
  }

  var PART = "([0-9ac-gi-rtuw-z-]*)";
  var GRAMMARS = [
    [new RegExp("^b" + PART + "[/_]?s" + PART + "([vh]?)$"), 1, 2],
    [new RegExp("^s" + PART + "[/_]?b" + PART + "([vh]?)$"), 2, 1],
    [new RegExp("^" + PART + "[/_]" + PART + "([vh]?)$"), 2, 1]
  ];

  function totalistic(b, s, hood) {
    var size = NEIGHBOURHOODS[hood].length;
    var birth = digits(b), survival = digits(s);
    var parts = [["birth", birth], ["survival", survival]];
    for (var p = 0; p < 2; p++) {
      var bad = parts[p][1].filter(function (c) { return c > size; });
      if (bad.length) {
        return { error: parts[p][0] + " count(s) [" + bad.join(", ") + "] impossible: the " +
          hood + " neighbourhood has " + size + " cells" };
      }
    }
    return {
      table: totalisticTable(birth, survival, hood),
      name: "B" + birth.join("") + "/S" + survival.join("") + SUFFIX_OF[hood],
      neighbourhood: hood,
      family: "outer-totalistic"
    };
  }

  // Read a rule as lifecore.rules.parse_rule does: B/S (either order), legacy S/B, a V or
  // H suffix, Hensel letters (Moore), MAP (Moore, hexagonal, von Neumann), or a name.
  // Returns {table, name, neighbourhood, family} or {error}. Bounded-grid suffixes (:T, :P)
  // are refused: the viewer's boundary menu chooses torus or dead edges.
  function parseRule(text, names) {
    var raw = String(text).trim();
    if (!raw) return { error: "empty rule string" };
    if (raw.indexOf(":") >= 0) {
      return { error: "the viewer has no bounded-grid suffix ('" + raw.slice(raw.indexOf(":")) +
        "'): choose torus or dead with the boundary menu" };
    }
    var named = names && names[nameKey(raw)];
    var compact = (named || raw).replace(/\s+/g, "");
    if (/[^\x00-\x7f]/.test(compact)) {
      return { error: "rule '" + text + "' holds a non-ASCII character" };
    }
    if (/^map/i.test(compact)) return readMap(compact);
    var lower = compact.toLowerCase(), m = null, g;
    for (g = 0; g < GRAMMARS.length && !m; g++) m = GRAMMARS[g][0].exec(lower);
    if (!m) {
      return { error: "cannot read rule '" + text + "': expected B/S notation such as " +
        "'B3/S23', 'B13/S012V', 'B2/S34H', legacy '23/3', Hensel notation such as " +
        "'B2-a/S12', a MAP string, or a known name such as 'HighLife'" };
    }
    var b = m[GRAMMARS[g - 1][1]], s = m[GRAMMARS[g - 1][2]], hood = SUFFIX[m[3].toUpperCase()];
    if (!/[a-z-]/.test(b + s)) return totalistic(b, s, hood);
    if (hood !== "moore") {
      return { error: "Hensel letters need the Moore neighbourhood (as in Golly), but rule '" +
        text + "' names the " + hood + " one" };
    }
    return readHensel(b, s);
  }

  // One generation: board is a Uint8Array of h*w cells (row-major, 0/1).
  function step(board, h, w, table, boundary) {
    var out = new Uint8Array(h * w), torus = boundary !== "dead";
    for (var r = 0; r < h; r++) {
      for (var c = 0; c < w; c++) {
        var index = 0, k = 0;
        for (var dr = -1; dr <= 1; dr++) {
          for (var dc = -1; dc <= 1; dc++, k++) {
            var rr = r + dr, cc = c + dc;
            if (torus) { rr = (rr + h) % h; cc = (cc + w) % w; }
            else if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
            if (board[rr * w + cc]) index |= WEIGHTS[k];
          }
        }
        out[r * w + c] = table[index];
      }
    }
    return out;
  }

  function simulate(board, h, w, table, steps, boundary) {
    var frames = [board];
    for (var t = 0; t < steps; t++) frames.push(step(frames[t], h, w, table, boundary));
    return frames;
  }

  // mulberry32: a small seeded generator; lifecore.viz.viewer.viewer_soup is its Python twin.
  function random(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function soup(size, density, seed) {
    var next = random(seed), board = new Uint8Array(size * size);
    for (var i = 0; i < board.length; i++) board[i] = next() < density ? 1 : 0;
    return board;
  }

  // A stand-in for the anywidget model in the static page: get, set, on, save_changes.
  function staticModel(state) {
    var handlers = {};
    return {
      get: function (key) { return state[key]; },
      set: function (key, value) {
        state[key] = value;
        (handlers["change:" + key] || []).forEach(function (f) { f(); });
      },
      on: function (event, f) { (handlers[event] = handlers[event] || []).push(f); },
      save_changes: function () {}
    };
  }

  function element(tag, attrs, parent) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  function labelled(parent, text, input) {
    var label = element("label", { "class": "lifecore-viewer-field" }, parent);
    element("span", {}, label).textContent = text;
    label.appendChild(input);
    return input;
  }

  function buildControls(el, model) {
    var ui = {};
    var root = element("div", { "class": "lifecore-viewer" }, el);
    var form = element("div", { "class": "lifecore-viewer-controls" }, root);
    var listId = "lifecore-rules-" + Math.random().toString(36).slice(2);
    ui.rule = labelled(form, "rule", element("input", {
      type: "text", list: listId, spellcheck: "false", autocomplete: "off",
      "aria-label": "rule", "class": "lifecore-viewer-rule" }));
    var list = element("datalist", { id: listId }, form);
    (model.get("options") || []).forEach(function (o) { element("option", { value: o }, list); });
    ui.density = labelled(form, "density", element("input", {
      type: "number", min: "0", max: "1", step: "0.01", "aria-label": "density" }));
    ui.seed = labelled(form, "seed", element("input", {
      type: "number", min: "0", step: "1", "aria-label": "seed" }));
    ui.size = labelled(form, "size", element("input", {
      type: "number", min: "8", max: "256", step: "1", "aria-label": "size" }));
    ui.boundary = labelled(form, "boundary", element("select", { "aria-label": "boundary" }));
    ["torus", "dead"].forEach(function (b) { element("option", { value: b }, ui.boundary).textContent = b; });
    var player = element("div", { "class": "lifecore-viewer-player" }, root);
    ui.back = element("button", { type: "button", "aria-label": "previous generation", title: "previous generation" }, player);
    ui.back.innerHTML = "&#x25C0;&#xFE0E;|";
    ui.play = element("button", { type: "button", "aria-label": "play", title: "play", "class": "lifecore-viewer-play" }, player);
    ui.play.innerHTML = "&#x25B6;&#xFE0E;";
    ui.forward = element("button", { type: "button", "aria-label": "next generation", title: "next generation" }, player);
    ui.forward.innerHTML = "|&#x25B6;&#xFE0E;";
    ui.slider = element("input", { type: "range", min: "0", step: "1", "aria-label": "generation",
      "class": "lifecore-viewer-slider" }, player);
    ui.canvas = element("canvas", { "class": "lifecore-viewer-board", role: "img" }, root);
    ui.status = element("div", { "class": "lifecore-viewer-status", "aria-live": "polite" }, root);
    ui.root = root;
    return ui;
  }

  function draw(ui, board, size) {
    var scale = Math.max(1, Math.floor(384 / size));
    ui.canvas.width = size * scale;
    ui.canvas.height = size * scale;
    var ctx = ui.canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ui.canvas.width, ui.canvas.height);
    ctx.fillStyle = "#000000";
    var population = 0;
    for (var i = 0; i < board.length; i++) {
      if (board[i]) {
        population++;
        ctx.fillRect((i % size) * scale, Math.floor(i / size) * scale, scale, scale);
      }
    }
    return population;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function clampInt(value, low, high, fallback) {
    var v = Math.round(Number(value));
    return isFinite(v) ? Math.max(low, Math.min(high, v)) : fallback;
  }

  function render(ctx) {
    var model = ctx.model, el = ctx.el;
    var ui = buildControls(el, model);
    var state = { frames: null, rule: null, size: 0, error: "", timer: null };

    function recompute() {
      var parsed = parseRule(model.get("rule"), model.get("names"));
      state.error = parsed.error || "";
      if (parsed.error && state.frames) return show();  // keep the last good trajectory
      if (parsed.error) parsed = parseRule("B3/S23");
      var size = clampInt(model.get("size"), 8, 256, 64);
      var density = Math.max(0, Math.min(1, Number(model.get("density")) || 0));
      var seed = clampInt(model.get("seed"), 0, 2147483647, 0);
      var steps = clampInt(model.get("steps"), 1, 10000, 200);
      state.rule = parsed.name;
      state.size = size;
      state.frames = simulate(soup(size, density, seed), size, size, parsed.table, steps,
        model.get("boundary"));
      ui.slider.max = String(steps);
      show();
    }

    function show() {
      var t = clampInt(model.get("t"), 0, state.frames.length - 1, 0);
      ui.slider.value = String(t);
      var population = draw(ui, state.frames[t], state.size);
      ui.canvas.setAttribute("aria-label", "board of rule " + state.rule + " at generation " +
        t + ", " + population + " live cells");
      ui.root.setAttribute("data-t", String(t));
      ui.root.setAttribute("data-rule", state.rule);
      var line = escapeHtml(state.rule) + " &nbsp; t = " + t + " &nbsp; population " + population;
      // The error stays while the box still holds the rule that cannot be read.
      ui.status.innerHTML = (state.error ? "<div class='lifecore-viewer-error'>" +
        escapeHtml(state.error) + " (showing " + escapeHtml(state.rule) + ")</div>" : "") + line;
    }

    function setT(t) { model.set("t", t); model.save_changes(); }
    function stop() {
      if (state.timer !== null) { clearInterval(state.timer); state.timer = null; }
      ui.play.innerHTML = "&#x25B6;&#xFE0E;"; ui.play.setAttribute("aria-label", "play");
      ui.play.title = "play";
    }
    function play() {
      if (state.timer !== null) return stop();
      if (Number(model.get("t")) >= state.frames.length - 1) setT(0);
      state.timer = setInterval(function () {
        var t = Number(model.get("t")) + 1;
        if (t >= state.frames.length) return stop();
        setT(t);
      }, model.get("interval") || 100);
      ui.play.innerHTML = "&#x275A;&#x275A;"; ui.play.setAttribute("aria-label", "pause");
      ui.play.title = "pause";
    }

    function bind(input, key, parse, event) {
      input.value = String(model.get(key));
      input.addEventListener(event || "change", function () {
        model.set(key, parse(input.value)); model.save_changes();
      });
      model.on("change:" + key, function () {
        if (String(model.get(key)) !== input.value) input.value = String(model.get(key));
        stop(); setT(0); recompute();
      });
    }
    bind(ui.rule, "rule", String, "input");
    bind(ui.density, "density", Number);
    bind(ui.seed, "seed", Number);
    bind(ui.size, "size", Number);
    bind(ui.boundary, "boundary", String);
    model.on("change:t", function () { if (state.frames) show(); });
    ui.slider.addEventListener("input", function () { stop(); setT(Number(ui.slider.value)); });
    ui.play.addEventListener("click", play);
    ui.back.addEventListener("click", function () { stop(); setT(Math.max(0, Number(model.get("t")) - 1)); });
    ui.forward.addEventListener("click", function () {
      stop(); setT(Math.min(state.frames.length - 1, Number(model.get("t")) + 1));
    });
    recompute();
    return function () { stop(); };
  }

  return {
    parseRule: parseRule, henselClass: henselClass, step: step, simulate: simulate, soup: soup, random: random,
    staticModel: staticModel, render: render
  };
})();
if (typeof module !== "undefined" && module.exports) module.exports = LifecoreViewer;
