// Heard web chat: optional enhancement. Without it every form is a plain post that works.
// With it, a post is sent in the background, the new lines are added under the earlier ones
// (kept only on this page, never stored), and the forms are swapped for the new ones.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (!chat || !window.fetch || !window.DOMParser || !window.FormData) {
    return;
  }

  function swap(id, fresh) {
    var old = document.getElementById(id);
    if (old && fresh) {
      old.replaceWith(fresh);
    }
  }

  function send(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-chat")) {
      return;
    }
    event.preventDefault();
    var body;
    try {
      body = new FormData(form, event.submitter || undefined);
    } catch (error) {
      body = new FormData(form);
      if (event.submitter && event.submitter.name) {
        body.append(event.submitter.name, event.submitter.value);
      }
    }
    chat.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          return { response: response, html: html };
        });
      })
      .then(function (result) {
        var page = new DOMParser().parseFromString(result.html, "text/html");
        var log = page.getElementById("chat-log");
        if (!result.response.ok || !log) {
          window.location.assign(result.response.url || form.action);
          return;
        }
        var here = document.getElementById("chat-log");
        Array.prototype.slice.call(log.children).forEach(function (item) {
          here.appendChild(document.importNode(item, true));
        });
        swap("chat-alert", page.getElementById("chat-alert"));
        swap("chat-controls", page.getElementById("chat-controls"));
        var last = here.lastElementChild;
        if (last) {
          last.scrollIntoView({ block: "nearest" });
        }
        var input = document.getElementById("chat-text");
        if (input) {
          input.focus();
        }
      })
      .catch(function () {
        form.submit();
      })
      .finally(function () {
        chat.removeAttribute("aria-busy");
      });
  }

  chat.addEventListener("submit", send);
})();
