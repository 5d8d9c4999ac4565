// Switchboard's browser code: only what must run in the browser. Everything else is server-rendered HTML
// swapped by htmx. No inline scripts exist (the CSP forbids them), so behaviour hangs off data attributes.
(function () {
  "use strict";

  // The server renders times in the viewer's zone; tell it which one that is.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; SameSite=Lax; max-age=31536000";
  } catch (e) { /* keep UTC */ }

  var encoder = new TextEncoder();
  var selectedKey = "switchboard:selected-pane";
  var acceptingID = null;

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  // Options the server put on the workspace (see components.AttentionView).
  var workspace = null;
  var settings = { warning: 30, maximum: 50, blink: true, blinkSeconds: 0, focusNew: true, clockOffset: 0 };
  function readSettings() {
    workspace = $("[data-testid=workspace]");
    if (!workspace) return;
    settings.warning = parseInt(workspace.getAttribute("data-pending-warning"), 10) || 30;
    settings.maximum = parseInt(workspace.getAttribute("data-pending-maximum"), 10) || 50;
    settings.blink = workspace.getAttribute("data-blink") === "true";
    settings.blinkSeconds = parseInt(workspace.getAttribute("data-blink-seconds"), 10) || 0;
    settings.focusNew = workspace.getAttribute("data-focus-new") !== "false";
    settings.clockOffset = (parseInt(workspace.getAttribute("data-server-now"), 10) || Date.now()) - Date.now();
  }
  function serverNow() { return Date.now() + settings.clockOffset; }

  // ---- Interaction bar and panes -------------------------------------------------------------------
  function panes() { return $all("#interaction-panes > .pane"); }
  function paneID(interactionID) { return "pane-" + interactionID; }
  function interactionOf(pane) { return pane ? pane.getAttribute("data-interaction-id") : null; }

  function selectPane(id, focusComposer) {
    var list = panes();
    var target = id && document.getElementById(id);
    if (!target && list.length) target = list[0];
    var changed = target && target.hidden;
    list.forEach(function (pane) { pane.hidden = pane !== target; });
    $all(".interaction-bar .tab").forEach(function (tab) {
      var on = target && tab.getAttribute("data-pane") === target.id;
      tab.classList.toggle("current", !!on);
      tab.setAttribute("aria-current", on ? "true" : "false");
    });
    var empty = $("#interaction-panes > .empty-state");
    if (empty) empty.hidden = list.length > 0;
    if (target) {
      sessionStorage.setItem(selectedKey, target.id);
      if (changed) scrollToEnd(target);
      if (focusComposer) {
        var text = $("textarea[name=text]", target);
        if (text) text.focus();
      }
      acknowledge();
    }
  }

  function activePane() { return panes().filter(function (p) { return !p.hidden; })[0] || null; }

  function currentPaneID() {
    var shown = activePane();
    return shown ? shown.id : sessionStorage.getItem(selectedKey);
  }

  function transcriptOf(pane) { return $(".transcript", pane); }

  function scrollToEnd(pane) {
    var transcript = transcriptOf(pane);
    if (transcript) transcript.scrollTop = transcript.scrollHeight;
    var pill = $("[data-testid=new-messages-pill]", pane);
    if (pill) pill.hidden = true;
  }

  // ---- Attention: new customer messages, blinking, title and favicon ----------------------------------
  // unseen holds interactions with a customer message the agent has not looked at; blinkUntil says how long
  // each bar entry blinks (0: until looked at).
  var unseen = {};
  var blinkUntil = {};

  function looking(interactionID) {
    var pane = activePane();
    return document.hasFocus() && !document.hidden && interactionOf(pane) === interactionID;
  }

  function acknowledge() {
    var id = interactionOf(activePane());
    if (id && document.hasFocus() && !document.hidden) {
      delete unseen[id];
      if (blinkUntil[id] === 0) delete blinkUntil[id];
    }
  }

  function customerMessageArrived(interactionID) {
    if (looking(interactionID)) return;
    unseen[interactionID] = true;
    if (settings.blink) blinkUntil[interactionID] = settings.blinkSeconds > 0 ? Date.now() + settings.blinkSeconds * 1000 : 0;
  }

  var baseTitle = document.title;
  var favicon = $("link[rel=icon]");
  var flashOn = false;
  function flash() {
    var waiting = Object.keys(unseen);
    flashOn = waiting.length > 0 && !flashOn;
    var offers = $all("[data-testid=offer]").length;
    var title = (offers ? "(" + offers + ") " : "") + baseTitle;
    document.title = flashOn ? "● Customer waiting · " + title : title;
    document.documentElement.setAttribute("data-attention", waiting.length > 0 ? "true" : "false");
    if (favicon) favicon.href = flashOn ? "/static/favicon-alert.svg" : "/static/favicon.svg";
  }

  function paintAttention() {
    var now = Date.now();
    $all(".interaction-bar .tab").forEach(function (tab) {
      var id = tab.getAttribute("data-interaction-id");
      var until = blinkUntil[id];
      var on = until !== undefined && (until === 0 ? !!unseen[id] : now < until);
      if (until !== undefined && !on) delete blinkUntil[id];
      tab.classList.toggle("blink", on);
      tab.setAttribute("data-blinking", on ? "true" : "false");
    });
  }

  // The pending-response indicator: green, yellow after the warning time, flashing red after the maximum.
  function paintPending() {
    var now = serverNow();
    $all(".pending[data-pending-since]").forEach(function (el) {
      var seconds = Math.max(0, Math.floor((now - parseInt(el.getAttribute("data-pending-since"), 10)) / 1000));
      var level = seconds >= settings.maximum ? "red" : seconds >= settings.warning ? "yellow" : "green";
      if (el.getAttribute("data-level") !== level) el.setAttribute("data-level", level);
      var text = Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
      if (el.textContent !== text) el.textContent = text;
    });
  }

  window.addEventListener("focus", function () { acknowledge(); tick(); });
  document.addEventListener("visibilitychange", function () { acknowledge(); tick(); });

  // ---- Clicks ----------------------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var tab = event.target.closest(".interaction-bar .tab");
    if (tab) { selectPane(tab.getAttribute("data-pane"), true); tick(); return; }
    var toggle = event.target.closest("[data-toggle]");
    if (toggle) {
      var panel = document.getElementById(toggle.getAttribute("data-toggle"));
      if (panel) {
        panel.hidden = !panel.hidden;
        var first = !panel.hidden && $("select, textarea, input", panel);
        if (first) first.focus();
      }
      return;
    }
    var jump = event.target.closest("[data-jump]");
    if (jump) { event.preventDefault(); jumpTo(jump); return; }
    var pill = event.target.closest("[data-testid=new-messages-pill]");
    if (pill) { scrollToEnd(pill.closest(".pane")); return; }
    var emojiToggle = event.target.closest("[data-emoji-toggle]");
    if (emojiToggle) {
      var emojiPanel = $(".emoji-panel", emojiToggle.closest("form"));
      emojiPanel.hidden = !emojiPanel.hidden;
      emojiToggle.setAttribute("aria-expanded", emojiPanel.hidden ? "false" : "true");
      return;
    }
    var emoji = event.target.closest("[data-emoji]");
    if (emoji) { insertAtCaret($("textarea[name=text]", emoji.closest("form")), emoji.getAttribute("data-emoji")); return; }
    var accept = event.target.closest("[data-testid=offer-accept]");
    if (accept) acceptingID = paneID(accept.closest("[data-interaction-id]").getAttribute("data-interaction-id"));
  });

  // Emojis go where the caret is (replacing a selection), as typing would put them.
  function insertAtCaret(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    textarea.focus();
    textarea.setRangeText(text, start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Jumping to a message (a search hit or a quoted message): scroll to it and highlight it, first loading the
  // older sessions down to its own when it is not on the page yet.
  function jumpTo(link) {
    var id = link.getAttribute("data-jump");
    var target = document.getElementById(id);
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.classList.remove("jumped");
      void target.offsetWidth; // restart the highlight animation
      target.classList.add("jumped");
      return;
    }
    var session = link.getAttribute("data-session");
    var pane = link.closest(".pane");
    var more = pane && $(".older [data-testid=see-older]", pane);
    if (!session || !more || !window.htmx) return;
    var older = more.closest(".older");
    htmx.ajax("GET", more.getAttribute("hx-get") + "&through=" + encodeURIComponent(session), { target: "#" + older.id, swap: "outerHTML" })
      .then(function () { if (document.getElementById(id)) jumpTo(link); });
  }

  // ---- Composer: Enter sends, byte counter, drafts --------------------------------------------------
  function draftKey(textarea) { return "switchboard:" + textarea.getAttribute("data-draft-key"); }

  function updateComposer(textarea) {
    var form = textarea.closest("form");
    var max = parseInt(textarea.getAttribute("data-max-bytes"), 10) || 0;
    var bytes = encoder.encode(textarea.value).length;
    var counter = $("[data-testid=byte-counter]", form);
    var error = $("[data-testid=composer-error]", form);
    var send = $("button[type=submit]", form);
    var over = max > 0 && bytes > max;
    if (counter) {
      counter.textContent = bytes + " / " + max + " bytes";
      counter.classList.toggle("over", over);
    }
    if (over) {
      error.textContent = "The message is " + bytes + " bytes; the maximum is " + max + " bytes. Shorten it to send.";
      error.setAttribute("data-client", "true");
    } else if (error.getAttribute("data-client") === "true") {
      error.textContent = "";
      error.removeAttribute("data-client");
    }
    // A file waiting to be sent (static/attachments.js) makes Send useful without text.
    var responseFiles = form.querySelector("[data-testid=composer-attachment]") !== null;
    send.disabled = over || (textarea.value.trim() === "" && !form.hasAttribute("data-has-attachment") && !responseFiles);
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches(".composer textarea[name=text]")) return;
    if (textarea.value) sessionStorage.setItem(draftKey(textarea), textarea.value);
    else sessionStorage.removeItem(draftKey(textarea));
    updateComposer(textarea);
  });

  document.addEventListener("keydown", function (event) {
    var textarea = event.target;
    if (event.key === "Escape") {
      $all(".emoji-panel").forEach(function (p) { p.hidden = true; });
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!textarea.matches || !textarea.matches(".composer textarea[name=text]")) return;
    event.preventDefault();
    var send = $("button[type=submit]", textarea.closest("form"));
    if (!send.disabled) textarea.closest("form").requestSubmit(send);
  });

  // A composer that appears (page load, reconnect re-render) gets back what was typed before.
  function initComposers(root) {
    $all(".composer textarea[name=text]", root).forEach(function (textarea) {
      if (!textarea.value) {
        var draft = sessionStorage.getItem(draftKey(textarea));
        if (draft) textarea.value = draft;
      }
      updateComposer(textarea);
    });
  }

  // Scrolling to the end of a transcript hides its "new messages" pill.
  document.addEventListener("scroll", function (event) {
    var transcript = event.target;
    if (!transcript.classList || !transcript.classList.contains("transcript")) return;
    if (transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 24) {
      var pill = $("[data-testid=new-messages-pill]", transcript.closest(".pane"));
      if (pill) pill.hidden = true;
    }
  }, true);

  // ---- Timers ------------------------------------------------------------------------------------------
  function tick() {
    var now = Date.now();
    $all(".countdown[data-expires-at]").forEach(function (el) {
      var left = Math.max(0, Math.round((parseInt(el.getAttribute("data-expires-at"), 10) - serverNow()) / 1000));
      el.textContent = left + "s";
      el.classList.toggle("urgent", left <= 5);
    });
    paintPending();
    paintAttention();
    flash();
    void now;
  }
  setInterval(tick, 1000);

  // ---- htmx integration ------------------------------------------------------------------------------
  // Appends into lists marked data-append-unique skip elements already present: the same message or pane
  // can reach a tab through both an action response and the event stream.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var first = event.detail.fragment && event.detail.fragment.firstElementChild;
    if (target && target.hasAttribute("data-append-unique") && first && first.id && onPage(first.id)) {
      event.preventDefault();
    }
  });

  // onPage reports whether an element with id is on the page proper (not the #oob-sink scratch area).
  function onPage(id) {
    return $all("[id=\"" + CSS.escape(id) + "\"]").some(function (el) { return !el.closest("#oob-sink"); });
  }

  function afterChange(root) {
    var sink = document.getElementById("oob-sink");
    if (sink) sink.textContent = "";
    initComposers(root || document);
    var wanted = acceptingID && document.getElementById(acceptingID) ? acceptingID : currentPaneID();
    if (acceptingID && document.getElementById(acceptingID)) acceptingID = null;
    selectPane(wanted, false);
    tick();
  }

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (target.id === "closed-panes") {
      $all("[data-closed-pane]", target).forEach(function (marker) {
        var pane = document.getElementById(marker.getAttribute("data-closed-pane"));
        if (pane) pane.remove();
        var id = marker.getAttribute("data-closed-pane").slice(5);
        sessionStorage.removeItem("switchboard:draft-" + id);
        delete unseen[id];
        delete blinkUntil[id];
        marker.remove();
      });
      selectPane(currentPaneID(), false);
      return;
    }
    if (target.matches && target.matches("ol.messages[id^=messages-]")) newLine(target);
    if (target.id === "interaction-panes") {
      // A newly opened interaction (auto-answer, another tab accepting) that the agent is not looking at.
      var pane = target.lastElementChild;
      if (pane && pane !== activePane() && pane.id !== acceptingID && $(".pending-slot .pending", pane)) {
        customerMessageArrived(interactionOf(pane));
      }
      $all("ol.messages > li", pane).forEach(function (li) { li.setAttribute("data-seen", "true"); });
    }
  });

  // newLine reacts to a line appended to a current session: scroll or show the pill, and draw attention to
  // a customer message the agent is not looking at.
  function newLine(list) {
    var line = list.lastElementChild;
    if (!line || line.getAttribute("data-seen") === "true") return;
    line.setAttribute("data-seen", "true");
    var pane = list.closest(".pane");
    var interactionID = interactionOf(pane);
    var fromCustomer = line.getAttribute("data-side") === "customer";
    if (!pane.hidden) {
      if (settings.focusNew || !fromCustomer) scrollToEnd(pane);
      else {
        var transcript = transcriptOf(pane);
        var atEnd = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 24;
        var pill = $("[data-testid=new-messages-pill]", pane);
        if (pill && !atEnd) pill.hidden = false;
      }
    }
    if (fromCustomer) customerMessageArrived(interactionID);
  }

  // "see older messages..." inserts sessions above what the agent is reading; keep their place.
  var keepPlace = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("older")) {
      var transcript = target.closest(".transcript");
      keepPlace = { transcript: transcript, fromBottom: transcript.scrollHeight - transcript.scrollTop };
    }
    // A sent message's draft goes before the fresh composer is swapped in (and would restore it).
    var form = event.detail.elt;
    if (event.detail.xhr.status === 200 && form.matches && form.matches(".composer")) {
      var textarea = $("textarea[name=text]", form);
      if (textarea) sessionStorage.removeItem(draftKey(textarea));
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (keepPlace) {
      keepPlace.transcript.scrollTop = keepPlace.transcript.scrollHeight - keepPlace.fromBottom;
      keepPlace = null;
    }
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches(".composer")) {
      var fresh = document.getElementById(elt.id) || elt;
      var textarea = $("textarea[name=text]", fresh);
      if (textarea) { initComposers(fresh.parentNode); textarea.focus(); }
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.classList && event.detail.target.classList.contains("search-results")) return;
    var elt = event.detail.elt;
    if (elt && elt.classList && elt.classList.contains("older")) return; // keep the reader's place
    afterChange(elt);
  });
  document.addEventListener("htmx:sseMessage", function () {
    afterChange(document);
    // The first event re-renders the live parts of the page; tests wait for it before clicking them.
    document.documentElement.setAttribute("data-stream", "synced");
  });

  // Live-update connection state, and leaving when the session was revoked elsewhere.
  document.addEventListener("htmx:sseOpen", function (event) {
    var status = $("#stream-status");
    if (status) status.hidden = true;
    var source = event.detail.source;
    if (source && !source.switchboardSignedOut) {
      source.switchboardSignedOut = true;
      source.addEventListener("signedout", function () { window.location.href = "/login"; });
    }
  });
  document.addEventListener("htmx:sseError", function () {
    var status = $("#stream-status");
    if (status) status.hidden = false;
  });

  document.addEventListener("DOMContentLoaded", function () {
    readSettings();
    var remembered = sessionStorage.getItem(selectedKey);
    initComposers(document);
    selectPane(remembered, false);
    // Customers already waiting in interactions the agent is not looking at need attention after a reload too.
    $all("#interaction-panes > .pane").forEach(function (pane) {
      if (pane.hidden && $(".pending-slot .pending", pane)) customerMessageArrived(interactionOf(pane));
    });
    $all("ol.messages > li").forEach(function (li) { li.setAttribute("data-seen", "true"); });
    tick();
    // Lets tests (and anything else) know the page's handlers are in place.
    document.documentElement.setAttribute("data-app-ready", "true");
  });
})();
