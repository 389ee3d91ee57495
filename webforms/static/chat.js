// Heard web chat: optional enhancement. Without it every form is a plain post that works.
// With it, a post is sent in the background, the new lines are added under the earlier ones
// (kept only on this page, never stored), and the forms are swapped for the new ones.
// "Would you like someone to get in touch?" under the help (data-js-chat) goes the same way:
// its form is taken away once answered, and the answer and the question they were on follow,
// so the conversation so far stays on screen.
//
// The page's address stays /chat, so a reload is a plain GET that knows nothing of the help
// shown (without this script a reload posts the last form again, help and all). So the
// sealed help the forms carry (Heard's words and the alert's number, never the person's) is
// kept in this tab's own history entry, history.state: gone with the tab, in no address,
// cookie or store. After a reload it is posted to /chat/help, and the help goes back above
// the conversation, where it stays without this script, with "would you like someone to get
// in touch?" if that is still unanswered. Never twice: only if the page shows no help.
//
// Read a form's address with getAttribute: the menu's <button name="action"> shadows
// form.action (it would post to "/[object HTMLButtonElement]"), as a control named
// "submit" would shadow form.submit.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (!chat || !window.fetch || !window.DOMParser || !window.FormData) {
    return;
  }

  function addressOf(form) {
    return form.getAttribute("action") || window.location.pathname;
  }

  var KEPT = "heardHelp";

  function keptHelp() {
    var state = window.history.state;
    return state && typeof state[KEPT] === "string" ? state[KEPT] : "";
  }

  // The sealed help the chat's forms now carry, kept for a reload of this page.
  function keepHelp() {
    var field = document.querySelector('#chat-controls input[name="help"]');
    var help = field ? field.value : "";
    if (help === keptHelp()) {
      return;
    }
    var state = {};
    var old = window.history.state;
    if (old && typeof old === "object") {
      Object.keys(old).forEach(function (key) {
        state[key] = old[key];
      });
    }
    state[KEPT] = help;
    try {
      window.history.replaceState(state, "");
    } catch (error) {
      // no history to keep it in: a reload shows the footer's help only, as before
    }
  }

  // Each of the chat's forms carries the help again, as the server's own pages do.
  function carryHelp(help) {
    chat.querySelectorAll("#chat-controls form.js-chat").forEach(function (form) {
      if (!form.querySelector('input[name="help"]')) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = "help";
        field.value = help;
        form.appendChild(field);
      }
    });
  }

  // After a reload: the help this tab was shown, drawn again by the server, above the
  // conversation. Not if the page already shows help (a page posted the ordinary way).
  function restoreHelp() {
    var help = keptHelp();
    var token = chat.querySelector('input[name="csrf_token"]');
    var address = chat.getAttribute("data-kept-help");
    if (!help || !token || !address || chat.querySelector(".safeguarding")) {
      keepHelp();
      return;
    }
    var body = new FormData();
    body.append("csrf_token", token.value);
    body.append("help", help);
    fetch(address, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.status === 200 ? response.text() : "";
      })
      .then(function (html) {
        var page = html && new DOMParser().parseFromString(html, "text/html");
        var panel = page && page.getElementById("help-kept");
        if (!panel || chat.querySelector(".safeguarding")) {
          return;
        }
        var shown = chat.insertBefore(document.importNode(panel, true), chat.firstChild);
        // The browser may have put back how far down the page was before the reload: the
        // page from its start, as it loads, so the help (first in the chat) is in view.
        var top = shown.getBoundingClientRect().top;
        if (top < 0 || top > window.innerHeight / 2) {
          window.scrollTo(0, 0);
          if (shown.getBoundingClientRect().top > window.innerHeight / 2) {
            shown.scrollIntoView({ block: "start" });
          }
        }
        carryHelp(help);
        keepHelp();
      })
      .catch(function () {
        // offline: the help stays kept, for the next load
      });
  }

  function swap(id, fresh) {
    var old = document.getElementById(id);
    if (old && fresh) {
      old.replaceWith(fresh);
    }
  }

  // The ordinary post, as if this script were not here: the button pressed goes with it.
  function postNatively(form, submitter) {
    if (submitter && submitter.name) {
      var carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = submitter.name;
      carried.value = submitter.value;
      form.appendChild(carried);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  // Anything but a chat page (the kind "try again" page, a refused form): show it whole.
  function showWholePage(html) {
    document.open();
    document.write(html);
    document.close();
  }

  function formData(form, submitter) {
    try {
      return new FormData(form, submitter || undefined);
    } catch (error) {
      var body = new FormData(form);
      if (submitter && submitter.name) {
        body.append(submitter.name, submitter.value);
      }
      return body;
    }
  }

  // Help raised by this message is what the person must see: in view, announced, focused.
  // Otherwise their own line goes to the top, so Heard's reply is read from its start.
  function bringIntoView(added, typed) {
    var help = null;
    added.forEach(function (item) {
      // A "please read" under an answer (words in another language) is read after the
      // answer, in order: only help for a disclosure takes the focus.
      help = help || item.querySelector(".safeguarding:not(.please-read)");
    });
    if (help) {
      // Their own words above the help if both fit, else the help at the top.
      added[0].scrollIntoView({ block: "start" });
      if (help.getBoundingClientRect().bottom > window.innerHeight) {
        help.scrollIntoView({ block: "start" });
      }
      help.focus({ preventScroll: true });
      return;
    }
    if (added.length) {
      added[0].scrollIntoView({ block: "start" });
    }
    // "Get in touch?" asked again with something to put right: the first field to fix.
    var fix = null;
    added.forEach(function (item) {
      fix = fix || item.querySelector(".contact-offer .has-error input");
    });
    if (fix) {
      fix.focus({ preventScroll: true });
      return;
    }
    var input = document.getElementById("chat-text");
    if (typed && input) {
      input.focus({ preventScroll: true });
    }
  }

  function send(event) {
    var form = event.target;
    if (!form.matches || !form.matches(".js-chat, [data-js-chat]")) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    var typed = form.classList.contains("chat-send");
    chat.setAttribute("aria-busy", "true");
    fetch(addressOf(form), {
      method: "POST",
      body: formData(form, submitter),
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.text().then(function (html) {
          return { response: response, html: html };
        });
      })
      .then(function (result) {
        var page = new DOMParser().parseFromString(result.html, "text/html");
        var log = page.getElementById("chat-log");
        if (!log) {
          if (result.response.ok && result.response.redirected) {
            window.location.assign(result.response.url);
          } else {
            showWholePage(result.html);
          }
          return;
        }
        var here = document.getElementById("chat-log");
        if (form.classList.contains("contact-offer")) {
          // Answered, or asked again below with what to put right. Asked again before, it
          // was all of its line: the line goes too, never left an empty Heard bubble.
          var askedAgain = form.closest(".contact-again");
          (askedAgain || form).remove();
        }
        var earlier = here.querySelector("#help-now");
        if (earlier && log.querySelector("#help-now")) {
          earlier.removeAttribute("id"); // the newest help is #help-now; earlier help stays
        }
        var added = Array.prototype.slice.call(log.children).map(function (item) {
          return here.appendChild(document.importNode(item, true));
        });
        swap("chat-controls", page.getElementById("chat-controls"));
        keepHelp();
        bringIntoView(added, typed);
      })
      .catch(function () {
        postNatively(form, submitter);
      })
      .finally(function () {
        chat.removeAttribute("aria-busy");
      });
  }

  chat.addEventListener("submit", send);
  restoreHelp();
})();
