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
  var attachForm = phone.querySelector("[data-testid=phone-attach-form]");
  var attachInput = phone.querySelector("[data-testid=phone-attach-input]");
  var attachCaption = phone.querySelector("[data-testid=phone-attach-caption]");

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
    // Bubbles from the event stream carry htmx actions (reactions, reply buttons, list rows) that htmx
    // only sees once told.
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

  // The paperclip sends the chosen file at once, with what is typed as its caption.
  if (attachForm && attachInput) {
    attachInput.addEventListener("change", function () {
      if (!attachInput.files || attachInput.files.length === 0) {
        return;
      }
      attachCaption.value = composer.value;
      attachForm.requestSubmit();
    });
  }

  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (attachForm && event.detail.elt === attachForm) {
      attachInput.value = "";
      if (event.detail.successful) {
        form.reset();
        showProblem("");
      } else if (event.detail.xhr) {
        showProblem(event.detail.xhr.responseText || "The file could not be sent.");
      }
      return;
    }
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

  // Replying quotes a message: the composer carries its wamid until sent or cancelled.
  var replying = phone.querySelector("[data-testid=phone-replying]");
  var replyTo = form.querySelector("[data-testid=phone-reply-to]");
  function setReply(wamid, text) {
    replyTo.value = wamid || "";
    replying.hidden = !wamid;
    replying.querySelector("q").textContent = text || "";
    if (wamid) composer.focus();
  }
  document.addEventListener("click", function (event) {
    var reply = event.target.closest("[data-reply]");
    if (reply) { setReply(reply.getAttribute("data-reply"), reply.getAttribute("data-reply-text")); return; }
    if (event.target.closest("[data-reply-cancel]")) setReply("", "");
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt === form && event.detail.successful) setReply("", "");
    var share = event.detail.elt.closest && event.detail.elt.closest(".phone-share details");
    if (share && event.detail.successful) {
      event.detail.elt.reset();
      share.open = false;
      showProblem("");
    } else if (share && event.detail.xhr) {
      showProblem(event.detail.xhr.responseText || "Could not share that.");
    }
  });

  document.addEventListener("visibilitychange", markRead);

  showLocalTimes(thread);
  scrollToEnd();
  markRead();
  composer.focus();
  // Lets tests (and anything else) know the page's handlers are in place.
  phone.dataset.ready = "true";
})();
