/* OneWindow console: small progressive enhancements. Every page works without it.
   - moves focus to where an action left off (data-focus)
   - keeps a case transcript live by polling its JSON endpoint every 2 s (appended with textContent only)
   - Ctrl+Enter sends the reply
   - tells the agent, politely, when the waiting list changed (no automatic reload that would steal focus) */
(function () {
  "use strict";

  /* Texts come from the page (data-text-* attributes, in the page's language); English if a page lacks one. */
  function pageText(element, name, fallback, values) {
    var text = (element && element.getAttribute("data-text-" + name)) || fallback;
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(String(values[key])); });
    return text;
  }

  function focusTarget() {
    var marker = document.querySelector("[data-focus]");
    var id = marker && marker.getAttribute("data-focus");
    var target = id && document.getElementById(id);
    if (!target) { return; }
    if (!target.matches("a, button, input, select, textarea, [tabindex]")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
    if (target.scrollIntoView) { target.scrollIntoView({ block: "center" }); }
  }

  function messageItem(m, list) {
    var li = document.createElement("li");
    li.className = "msg msg-" + String(m.sender).replace(/[^a-z]/g, "");
    li.setAttribute("data-seq", String(m.seq));
    var head = document.createElement("span");
    head.className = "msg-head";
    var who = document.createElement("strong");
    who.textContent = m.sender_label;
    var time = document.createElement("span");
    time.className = "muted";
    time.textContent = m.time;
    head.appendChild(who);
    head.appendChild(document.createTextNode(" "));
    head.appendChild(time);
    var text = document.createElement("span");
    text.className = "msg-text";
    text.textContent = m.text;
    if (m.sender === "user" && list && list.getAttribute("data-citizen-lang")) { text.lang = list.getAttribute("data-citizen-lang"); }
    li.appendChild(head);
    li.appendChild(text);
    if (m.buttons && m.buttons.length) {
      var extra = document.createElement("span");
      extra.className = "msg-extra";
      extra.textContent = pageText(list, "options", "Options offered: {options}", { options: m.buttons.join(" · ") });
      li.appendChild(extra);
    }
    if (m.bundle_size !== null && m.bundle_size !== undefined) {
      var bundle = document.createElement("span");
      bundle.className = "msg-extra";
      bundle.textContent = pageText(list, "bundle", "Sent a list of {count} services.", { count: m.bundle_size });
      li.appendChild(bundle);
    }
    return li;
  }

  function liveTranscript() {
    var list = document.getElementById("transcript");
    if (!list || !window.fetch) { return; }
    var url = list.getAttribute("data-poll-url");
    var after = parseInt(list.getAttribute("data-after") || "0", 10) || 0;
    var box = list.parentElement;
    var owner = document.getElementById("chat-owner");
    var busy = false;
    var stopped = false;
    box.scrollTop = box.scrollHeight;

    function poll() {
      if (busy || stopped || document.hidden) { return; }
      busy = true;
      fetch(url + "?after=" + after, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401 || response.status === 403 || response.status === 404) { stopped = true; }
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data) { return; }
          var atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
          data.messages.forEach(function (m) {
            if (m.seq <= after || list.querySelector('[data-seq="' + m.seq + '"]')) { return; }
            list.appendChild(messageItem(m, list));
            after = m.seq;
          });
          list.setAttribute("data-after", String(after));
          if (atBottom) { box.scrollTop = box.scrollHeight; }
          var ownerText = owner && data.owner && owner.getAttribute("data-text-" + data.owner);
          if (ownerText && owner.textContent !== ownerText) {
            owner.textContent = ownerText;
          }
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { busy = false; });
    }
    window.setInterval(poll, 2000);
  }

  function replyShortcut() {
    var field = document.getElementById("reply-text");
    if (!field) { return; }
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && field.value.trim()) {
        event.preventDefault();
        if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
      }
    });
  }

  function queueWatch() {
    var note = document.getElementById("queue-live");
    if (!note || !window.fetch) { return; }
    var url = note.getAttribute("data-poll-url");
    function normalise(list) {
      return list.map(Number).filter(function (n) { return n > 0; }).sort(function (a, b) { return a - b; }).join(",");
    }
    var known = normalise((note.getAttribute("data-known") || "").split(","));
    function ids(data) {
      return normalise(data.waiting.map(function (w) { return w.id; }));
    }
    function check() {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var now = ids(data);
          if (now === known) { return; }
          var message = pageText(note, "changed", "The waiting list changed: {count} waiting now.", { count: data.waiting.length }) + " ";
          if (note.getAttribute("data-message") === message) { return; }
          note.setAttribute("data-message", message);
          note.textContent = message;
          var link = document.createElement("a");
          link.href = window.location.pathname + window.location.search;
          link.textContent = pageText(note, "refresh", "Refresh the list");
          note.appendChild(link);
        })
        .catch(function () {});
    }
    window.setInterval(check, 10000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusTarget();
    liveTranscript();
    replyShortcut();
    queueWatch();
  });
})();
