// Heard's service worker: keeps the shell (stylesheet, scripts, icons, the offline page) so a
// check-in opens fast on a poor connection. It never keeps a page with answers, a survey or
// chat page, a staff or API page, a POST, or anything sent with Cache-Control: no-store.
// Pages always come from the network; with no network, the offline page says so.
// Served by /sw.js (webforms/public/app_shell.py), which fills in VERSION and SHELL.
"use strict";

var VERSION = "__HEARD_VERSION__";
var SHELL = ["__HEARD_SHELL__"];
var CACHE = "heard-shell-" + VERSION;
var OFFLINE = SHELL[0];
var STAFF = /^\/(staff|api)(\/|$)/;
var NEVER = [STAFF, /^\/mydata(\/|$)/, /my-data/, /^\/s\//, /^\/chat(\/|$)/, /^\/sw\.js$/];

function pathOf(url) {
  return new URL(url, self.location.href).pathname;
}

function never(path) {
  return NEVER.some(function (rule) {
    return rule.test(path);
  });
}

// The only gate into the cache: a GET of a shell address, answered 200, not no-store.
function mayKeep(request, response) {
  var path = pathOf(request.url);
  return request.method === "GET" &&
    new URL(request.url).origin === self.location.origin &&
    SHELL.indexOf(path) !== -1 && !never(path) &&
    response.status === 200 && response.type === "basic" &&
    !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

var LANGUAGE = /^\/language\/[a-z]{2,3}$/;

// The offline page is kept in the language it was fetched in (the heard_lang cookie).
function keepOfflinePage() {
  var request = new Request(OFFLINE, { cache: "reload", credentials: "same-origin" });
  return fetch(request).then(function (response) {
    if (mayKeep(request, response)) {
      return caches.open(CACHE).then(function (cache) {
        return cache.put(request, response);
      });
    }
  }, function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (url) {
      var request = new Request(url, { cache: "reload", credentials: "same-origin" });
      return fetch(request).then(function (response) {
        if (mayKeep(request, response)) {
          return cache.put(request, response);
        }
      });
    }));
  }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("heard-shell-") === 0 && name !== CACHE;
    }).map(function (name) {
      return caches.delete(name);
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return; // the browser sends it as if there were no worker
  }
  if (request.mode === "navigate") {
    if (STAFF.test(url.pathname)) {
      return; // staff pages: the worker stays out of the way entirely
    }
    var fetched = fetch(request);
    event.respondWith(fetched.catch(function () {
      return caches.match(OFFLINE).then(function (page) {
        return page || Response.error();
      });
    }));
    if (LANGUAGE.test(url.pathname)) {
      // A new language was chosen: keep the offline page in it from now on.
      event.waitUntil(fetched.then(keepOfflinePage, function () {}));
    }
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1 && !url.search) {
    event.respondWith(caches.match(request).then(function (kept) {
      return kept || fetch(request);
    }));
  }
});
