// Customer phone page of the WhatsApp simulator: live bubbles over Server-Sent Events,
// Enter-to-send, local times, and read receipts while the page is visible.
// The composer itself posts through htmx when it is loaded, or as a plain form.
(function () {
  "use strict";

  var phone = document.querySelector("[data-testid=phone]");
  if (!phone) {
    return;
  }
  var thread = document.getElementById("phone-thread");
  var form = phone.querySelector("[data-testid=phone-form]");
  var composer = phone.querySelector("[data-testid=phone-composer]");
  var problem = phone.querySelector("[data-testid=phone-error]");

  function showLocalTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (element) {
      var when = new Date(element.getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        element.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      }
    });
  }

  function scrollToEnd() {
    thread.scrollTop = thread.scrollHeight;
  }

  // A bubble can arrive twice (the composer's answer and the event stream, or a
  // replay after reconnecting); the first copy wins.
  function removeDuplicates() {
    var seen = {};
    thread.querySelectorAll("[data-wamid]").forEach(function (element) {
      var id = element.getAttribute("data-wamid");
      if (seen[id]) {
        element.remove();
      } else {
        seen[id] = true;
      }
    });
  }

  // Read receipts: the customer "reads" whatever the business sent while the page
  // is on screen. One request at a time; a request wanted meanwhile runs after.
  var reading = false;
  var readAgain = false;
  function markRead() {
    if (document.visibilityState !== "visible" || !thread.querySelector("[data-direction=in]")) {
      return;
    }
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    var body = new URLSearchParams();
    body.set("phone_number_id", phone.dataset.phoneNumberId || "");
    fetch(phone.dataset.readUrl, { method: "POST", body: body, credentials: "same-origin" })
      .catch(function () {})
      .then(function () {
        reading = false;
        if (readAgain) {
          readAgain = false;
          markRead();
        }
      });
  }

  function addBubble(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var bubble = holder.content.firstElementChild;
    if (!bubble) {
      return;
    }
    var id = bubble.getAttribute("data-wamid");
    if (id && thread.querySelector('[data-wamid="' + CSS.escape(id) + '"]')) {
      return;
    }
    showLocalTimes(bubble);
    thread.appendChild(bubble);
    // Reply buttons and list rows post through htmx attributes, which htmx only sees once told.
    if (window.htmx) {
      window.htmx.process(bubble);
    }
    scrollToEnd();
    if (bubble.getAttribute("data-direction") === "in") {
      markRead();
    }
  }

  function showProblem(text) {
    if (!problem) {
      return;
    }
    problem.textContent = text;
    problem.hidden = text === "";
  }

  if (window.EventSource && phone.dataset.eventsUrl) {
    var source = new EventSource(phone.dataset.eventsUrl);
    source.addEventListener("bubble", function (event) {
      addBubble(event.data);
    });
  }

  composer.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) {
      return;
    }
    event.preventDefault();
    if (composer.value.trim() === "") {
      return;
    }
    form.requestSubmit();
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) {
      return;
    }
    if (event.detail.successful) {
      form.reset();
      showProblem("");
      composer.focus();
    } else if (event.detail.xhr) {
      showProblem(event.detail.xhr.responseText || "The message could not be sent.");
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== thread) {
      return;
    }
    removeDuplicates();
    showLocalTimes(thread);
    scrollToEnd();
  });

  document.addEventListener("visibilitychange", markRead);

  showLocalTimes(thread);
  scrollToEnd();
  markRead();
  composer.focus();
  // Lets tests (and anything else) know the page's handlers are in place.
  phone.dataset.ready = "true";
})();
