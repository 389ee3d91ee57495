// Heard: a live count under a text box, for when a long answer is pasted or typed.
// Optional: without it the server still refuses words that are too long, kindly, and puts
// them back in the box. Never a maxlength: that would cut pasted words off silently.
//
// The box's wrapper ([data-count-limit]) carries the words, already translated by the
// page (data-count-words, data-count-over, with {used} and {limit} in them). The visible
// count changes as they type; the polite live region beside it speaks only when they come
// near the limit or go over it, once they pause, so a screen reader is not talked over.
// Characters are counted as the server counts them: letters, emoji and line breaks one
// each, spaces at either end not at all.
(function () {
  "use strict";
  var NEAR = 0.9;

  function counted(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").trim()).length;
  }

  function number(n) {
    return n.toLocaleString("en-GB");
  }

  function setUp(wrapper) {
    var box = wrapper.querySelector("textarea, input[type=text]");
    var shown = wrapper.querySelector("[data-count-shown]");
    var spoken = wrapper.querySelector("[data-count-spoken]");
    var limit = parseInt(wrapper.getAttribute("data-count-limit"), 10);
    if (!box || !shown || !spoken || !limit) {
      return;
    }
    var timer = null;
    var said = "";

    function words(used) {
      var over = used > limit;
      var pattern = wrapper.getAttribute(over ? "data-count-over" : "data-count-words") || "";
      return pattern.replace("{used}", number(used)).replace("{limit}", number(limit));
    }

    function speak() {
      var used = counted(box.value);
      var text = used >= limit * NEAR ? words(used) : "";
      if (text !== said) {
        said = text;
        spoken.textContent = text;
      }
    }

    function update() {
      var used = counted(box.value);
      shown.textContent = words(used);
      shown.hidden = false;
      wrapper.classList.toggle("count-near", used >= limit * NEAR && used <= limit);
      wrapper.classList.toggle("count-over", used > limit);
      window.clearTimeout(timer);
      timer = window.setTimeout(speak, 1000);
    }

    box.addEventListener("input", update);
    update();
    speak(); // words put back after "make it shorter": say where they stand now
  }

  document.querySelectorAll("[data-count-limit]").forEach(setUp);
})();
