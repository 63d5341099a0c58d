// Explore controls on the static site (npnet_book.explore.explore). Each knob is a range input
// (numbers) or a radio group in a <fieldset> (names); the frame for the chosen combination is
// shown and the readout (the knob values and the number to watch) updated. The frames are
// precomputed <img>s, in itertools.product order of the knobs (first knob slowest). No
// kernel, no framework.
(function () {
  "use strict";
  function shownName(label, el) {
    return (label && label.textContent.trim()) || el.getAttribute("data-knob");
  }
  function knobsOf(box) {
    return Array.prototype.map.call(box.querySelectorAll("[data-knob]"), function (el) {
      if (el.tagName === "FIELDSET") {
        var radios = Array.prototype.slice.call(el.querySelectorAll("input[type=radio]"));
        return {
          name: el.getAttribute("data-knob"), inputs: radios, size: radios.length,
          shown: shownName(el.querySelector("legend"), el),
          position: function () {
            for (var i = 0; i < radios.length; i++) if (radios[i].checked) return i;
            return 0;
          },
          label: function (i) { return radios[i].parentNode.textContent; },
          show: function () {}
        };
      }
      var labels = JSON.parse(el.getAttribute("data-labels"));
      return {
        name: el.getAttribute("data-knob"), inputs: [el], size: labels.length,
        shown: shownName(el.parentNode.querySelector("span"), el),
        position: function () { return Number(el.value); },
        label: function (i) { return labels[i]; },
        show: function (i) {
          el.setAttribute("aria-valuetext", labels[i]);
          var out = el.parentNode.querySelector("output");
          if (out) out.textContent = labels[i];
        }
      };
    });
  }
  function wire(box) {
    var knobs = knobsOf(box);
    var frames = box.querySelectorAll(".npnet-explore-frames img");
    var readout = box.querySelector(".npnet-explore-readout");
    function update() {
      var index = 0, parts = [];
      knobs.forEach(function (knob) {
        var pos = knob.position();
        index = index * knob.size + pos;
        knob.show(pos);
        parts.push(knob.shown + " = " + knob.label(pos));
      });
      for (var i = 0; i < frames.length; i++) frames[i].hidden = (i !== index);
      // each frame carries its own readout (the knob values and the number to watch); a page
      // built from outputs stored before `watch=` existed has none: show the knob values
      var text = frames[index] && frames[index].getAttribute("data-readout");
      if (readout) readout.textContent = text || parts.join(", ");
    }
    knobs.forEach(function (knob) {
      knob.inputs.forEach(function (input) {
        input.addEventListener("input", update);
        input.addEventListener("change", update);
      });
    });
    update();
  }
  function init() {
    document.querySelectorAll(".npnet-explore").forEach(wire);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
