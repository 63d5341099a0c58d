// Explore controls on the static site (npnet_book.explore.explore): each knob's range input picks a
// value; the frame for the chosen combination is shown and the readout updated. The frames are
// precomputed <img>s, in itertools.product order of the knobs. No kernel, no framework.
(function () {
  "use strict";
  function wire(box) {
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input[type=range][data-knob]"));
    var frames = box.querySelectorAll(".npnet-explore-frames img");
    var readout = box.querySelector(".npnet-explore-readout");
    function update() {
      var index = 0, parts = [];
      inputs.forEach(function (input) {
        var labels = JSON.parse(input.getAttribute("data-labels"));
        var pos = Number(input.value);
        index = index * labels.length + pos;
        input.setAttribute("aria-valuetext", labels[pos]);
        var out = input.parentNode.querySelector("output");
        if (out) out.textContent = labels[pos];
        parts.push(input.getAttribute("data-knob") + " = " + labels[pos]);
      });
      for (var i = 0; i < frames.length; i++) frames[i].hidden = (i !== index);
      if (readout) readout.textContent = parts.join(", ");
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  }
  function init() {
    document.querySelectorAll(".npnet-explore").forEach(wire);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
