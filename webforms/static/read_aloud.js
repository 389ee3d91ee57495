// "Read it to me" on the survey form (templates/public/survey_question.html): reads the
// question out loud with the browser's own speech synthesis (window.speechSynthesis), in the
// page's language. Nothing is fetched or sent: the words are already on the page and the
// voice is the device's own. Without JavaScript, without speech synthesis, or when the
// device lists its voices and has none for the page's language, no button is shown: nothing
// is broken and nothing is promised. The form works the same with or without it.
//
// One button that reads the whole question, then each option in turn, rather than a small
// speaker beside every option. For a 7-year-old, or a child who cannot read the words or
// see them well, one big button at the top is one thing to find and remember, and it is
// always in the same place; a row of small speakers would each have to be matched to the
// option beside it (the very thing a child who can't read can't do), would crowd the faces
// at 320px, and would double the stops for a child using a keyboard or switch. Each part
// is its own utterance, so there is a pause between options, as a person reading would
// leave. Pressed again while reading, it stops. A screen reader user has their own reader;
// this does not get in its way (it only speaks when pressed).
//
// What to read is marked in the template with data-read, and each option (.choices .choice),
// read in page order; the button goes in the empty <div data-read-aloud>. Emoji and visually
// hidden words are left out.
//
// In the web chat (templates/public/chat.html) the place says data-read-latest="<list id>":
// the button reads Heard's latest reply (the .from-heard items after the last .from-you one,
// looked up when pressed, so messages chat.js adds later are read too), then each of the
// answers matched by data-read-options.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  var place = document.querySelector("[data-read-aloud]");
  if (!synth || typeof synth.speak !== "function" || typeof Utterance !== "function" || !place) {
    return;
  }
  // The words on the button come from the page, in its language (the translation catalogues).
  var READ = place.getAttribute("data-label-read") || "Read it to me";
  var STOP = place.getAttribute("data-label-stop") || "Stop reading";
  var reading = false;
  var round = 0; // which press the voice belongs to: a cancelled round's last word is not ours

  function languageOf(element) {
    var owner = element.closest("[lang]");
    return (owner && owner.getAttribute("lang")) || document.documentElement.lang || "";
  }

  function primary(lang) {
    return String(lang || "").toLowerCase().split(/[-_]/)[0];
  }

  // A device that lists its voices and has none for this language would read the words in
  // the wrong accent, or not at all: better no button. No list yet (some browsers load it
  // late, some never list it) is not a "no": the browser picks the voice from the language.
  function canSpeak(lang) {
    var voices = typeof synth.getVoices === "function" ? synth.getVoices() || [] : [];
    if (!voices.length) {
      return true;
    }
    var want = primary(lang);
    for (var i = 0; i < voices.length; i += 1) {
      if (primary(voices[i].lang) === want) {
        return true;
      }
    }
    return false;
  }

  function wordsOf(element) {
    var copy = element.cloneNode(true);
    var hidden = copy.querySelectorAll('[aria-hidden="true"], .visually-hidden, [data-read-aloud]');
    for (var i = 0; i < hidden.length; i += 1) {
      hidden[i].parentNode.removeChild(hidden[i]);
    }
    return (copy.textContent || "").replace(/\s+/g, " ").trim();
  }

  function latestReply(listId) {
    var list = document.getElementById(listId);
    var items = list ? list.children : [];
    var reply = [];
    for (var i = items.length - 1; i >= 0; i -= 1) {
      if (items[i].classList.contains("from-you")) {
        break;
      }
      if (items[i].classList.contains("from-heard")) {
        reply.unshift(items[i]);
      }
    }
    var options = place.getAttribute("data-read-options");
    var answers = options ? document.querySelectorAll(options) : [];
    return reply.concat(Array.prototype.slice.call(answers));
  }

  function parts() {
    var latest = place.getAttribute("data-read-latest");
    var marked = latest
      ? latestReply(latest)
      : document.querySelectorAll("main [data-read], main .choices .choice");
    var out = [];
    for (var i = 0; i < marked.length; i += 1) {
      var text = wordsOf(marked[i]);
      if (text) {
        out.push({ text: text, lang: languageOf(marked[i]) });
      }
    }
    return out;
  }

  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary read-aloud-button";
  var icon = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  var shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
  shape.setAttribute("fill", "currentColor");
  icon.appendChild(shape);
  var label = document.createElement("span");
  var SPEAKER = "M3 9v6h4l5 4V5L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z";
  var SQUARE = "M6 6h12v12H6z";
  button.appendChild(icon);
  button.appendChild(label);

  function show(isReading) {
    reading = isReading;
    label.textContent = isReading ? STOP : READ;
    shape.setAttribute("d", isReading ? SQUARE : SPEAKER); // a loudspeaker, or a stop square
  }

  function stop() {
    round += 1;
    synth.cancel();
    show(false);
  }

  function readAloud() {
    synth.cancel(); // never two voices at once: anything already playing stops first
    round += 1;
    var mine = round;
    var list = parts();
    if (!list.length) {
      show(false);
      return;
    }
    show(true);
    list.forEach(function (part, index) {
      var utterance = new Utterance(part.text);
      utterance.lang = part.lang;
      utterance.rate = 0.9; // a little slower than usual, for younger children
      if (index === list.length - 1) {
        utterance.onend = utterance.onerror = function () {
          if (mine === round) {
            show(false);
          }
        };
      }
      synth.speak(utterance);
    });
  }

  button.addEventListener("click", function () {
    if (reading) {
      stop();
    } else {
      readAloud();
    }
  });

  function offerIfSpeakable() {
    var ok = canSpeak(languageOf(place));
    button.hidden = !ok;
    if (!ok && reading) {
      stop();
    }
  }

  show(false);
  offerIfSpeakable();
  place.appendChild(button);
  if (typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", offerIfSpeakable);
  }
  // Leaving the page (Next, Back, Stop for now) stops the voice: it reads this page only.
  window.addEventListener("pagehide", function () {
    synth.cancel();
  });
})();
