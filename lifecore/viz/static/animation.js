// A frame player for lifecore.viz.animation_html: PNG frames given as base64 strings.
// No dependencies; state lives in the slider (its value is the frame shown).
function lifecoreAnimation(root, frames, interval) {
  var img = root.querySelector(".lifecore-anim-frame");
  var slider = root.querySelector(".lifecore-anim-slider");
  var label = root.querySelector(".lifecore-anim-t");
  var playButton = root.querySelector('[data-act="play"]');
  var timer = null;
  function show(t) {
    t = Math.max(0, Math.min(frames.length - 1, t));
    slider.value = String(t);
    img.src = "data:image/png;base64," + frames[t];
    label.textContent = "t = " + t;
    root.setAttribute("data-frame", String(t));
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playButton.innerHTML = "&#x25B6;&#xFE0E;";
    playButton.title = "play";
    playButton.setAttribute("aria-label", "play");
  }
  function play() {
    if (timer !== null) { stop(); return; }
    timer = setInterval(function () {
      show((Number(slider.value) + 1) % frames.length);
    }, interval);
    playButton.innerHTML = "&#x275A;&#x275A;";
    playButton.title = "pause";
    playButton.setAttribute("aria-label", "pause");
  }
  var actions = {
    first: function () { stop(); show(0); },
    prev: function () { stop(); show(Number(slider.value) - 1); },
    next: function () { stop(); show(Number(slider.value) + 1); },
    last: function () { stop(); show(frames.length - 1); },
    play: play
  };
  root.querySelectorAll("button[data-act]").forEach(function (b) {
    b.addEventListener("click", actions[b.getAttribute("data-act")]);
  });
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  show(0);
}
